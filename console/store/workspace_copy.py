"""Moving a workspace into a team database (issue 22): its journal, jobs, dismissed duplicate groups and
privacy receipts, copied a batch at a time, each batch one transaction in the target.

Nothing is copied twice: a journal record, a job, an operation, a dismissal or a receipt already in the
target (by its id) is left as it is there, so a copy that stopped part way is resumed by running it again.
Journal records go in their order in the source and join the target's hash chain at its end (their hashes
are the target's; the source's own chain stays in the source). Customer copies are not moved: the team's
refresh makes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from console.store import dialects
from console.store import journal as journal_records
from console.store.tables import dismissed_duplicates, job_operations, jobs, journal, privacy_requests

BATCH = 1_000
# Copied as they are, parents first; each with the columns that identify a row.
TABLES: tuple[tuple[sa.Table, tuple[str, ...]], ...] = (
    (jobs, ("id",)), (job_operations, ("job_id", "seq")), (dismissed_duplicates, ("group_key",)),
    (privacy_requests, ("id",)))
_NOT_COPIED = {"seq", "prev_hash", "hash", "db_role"}   # the target's own: its order, chain and login

Progress = Callable[[int, int], None]   # rows copied or found already there, rows in all


def rows_to_move(source: Engine) -> int:
    """How many rows a move reads from `source` (for progress)."""
    with source.connect() as connection:
        return sum(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                   for table in (journal, *(table for table, _ in TABLES)))


def move(source: Engine, target: Engine, progress: Progress = lambda done, total: None,
         cancelled: Callable[[], bool] = lambda: False) -> int:
    """Copy what `source` holds into `target` (see the module's docstring); how many rows were new there.
    Stops between batches when `cancelled()` says so; running it again goes on where it stopped."""
    total, done, added = rows_to_move(source), 0, 0
    for batch in _journal_batches(source):
        if cancelled():
            return added
        with target.begin() as connection:
            added += _add_records(connection, batch)
        done += len(batch)
        progress(done, total)
    for table, key in TABLES:
        for batch in _batches(source, table, key):
            if cancelled():
                return added
            with target.begin() as connection:
                added += _insert_new(connection, table, key, batch)
            done += len(batch)
            progress(done, total)
    return added


def _journal_batches(source: Engine) -> Iterator[list[dict[str, Any]]]:
    last = 0
    columns = [c for c in journal.c if c.name not in _NOT_COPIED - {"seq"}]
    while True:
        with source.connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(
                sa.select(*columns).where(journal.c.seq > last).order_by(journal.c.seq).limit(BATCH))]
        if not rows:
            return
        last = rows[-1]["seq"]
        yield [{k: v for k, v in row.items() if k != "seq"} for row in rows]


def _add_records(connection: Connection, rows: list[dict[str, Any]]) -> int:
    """Append the journal records the target does not hold yet, at the end of its chain."""
    journal_records.lock_chain(connection)   # before reading what is there: another console may append
    held = set(connection.execute(sa.select(journal.c.record_id).where(
        journal.c.record_id.in_([row["record_id"] for row in rows]))).scalars())
    new = [row for row in rows if row["record_id"] not in held]
    if new:
        journal_records.append_records(connection, new)
    return len(new)


def _batches(source: Engine, table: sa.Table, key: tuple[str, ...]) -> Iterator[list[dict[str, Any]]]:
    columns = [table.c[name] for name in key]
    last: tuple[Any, ...] | None = None
    while True:
        query = sa.select(table).order_by(*columns).limit(BATCH)
        if last is not None:
            query = query.where(sa.tuple_(*columns) > sa.tuple_(*last))
        with source.connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(query)]
        if not rows:
            return
        last = tuple(rows[-1][name] for name in key)
        yield rows


def _insert_new(connection: Connection, table: sa.Table, key: tuple[str, ...], rows: list[dict[str, Any]]) -> int:
    """Insert the rows the target does not hold (by `key`); how many were new."""
    columns = [table.c[name] for name in key]
    held = {tuple(row) for row in connection.execute(sa.select(*columns).where(
        sa.tuple_(*columns).in_([tuple(row[name] for name in key) for row in rows])))}
    new = [row for row in rows if tuple(row[name] for name in key) not in held]
    if new:   # another console may add one meanwhile: its row stands
        connection.execute(dialects.insert(connection.dialect.name, table).on_conflict_do_nothing(), new)
    return len(new)
