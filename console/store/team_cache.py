"""A team workspace's customers copied into this computer's own database (issue 22: offline from the team
server), so a console that starts while the server is away still shows its accounts, read-only.

`mirror_account` copies one account from a source connection (the team database) to a cache connection (a
local SQLite file): its `accounts` row as it is, and the customers that differ. A customer differs when
its `last_seen` or `seen_generation` is not the same on both sides (every save sets both), so a mirror after
a handful of changes copies a handful of rows, not the account. Rows are copied column for column, the kept
index keys and load order with them, so the cache reads as the team database did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.store import dialects
from console.store.accounts import delete_account
from console.store.customers import remove_customers
from console.store.tables import accounts, customer_documents, customers

# Ids a statement names: well below SQLite's variable limit, few round trips to the server.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Mirrored:
    """What one mirror changed in the cache."""

    copied: int
    removed: int


def mirror_account(source: Connection, cache: Connection, account_id: str,
                   ids: Sequence[str] | None = None) -> Mirrored:
    """Make the cache's copy of the account the source's: its customers `ids` only (None: all of them).
    Run `cache` in one write transaction, so the cache holds the account as before or as after."""
    state = source.execute(sa.select(accounts).where(accounts.c.id == account_id)).mappings().first()
    if state is None:
        return Mirrored(0, delete_account(cache, account_id))
    _upsert(cache, accounts, [dict(state)], ("id",))
    if ids is None:
        there, here = _marks(source, account_id), _marks(cache, account_id)
        changed = [customer_id for customer_id, mark in there.items() if here.get(customer_id) != mark]
        gone = [customer_id for customer_id in here if customer_id not in there]
    else:
        present = {customer_id for chunk in _chunks(ids) for customer_id in source.execute(
            sa.select(customers.c.customer_id).where(customers.c.account_id == account_id,
                                                     customers.c.customer_id.in_(chunk))).scalars()}
        changed = [customer_id for customer_id in dict.fromkeys(ids) if customer_id in present]
        gone = [customer_id for customer_id in dict.fromkeys(ids) if customer_id not in present]
    for chunk in _chunks(changed):
        for table in (customers, customer_documents):   # a document's row needs its customer's first
            rows = source.execute(sa.select(table).where(table.c.account_id == account_id,
                                                          table.c.customer_id.in_(chunk))).mappings().all()
            _upsert(cache, table, [dict(row) for row in rows], ("account_id", "customer_id"))
    return Mirrored(len(changed), remove_customers(cache, account_id, gone) if gone else 0)


def _marks(connection: Connection, account_id: str) -> dict[str, tuple[Any, int]]:
    """Each customer's (last seen, generation): what a save changes."""
    c = customers.c
    return {customer_id: (seen, generation) for customer_id, seen, generation in connection.execute(
        sa.select(c.customer_id, c.last_seen, c.seen_generation).where(c.account_id == account_id))}


def _chunks(ids: Iterable[str]) -> Iterable[list[str]]:
    listed = list(ids)
    for start in range(0, len(listed), _CHUNK):
        yield listed[start:start + _CHUNK]


def _upsert(connection: Connection, table: sa.Table, rows: list[dict[str, Any]], key: tuple[str, ...]) -> None:
    """Insert `rows` (every column of `table`), or overwrite the rows there with their key: one executemany."""
    if not rows:
        return
    insert = dialects.insert(connection.dialect.name, table)
    others = {column.name: insert.excluded[column.name] for column in table.columns if column.name not in key}
    connection.execute(insert.on_conflict_do_update(index_elements=[table.c[k] for k in key], set_=others), rows)
