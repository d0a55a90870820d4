"""PostgreSQL advisory locks the workspace takes, each known by a name; on SQLite none are needed.

SQLite lets one connection write at a time (`Workspace.write` takes that lock at its start), which
already serialises what these locks serialise on a team server: the migrations of two consoles that
start at once, and appends to the journal's hash chain (each append reads the last hash, then links to
it). A transaction-level lock is released by its commit or rollback, so none can be left behind.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def lock_key(name: str) -> int:
    """The 64-bit key of the lock called `name`, the same in every console (PostgreSQL takes a signed bigint)."""
    digest = hashlib.sha256(f"customer-console:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


MIGRATIONS = lock_key("migrations")
JOURNAL = lock_key("journal")


def lock_for_transaction(connection: Connection, key: int) -> None:
    """Wait for, then hold until the transaction ends, the lock `key` (PostgreSQL; nothing on SQLite)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))


def refresh_lock(account_id: str) -> int:
    """The lock a console holds while it refreshes `account_id` into a team workspace."""
    return lock_key(f"refresh:{account_id}")


def job_lock(account_id: str) -> int:
    """The lock a job holds while it sends operations to `account_id` (jobs on one account share its rate budget)."""
    return lock_key(f"jobs:{account_id}")


def try_hold(connection: Connection, key: int) -> bool:
    """Take the lock `key` for the connection's session, if free; True when taken (always on SQLite).

    The connection should be in autocommit: the lock outlives transactions, and an idle transaction
    would hold back the server's vacuum for as long as the lock is held."""
    if connection.dialect.name != "postgresql":
        return True
    return bool(connection.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar())


def release(connection: Connection, key: int) -> None:
    """Let go of a lock `try_hold` took (closing the connection does too)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_unlock(key)))
