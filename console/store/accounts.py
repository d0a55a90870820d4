"""An account's place in the workspace: its refresh state ("data as of") and removing all it holds.

A refresh (full or incremental) starts with `begin_refresh`, which hands out the account's next
generation; every page saved meanwhile marks its rows with the account's current generation; a
full refresh that reached the end removes, in `complete_refresh`, the rows no generation since its
own has seen. Two instances refreshing one account at once cannot remove each other's rows:
marks only grow, and each removes only rows older than its own start.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.store import dialects
from console.store.duplicate_scans import forget_scans
from console.store.start_views import forget_views
from console.store.tables import accounts, customers


@dataclass(frozen=True, slots=True)
class Refresh:
    """A refresh under way: the generation it took and when it started."""

    account_id: str
    generation: int
    started_at: datetime


@dataclass(frozen=True, slots=True)
class RefreshState:
    """What the workspace knows of an account's refreshes."""

    provider: str
    data_as_of: datetime | None           # the end of the last complete refresh (None: never)
    cursor: Any                           # what the last complete incremental refresh left to resume from
    generation: int


def ensure_account(connection: Connection, account_id: str, provider: str) -> None:
    """Add the account if it is new; a changed provider is recorded (its old rows go with `delete_account`)."""
    existing = connection.execute(sa.select(accounts.c.provider).where(accounts.c.id == account_id)).scalar()
    if existing is None:
        # Another console sharing a team database may be adding it at this moment: then theirs stands.
        connection.execute(dialects.insert(connection.dialect.name, accounts).values(id=account_id, provider=provider)
                           .on_conflict_do_nothing(index_elements=[accounts.c.id]))
    elif existing != provider:
        connection.execute(sa.update(accounts).where(accounts.c.id == account_id).values(provider=provider))


def begin_refresh(connection: Connection, account_id: str, provider: str, started_at: datetime) -> Refresh:
    """Start a refresh of the account (adding it if new): the next generation, noted with its start time."""
    ensure_account(connection, account_id, provider)
    generation = connection.execute(
        sa.update(accounts).where(accounts.c.id == account_id)
        .values(refresh_generation=accounts.c.refresh_generation + 1, refresh_started_at=started_at)
        .returning(accounts.c.refresh_generation)).scalar_one()
    return Refresh(account_id, generation, started_at)


def complete_refresh(connection: Connection, refresh: Refresh, finished_at: datetime, *,
                     full: bool, cursor: Any = None) -> int:
    """Record a refresh that reached its end; a full one also removes what it did not see. How many removed.

    `cursor` (JSON-able) is what the next incremental refresh starts from; None keeps none.
    """
    # The account's row first, as a page's save takes it: on a team server, removing customers first would
    # hold rows a save waiting for the account is about to write (a deadlock).
    connection.execute(
        sa.update(accounts).where(accounts.c.id == refresh.account_id)
        .values(data_as_of=finished_at, refresh_cursor=None if cursor is None else json.dumps(cursor)))
    if not full:
        return 0
    return connection.execute(
        sa.delete(customers).where(customers.c.account_id == refresh.account_id,
                                   customers.c.seen_generation < refresh.generation)).rowcount


def refresh_state(connection: Connection, account_id: str) -> RefreshState | None:
    """The account's refresh state, or None when the workspace has nothing of it."""
    row = connection.execute(
        sa.select(accounts.c.provider, accounts.c.data_as_of, accounts.c.refresh_cursor,
                  accounts.c.refresh_generation).where(accounts.c.id == account_id)).one_or_none()
    if row is None:
        return None
    return RefreshState(row.provider, row.data_as_of,
                        None if row.refresh_cursor is None else json.loads(row.refresh_cursor),
                        row.refresh_generation)


def data_as_of(connection: Connection, account_id: str) -> datetime | None:
    """The end of the account's last complete refresh; None if it never had one."""
    return connection.execute(sa.select(accounts.c.data_as_of).where(accounts.c.id == account_id)).scalar()


def delete_account(connection: Connection, account_id: str) -> int:
    """Remove the account and every row it has in the workspace; how many customers went."""
    # The account's row locked first, as a page's save takes it (see complete_refresh); then its customers
    # rather than trusting the cascade, which needs foreign keys switched on. SQLite ignores FOR UPDATE.
    connection.execute(sa.select(accounts.c.id).where(accounts.c.id == account_id).with_for_update())
    removed = connection.execute(sa.delete(customers).where(customers.c.account_id == account_id)).rowcount
    connection.execute(sa.delete(accounts).where(accounts.c.id == account_id))
    forget_scans(connection)   # kept duplicate scans hold its customers' keys
    forget_views(connection, [account_id])
    return removed
