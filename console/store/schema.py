"""Alembic migrations run from code: no alembic.ini, and the scripts found beside this module.

The scripts live in `console/store/migrations/` (env.py, versions/); a frozen build ships them as
data files at the same place. Every upgrade runs on a connection the caller has already put in a
write transaction, so two instances starting at once migrate one after the other.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).resolve().with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the workspace scripts, bound to `connection` for env.py."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The newest revision this version of the app knows."""
    revision = _scripts().get_current_head()
    assert revision is not None, "the workspace has no migrations"
    return revision


def known_revisions() -> list[str]:
    """Every revision this version knows, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def current(connection: Connection) -> str | None:
    """The revision the database is at (None: empty, never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, target: str = "head") -> None:
    """Bring the database on `connection` (inside the caller's transaction) to `target`."""
    command.upgrade(alembic_config(connection), target)
