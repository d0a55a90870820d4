"""Opening the workspace database: SQLCipher with a key, WAL, waits instead of "database is locked".

`open_workspace` checks the file before anything writes to it: one written by a newer version of
the app is refused untouched (`NewerSchemaError`); one that cannot be read (corrupt, not a
database, or encrypted with a key we no longer have) is moved aside as
`<name>.unreadable-<time>` and a fresh database is made, and the result says so. Then migrations
run, inside a write transaction, so two instances starting together migrate one after the other.

Every connection waits up to `BUSY_TIMEOUT_MS` for another's write. A write transaction starts
with `BEGIN IMMEDIATE` (`Workspace.write`): it takes the write lock at its start, where SQLite's
wait applies, rather than when its first write meets a newer snapshot, which fails at once.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from console.store import schema
from console.store.keys import sqlcipher_passphrase

log = logging.getLogger(__name__)

# How long a connection waits for another connection's (or instance's) write before failing. The
# longest write is one page of customers or one account's removal, well under a second; a minute
# leaves room for a slow disk and a second instance's full refresh.
BUSY_TIMEOUT_MS = 60_000

_IMMEDIATE = "workspace_immediate"
_OPENING = threading.Lock()
# SQLite's primary result codes for a file that is not (or no longer) a database we can read. A
# wrong key reads as NOTADB: SQLCipher cannot tell a wrong key from a damaged file.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class NewerSchemaError(RuntimeError):
    """The database was written by a newer version of the app; it is left exactly as it was.

    `where` is the local file's path, or a team database's description (user@host:port/database,
    never its password); `path` is the file's, None for a team database.
    """

    def __init__(self, where: Path | str, revision: str) -> None:
        if isinstance(where, Path):
            what, instead = f"The local workspace database {where}", "or run this version with another --config-dir."
        else:
            what, instead = f"The team workspace database {where}", "on this computer too."
        super().__init__(
            f"{what} was written by a newer version of Customer Console (schema {revision}), which this "
            f"version cannot read. It has been left untouched: update Customer Console to use it, {instead}")
        self.path = where if isinstance(where, Path) else None
        self.where = str(where)
        self.revision = revision


class _Unreadable(Exception):
    """The file cannot be read as our database (corrupt, not a database, or another key)."""


@dataclass(frozen=True, slots=True)
class Workspace:
    """An open workspace database, the local file (`open_workspace`) or a team server's
    (`console.store.team.open_team_workspace`): the repository functions take its connections alike.

    `path` is the local file (None for a team database); `set_aside` where an unreadable file went when
    this open replaced it; `where` names the database for messages (the path, or user@host:port/database).
    """

    engine: Engine
    path: Path | None
    set_aside: Path | None = None
    where: str = ""

    def read(self) -> AbstractContextManager[Connection]:
        """A read transaction (a snapshot: other writers do not block it, nor it them)."""
        if self.engine.dialect.name == "postgresql":
            # PostgreSQL's default (read committed) gives each statement its own snapshot; History's count
            # and its page, read in one block, should see the same journal, as they do on SQLite.
            return self.engine.execution_options(isolation_level="REPEATABLE READ").begin()
        return self.engine.begin()

    def write(self) -> AbstractContextManager[Connection]:
        """A write transaction, committed when the block ends. On SQLite it holds the write lock from its
        start; on PostgreSQL rows are locked as they are written (read committed), and the journal's appends
        take an advisory lock of their own (console/store/advisory.py)."""
        return self.engine.execution_options(**{_IMMEDIATE: True}).begin()

    def close(self) -> None:
        self.engine.dispose()


def open_workspace(path: Path, key: str) -> Workspace:
    """Open (creating or migrating as needed) the database at `path` with `key`.

    Raises `NewerSchemaError` for a database of a newer version; other failures to open (a folder
    that cannot be written, a disk error) propagate as they are, with nothing moved.
    """
    passphrase = sqlcipher_passphrase(key)
    # One opening at a time in the process: two threads creating, migrating or giving up on files at
    # once (two team-cache copies in one test, each opening a cache file) crashed inside SQLCipher once
    # in CI, one thread's engine being disposed while the other ran a migration.
    with _OPENING:
        try:
            return Workspace(_open_checked(path, passphrase), path, where=str(path))
        except _Unreadable as exc:
            aside = _move_aside(path)
            log.warning("workspace database unreadable (%s); moved to %s and started afresh", exc, aside.name)
            return Workspace(_open_checked(path, passphrase), path, set_aside=aside, where=str(path))


def create_engine(path: Path, passphrase: str) -> Engine:
    """An engine on the SQLCipher file at `path`, each connection keyed and set up on connect."""
    url = sa.URL.create("sqlite+pysqlcipher", password=passphrase, database=str(path))
    engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2, max_overflow=4,
                              connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The dialect has set the key already. The driver's own transaction handling is switched off:
    # `_on_begin` emits BEGIN itself, so a write transaction can be IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA cipher_log_level = NONE")   # SQLCipher would print a wrong key to stderr
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL with NORMAL is consistent after any crash; a power cut may lose the last commits,
        # which the next refresh brings back.
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _open_checked(path: Path, passphrase: str) -> Engine:
    _create_private(path)
    engine = create_engine(path, passphrase)
    try:
        _check_and_set_wal(engine, path)
        with engine.execution_options(**{_IMMEDIATE: True}).begin() as connection:
            # Read again under the write lock: another instance may have migrated meanwhile.
            if schema.current(connection) != schema.head():
                schema.upgrade(connection)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _check_and_set_wal(engine: Engine, path: Path) -> None:
    """Read the file's schema revision (nothing written), refuse a newer one, then switch to WAL."""
    try:
        raw = engine.raw_connection()   # the first connection reads the file: a wrong key fails here
    except Exception as exc:
        raise _classified(exc) from exc
    try:
        cursor = raw.cursor()
        try:
            revision = _revision(cursor)
        except Exception as exc:  # the driver's own error: this cursor is not SQLAlchemy's
            raise _classified(exc) from exc
        if revision is not None and revision not in schema.known_revisions():
            raise NewerSchemaError(path, revision)
        cursor.execute("PRAGMA journal_mode = WAL")   # kept in the file: every later connection uses WAL
        cursor.close()
    finally:
        raw.close()


def _classified(exc: Exception) -> Exception:
    """`_Unreadable` for an error saying the file is not a database we can read; else `exc` itself."""
    driver_error = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    code = getattr(driver_error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (_SQLITE_NOTADB, _SQLITE_CORRUPT):
        return _Unreadable(str(driver_error))
    return exc


def _revision(cursor: Any) -> str | None:
    cursor.execute("SELECT count(*) FROM sqlite_master")   # the first read: fails for a wrong key or garbage
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
    if cursor.fetchone() is None:
        return None
    cursor.execute("SELECT version_num FROM alembic_version")
    row = cursor.fetchone()
    return None if row is None else str(row[0])


def _create_private(path: Path) -> None:
    """Create the file empty and readable by its owner alone, before SQLite creates it with the umask's mode."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _move_aside(path: Path) -> Path:
    """Rename the database (and its WAL files) to `<name>.unreadable-<time>`; the new name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    counter = 1
    while aside.exists():
        counter += 1
        aside = path.with_name(f"{path.name}.unreadable-{stamp}-{counter}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    return aside

