"""Every account's customers in the workspace, as domain `Customer`s.

A `customers` row holds the columns the table and search read; its `customer_documents` row the
whole customer as JSON (`documents.py`: pydantic's own encoding of the domain dataclass, so every
field the provider gave us comes back). Customers are read in the order they first came from the
provider (`customer_documents.load_order`), the order a load from the provider shows them in.
Saving is an upsert of one page: call it inside one `Workspace.write()` block and the page is all
there or not at all, whatever happens to the process. Removing a customer row removes its document
(foreign key cascade; the engine turns keys on).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.domain import lock_steps
from console.domain.customer import Customer
from console.domain.gc_pause import gc_paused
from console.store import dialects
from console.store.documents import decode, document_crc, encode
from console.store.raw_read import JOINED_SEPARATOR
from console.store.tables import accounts, customer_documents, customers

# Customers a batch of `read_batches` holds: small enough that handing one over keeps the window
# answering, large enough that the batches' own cost stays small.
READ_BATCH = 2000
# Rows a batch of `read_stored_batches` holds: most are added to the window's index undecoded, a
# few microseconds each, and the window repaints once a batch (P8 in benchmarks/run.py).
STORED_BATCH = 10_000
# Columns a save overwrites in an existing row (all but the key).
_SUMMARY_COLUMNS = ("given_name", "family_name", "company", "email", "phone", "reference_id", "created_at",
                    "updated_at", "last_seen", "seen_generation")
# SQLite allows 32,766 variables a statement; a removal by ids is sent in chunks well below it.
_IDS_PER_STATEMENT = 500
_JOINED_SCAN_KEYS = {
    # Every customer, in the order a warm start reads them (`read_stored_batches`), those without keys as the
    # caller says; both aggregates over one stream of rows, so in one order. In SQLite from an ordered walk of
    # the index: an ORDER BY in each aggregate sorted the rows twice more (a caller must not rely on the order).
    "sqlite": sa.text("SELECT group_concat(customer_id, char(30)), group_concat(kept, char(30)), count(*) "
                      "FROM (SELECT customer_id, coalesce(scan_keys, :none) AS kept FROM customer_documents "
                      "WHERE account_id = :account ORDER BY load_order, customer_id)"),
    "postgresql": sa.text(
        "SELECT string_agg(customer_id, chr(30) ORDER BY load_order NULLS FIRST, customer_id), "
        "string_agg(coalesce(scan_keys, :none), chr(30) ORDER BY load_order NULLS FIRST, customer_id), "
        "count(*) FROM customer_documents WHERE account_id = :account"),
}
# The most a customer's scan keys may take (encoded): an index entry holds them beside its ids (up to 800
# bytes each), and PostgreSQL refuses an entry of more than about 2,700.
MAX_SCAN_KEY_BYTES = 1000


def save_page(connection: Connection, account_id: str, page: Sequence[Customer], seen_at: datetime,
              row_keys: Sequence[str | None] | None = None, scan_keys: Sequence[str | None] | None = None) -> None:
    """Insert or update `page` (one provider page) for the account, marked as seen at `seen_at`.

    Rows are marked with the account's current refresh generation (see `accounts`), so a customer
    saved by an edit during a full refresh is not removed when that refresh completes. The account
    must exist (`accounts.begin_refresh` or `ensure_account`). `row_keys`, one per customer, is
    kept beside each document (see `read_stored_batches`); `scan_keys` likewise, stamped with the
    document's checksum (see `read_scan_keys`). A save without them clears what was kept.
    """
    if not page:
        return
    # The page's places in the listing: taken from the account's sequence, kept only by new rows.
    generation, last = connection.execute(
        sa.update(accounts).where(accounts.c.id == account_id)
        .values(load_sequence=accounts.c.load_sequence + len(page))
        .returning(accounts.c.refresh_generation, accounts.c.load_sequence)).one()
    first = last - len(page) + 1
    rows = [_row(account_id, customer, seen_at, generation) for customer in page]
    connection.execute(_upsert(connection, customers, _SUMMARY_COLUMNS), rows)
    keys = row_keys if row_keys is not None else [None] * len(page)
    scanned = scan_keys if scan_keys is not None else [None] * len(page)
    documents = list(map(encode, page))
    connection.execute(_upsert(connection, customer_documents, ("document", "row_keys", "scan_keys")),
                       [{"account_id": account_id, "customer_id": customer.id, "document": document,
                         "load_order": first + n, "row_keys": kept, "scan_keys": _stamped(document, made)}
                        for n, (customer, document, kept, made)
                        in enumerate(zip(page, documents, keys, scanned, strict=True))])


def _stamped(document: str, scan_keys: str | None) -> str | None:
    """`scan_keys` after the document's checksum; None when there are none, or too many bytes for an index
    entry (MAX_SCAN_KEY_BYTES: such a customer's keys are made by the scan instead)."""
    if not scan_keys or len(scan_keys.encode()) > MAX_SCAN_KEY_BYTES:
        return None
    return document_crc(document) + scan_keys


def read_scan_keys(connection: Connection, account_id: str, none: str) -> tuple[list[str], list[str]]:
    """The ids of the account's customers, as a rule in the order a warm start reads them, and the scan keys
    kept beside each (after its document's checksum, `document_crc`: they were made of that document; `none`
    for none). Read from their covering index alone, as two texts: SQLite hands over a row at a time
    three times slower (see raw_read.py)."""
    ids, values, count = connection.execute(_JOINED_SCAN_KEYS[connection.dialect.name],
                                            {"account": account_id, "none": none}).one()
    if not count:
        return [], []
    # A step at a time (lock_steps.py): the scan taking them runs beside the window.
    split = lock_steps.split(ids, JOINED_SEPARATOR), lock_steps.split(values, JOINED_SEPARATOR)
    if len(split[0]) == count and len(split[1]) == count:
        return split
    # The separator in an id or a key (neither should hold it): read these one by one.
    documents = customer_documents.c
    rows = connection.execute(
        sa.select(documents.customer_id, sa.func.coalesce(documents.scan_keys, none))
        .where(documents.account_id == account_id)
        .order_by(sa.nulls_first(documents.load_order.asc()), documents.customer_id)).all()
    return [row[0] for row in rows], [row[1] for row in rows]


def customers_of(connection: Connection, account_id: str) -> list[Customer]:
    """Every customer the workspace holds for the account, in the order they first came from the provider."""
    return [customer for batch in read_batches(connection, account_id) for customer in batch]


def read_batches(connection: Connection, account_id: str, size: int | None = None) -> Iterator[list[Customer]]:
    """The account's customers in load order, `size` (READ_BATCH) at a time, each read and decoded when asked for."""
    # Rows saved before load_order existed (NULL) come first, in id order, as they were read then.
    documents = customer_documents.c
    result = connection.execute(
        sa.select(documents.document).where(documents.account_id == account_id)
        .order_by(sa.nulls_first(documents.load_order.asc()), documents.customer_id))
    for rows in result.scalars().partitions(size or READ_BATCH):
        # Collections walking a big heap while many customers are made would cost more than making them.
        with gc_paused():
            yield [decode(document) for document in rows]


def read_stored_batches(connection: Connection, account_id: str,
                        size: int | None = None) -> Iterator[list[tuple[str, str | None]]]:
    """The account's (document, row keys) in load order, `size` (STORED_BATCH) at a time, undecoded:
    the caller decodes a document only where the keys kept beside it do not serve. The first batch
    holds READ_BATCH at most, so the window paints its first rows as soon as with `read_batches`."""
    documents = customer_documents.c
    result = connection.execute(
        sa.select(documents.document, documents.row_keys).where(documents.account_id == account_id)
        .order_by(sa.nulls_first(documents.load_order.asc()), documents.customer_id))
    size = size or STORED_BATCH
    if first := result.fetchmany(min(size, READ_BATCH)):
        yield [tuple(row) for row in first]
    for rows in result.partitions(size):
        yield [tuple(row) for row in rows]


def customer(connection: Connection, account_id: str, customer_id: str) -> Customer | None:
    """One customer of the account, or None when the workspace does not hold it."""
    document = connection.execute(
        sa.select(customer_documents.c.document).where(customer_documents.c.account_id == account_id,
                                                       customer_documents.c.customer_id == customer_id)).scalar()
    return None if document is None else decode(document)


def remove_customers(connection: Connection, account_id: str, customer_ids: Iterable[str]) -> int:
    """Remove the given customers of the account (deleted at the provider); how many were there."""
    ids = list(customer_ids)
    removed = 0
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        chunk = ids[start:start + _IDS_PER_STATEMENT]
        removed += connection.execute(
            sa.delete(customers).where(customers.c.account_id == account_id,
                                       customers.c.customer_id.in_(chunk))).rowcount
    return removed


def _row(account_id: str, customer: Customer, seen_at: datetime, generation: int) -> dict[str, Any]:
    return {"account_id": account_id, "customer_id": customer.id, "given_name": customer.given_name,
            "family_name": customer.family_name, "company": customer.company, "email": customer.email,
            "phone": customer.phone, "reference_id": customer.reference_id, "created_at": customer.created_at,
            "updated_at": customer.updated_at, "last_seen": seen_at, "seen_generation": generation}


def _upsert(connection: Connection, table: sa.Table, columns: tuple[str, ...]) -> Any:
    """INSERT … ON CONFLICT (account_id, customer_id) DO UPDATE `columns`, spelled for the backend."""
    return _upsert_statement(connection.dialect.name, table, columns)


@functools.cache
def _upsert_statement(dialect: str, table: sa.Table, columns: tuple[str, ...]) -> Any:
    # Built once per backend and table: building it costs more than SQLAlchemy's cached compile.
    insert = dialects.insert(dialect, table)
    return insert.on_conflict_do_update(index_elements=[table.c.account_id, table.c.customer_id],
                                        set_={name: insert.excluded[name] for name in columns})
