"""The workspace on a shared PostgreSQL server (team mode, issue 22).

Entry points, for the services:

- `TeamServer(host, database, user, password="", port=5432, sslmode="verify-full", sslrootcert=None)`:
  what the Team workspace dialog gathers. `describe()` names it without the password (for messages and
  logs); `url()` is the SQLAlchemy URL, password included, for `open_team_workspace` only.
- `open_team_workspace(target, *, sslmode=None, pool_size=POOL_SIZE, connect_timeout=10,
  application_name="Customer Console") -> Workspace`. `target` is a `TeamServer`, a SQLAlchemy URL or a
  URL text ("postgresql://user:password@host:5432/database?sslmode=verify-full"); `sslmode`, when
  given, overrides the target's. It connects (psycopg 3, a pool of `pool_size`), refuses a database
  written by a newer schema untouched (`NewerSchemaError`, as for the local file), migrates an older
  one inside one transaction under an advisory lock (two consoles starting at once: one migrates, the
  other waits and then finds it current), and returns the same `Workspace` as the local file's
  `open_workspace`: the repository functions cannot tell the two apart.
- `probe_team_database(target, *, sslmode=None, connect_timeout=10) -> TeamProbe`: for *Test connection*:
  connects once, writes nothing, and says who logged in, the server's version and the schema's state
  ("empty", "behind", "current" or "newer").
- `TeamDatabaseError`: connecting or migrating failed. Its message names the server as `describe()`
  does and never holds the password; the driver's exception is not chained to it, since its text may.
- `redact(text, *secrets)`: a text with passwords (given ones, and any in a URL or a `password=` pair)
  replaced by `***`, for anything else that might show a connection's details.

The least-privilege roles for a team database are in `team_roles.py`; named advisory locks (the
migrations', the journal's, and any the services add, per account say) in `advisory.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from console.store import advisory, schema, tables
from console.store.engine import NewerSchemaError, Workspace

DRIVER = "postgresql+psycopg"
# Connections per console: the workspace thread's, plus one for a reader alongside it. Overflow stays
# small: every console holds its pool open, and a server's default allows 100 connections.
POOL_SIZE = 3
MASK = "***"
_IN_URL = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")
_PAIR = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
# SQLSTATE 42501: the login may not create or alter the tables (a console role, not the owner).
_INSUFFICIENT_PRIVILEGE = "42501"


class TeamDatabaseError(RuntimeError):
    """The team database could not be opened; the message is fit to show and holds no password."""


@dataclass(frozen=True, slots=True)
class TeamServer:
    """Where the team database is and who logs in; TLS `verify-full` unless said otherwise."""

    host: str
    database: str
    user: str
    password: str = field(default="", repr=False)
    port: int = 5432
    sslmode: str = "verify-full"
    sslrootcert: str | None = None      # the CA's certificate file, where the system's CAs do not sign it

    def url(self) -> sa.URL:
        query = {"sslmode": self.sslmode} | ({"sslrootcert": self.sslrootcert} if self.sslrootcert else {})
        return sa.URL.create(DRIVER, username=self.user, password=self.password or None, host=self.host,
                             port=self.port, database=self.database, query=query)

    def describe(self) -> str:
        return describe(self.url())


def team_url(target: TeamServer | sa.URL | str, sslmode: str | None = None) -> sa.URL:
    """The SQLAlchemy URL (psycopg 3 driver) for `target`, with `sslmode` if given."""
    if isinstance(target, TeamServer):
        url = target.url()
    else:
        try:
            url = sa.make_url(target) if isinstance(target, str) else target
        except sa.exc.ArgumentError:
            raise TeamDatabaseError(f"Not a PostgreSQL connection URL: {redact(str(target))}") from None
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise TeamDatabaseError(f"Not a PostgreSQL connection URL: {url.render_as_string(hide_password=True)}")
    url = url.set(drivername=DRIVER)
    return url.update_query_dict({"sslmode": sslmode}) if sslmode else url


def describe(url: sa.URL) -> str:
    """user@host:port/database: the database named for people, without the password."""
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def redact(text: str, *secrets: str | None) -> str:
    """`text` with each of `secrets`, and any password in a URL or a `password=` pair, replaced by ***."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _PAIR.sub(rf"\g<1>{MASK}", _IN_URL.sub(rf"\g<1>{MASK}@", text))


