"""Alembic migrations run from code: no alembic.ini, and the scripts found beside this module.

The scripts live in `console/store/migrations/` (env.py, versions/); a frozen build ships them as
data files at the same place. Every upgrade runs on a connection the caller has already put in a
write transaction, so two instances starting at once migrate one after the other.

Alembic itself is imported only when a database is actually behind: importing it costs about
0.2 s, which every start would otherwise pay on the workspace thread before the local copy can be
read (P9 in benchmarks/run.py). `REVISIONS` names the scripts' revisions, oldest first, so that
an opening can tell "at the head" and "written by a newer version" from the database's
`alembic_version` alone; a test checks it against the scripts.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
# Every revision in migrations/versions, oldest first; a new script adds its id here.
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012",
             "0013", "0014", "0015")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the workspace scripts, bound to `connection` for env.py."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def scripts() -> ScriptDirectory:
    """Alembic's view of the scripts (what `REVISIONS` must agree with)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest revision this version of the app knows."""
    return REVISIONS[-1]


def known_revisions() -> list[str]:
    """Every revision this version knows, oldest first."""
    return list(REVISIONS)


def current(connection: Connection) -> str | None:
    """The revision the database is at (None: empty, never migrated); read without Alembic."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(connection: Connection, target: str = "head") -> None:
    """Bring the database on `connection` (inside the caller's transaction) to `target`."""
    from alembic import command

    command.upgrade(alembic_config(connection), target)