def create_team_engine(url: sa.URL, *, pool_size: int = POOL_SIZE, connect_timeout: int = 10,
                       application_name: str = "Customer Console") -> Engine:
    """An engine on the team database: a small pool, connections checked before use (a server restarted
    or a network gone away shows as an error at once, not on the next statement), statements' parameters
    (customers' data) kept out of error messages."""
    tables.postgresql_conditions()   # the schema as PostgreSQL holds it: its partial indexes' conditions
    return sa.create_engine(url, pool_size=pool_size, max_overflow=1, pool_pre_ping=True, pool_recycle=1800,
                            hide_parameters=True,
                            connect_args={"connect_timeout": connect_timeout, "application_name": application_name})


def open_team_workspace(target: TeamServer | sa.URL | str, *, sslmode: str | None = None,
                        pool_size: int = POOL_SIZE, connect_timeout: int = 10,
                        application_name: str = "Customer Console") -> Workspace:
    """Open the team database at `target`, migrating it if it is behind (see the module's docstring).

    Raises `NewerSchemaError` for a database of a newer version (nothing written), `TeamDatabaseError`
    for any other failure (not reached, refused, not allowed to migrate), its message free of the password.
    """
    url = team_url(target, sslmode)
    where = describe(url)
    engine = create_team_engine(url, pool_size=pool_size, connect_timeout=connect_timeout,
                                application_name=application_name)
    try:
        with engine.connect() as connection:
            _migrate(connection, where)
    except NewerSchemaError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise TeamDatabaseError(_failure(exc, where, url.password)) from None
    return Workspace(engine, None, where=where)


@dataclass(frozen=True, slots=True)
class TeamProbe:
    """What a test connection found: the database, who logged in, the server, and the schema's state."""

    where: str
    login: str
    server_version: str
    revision: str | None                                   # None: an empty database
    state: Literal["empty", "behind", "current", "newer"]


def probe_team_database(target: TeamServer | sa.URL | str, *, sslmode: str | None = None,
                        connect_timeout: int = 10) -> TeamProbe:
    """Connect once and report what is there, writing nothing; `TeamDatabaseError` (no password) if it fails."""
    url = team_url(target, sslmode)
    where = describe(url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, hide_parameters=True,
                              connect_args={"connect_timeout": connect_timeout})
    try:
        with engine.connect() as connection:
            login = str(connection.execute(sa.text("SELECT session_user")).scalar_one())
            version = str(connection.execute(sa.text("SHOW server_version")).scalar_one())
            revision = schema.current(connection)
    except Exception as exc:
        raise TeamDatabaseError(_failure(exc, where, url.password)) from None
    finally:
        engine.dispose()
    state: Literal["empty", "behind", "current", "newer"] = (
        "empty" if revision is None else "current" if revision == schema.head()
        else "behind" if revision in schema.known_revisions() else "newer")
    return TeamProbe(where, login, version, revision, state)


def _migrate(connection: Connection, where: str) -> None:
    """Refuse a newer schema; bring an older one to the head in one transaction, under the migration lock."""
    revision = _checked_revision(connection, where)
    connection.rollback()   # the read's transaction: the lock is waited for in a fresh one
    if revision == schema.head():
        return
    with connection.begin():
        advisory.lock_for_transaction(connection, advisory.MIGRATIONS)
        # Read again under the lock: the console that held it may have migrated meanwhile.
        if _checked_revision(connection, where) != schema.head():
            try:
                schema.upgrade(connection)
            except sa.exc.DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
                    raise TeamDatabaseError(
                        f"The team workspace database {where} has an older schema (revision {revision or 'none'}) "
                        f"than this version of Customer Console ({schema.head()}), and this login may not upgrade "
                        "it. The database's owner upgrades it by starting this version once with the owner's "
                        "login.") from None
                raise


def _checked_revision(connection: Connection, where: str) -> str | None:
    revision = schema.current(connection)
    if revision is not None and revision not in schema.known_revisions():
        raise NewerSchemaError(where, revision)
    return revision


def _failure(exc: Exception, where: str, password: str | None) -> str:
    """What to tell the user of a failed opening: the server's or driver's own words, without the password."""
    if isinstance(exc, TeamDatabaseError):
        return redact(str(exc), password)
    # SQLAlchemy's text adds the statement and a link to its error pages; the driver's first lines say it.
    reason = str(exc.orig) if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None else str(exc)
    reason = " ".join(line.strip() for line in reason.strip().splitlines()[:3])
    return redact(f"The team workspace database {where} could not be opened: {reason or type(exc).__name__}",
                  password)
