"""An account's kept rows read straight through the SQLCipher driver, without SQLAlchemy.

A warm start reads the last account's local copy while the app is still importing (P9 in
benchmarks/run.py), and All accounts reads five copies at once (P8): importing SQLAlchemy alone
takes about half a second, longer than reading 100,000 rows, and the driver decrypts pages with
Python's lock released, so a reader on a thread of its own runs beside the imports and the others.
Only a file at the schema head is read (as `engine.open_workspace` would open it, unmigrated);
anything else, and every write, is left to the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from console.store.keys import sqlcipher_passphrase

# The migration scripts: their names start with their revision ("0011_shared_accounts.py").
_VERSIONS = Path(__file__).parent / "migrations" / "versions"
# As `read_stored_batches` orders them (SQLAlchemy's `nulls_first`), for a copy with rows saved
# before load_order was kept.
_ROWS = ("SELECT document, row_keys FROM customer_documents WHERE account_id = ? "
         "ORDER BY load_order ASC NULLS FIRST, customer_id")
# A batch as two texts, the documents and the kept values each joined by a separator neither holds
# (JSON escapes control characters; a value holding it shows as a wrong count): one row handed
# over a batch instead of a row a customer. The driver takes Python's lock back after every row,
# and while the app's thread is busy (importing, adding a batch) each taking waits its turn: a
# row a customer read three times slower than this. The values are unique per account (the
# account's load sequence), so a batch starts after the last one's.
JOINED_SEPARATOR = "\x1e"   # char(30); store/customers.py `read_scan_keys` joins its texts with it too
_BATCH = ("SELECT group_concat(document, char(30) ORDER BY load_order), "
          "group_concat(coalesce(row_keys, ''), char(30) ORDER BY load_order), max(load_order), count(*) "
          "FROM (SELECT document, row_keys, load_order FROM customer_documents "
          "WHERE account_id = ? AND load_order > ? ORDER BY load_order LIMIT ?)")
_JOINED = 2000   # rows joined in one query's texts
_UNORDERED = "SELECT 1 FROM customer_documents WHERE account_id = ? AND load_order IS NULL LIMIT 1"
Batch = tuple[list[str], list[str | None]]   # documents, and the row keys kept beside each ("" or None: none)
_BUSY_TIMEOUT_MS = 60_000


def head_revision() -> str | None:
    """The newest revision among the migration scripts (the `schema.REVISIONS` head, without SQLAlchemy)."""
    names = {path.name.partition("_")[0] for path in _VERSIONS.iterdir()
             if path.suffix in (".py", ".pyc") and path.name[:1].isdigit()}
    return max(names, default=None)


def open_reader(path: Path, key: str) -> Any | None:
    """A read-only connection to the database at `path`, in a read transaction; None when the file is
    missing, cannot be read with `key`, or is not at the head (the engine migrates or refuses it)."""
    if not path.is_file():   # connecting would create it
        return None
    import sqlcipher3  # type: ignore[import-untyped]

    connection = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")   # a wrong key would be printed otherwise
        connection.execute(f"PRAGMA key = \"{sqlcipher_passphrase(key)}\"")
        connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = ON")
        connection.execute("BEGIN")   # one snapshot for the state and every row
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except (sqlcipher3.Error, ValueError):
        connection.close()
        return None
    if row is None or row[0] != head_revision():
        connection.close()
        return None
    return connection


def account_state(connection: Any, account_id: str) -> tuple[str, datetime | None] | None:
    """The account's provider and "data as of", or None when the workspace has nothing of it."""
    row = connection.execute("SELECT provider, data_as_of FROM accounts WHERE id = ?", (account_id,)).fetchone()
    if row is None:
        return None
    provider, as_of = row
    return provider, None if as_of is None else datetime.fromisoformat(as_of)   # as tables.UtcDateTime reads it


def start_view(connection: Any, account_id: str) -> str | None:
    """The account's start view as store/start_views.py keeps it; None when there is none."""
    row = connection.execute("SELECT view FROM start_views WHERE account_id = ?", (account_id,)).fetchone()
    return None if row is None else row[0]


def kept_rows(connection: Any, account_id: str, first: int, size: int) -> Iterator[Batch]:
    """The account's documents and row keys in load order: `first` of them, then `size` at a time."""
    if connection.execute(_UNORDERED, (account_id,)).fetchone() is not None:
        yield from _row_by_row(connection, account_id, first, size)
        return
    after, limit = -1, first
    while True:
        documents: list[str] = []
        kept: list[str | None] = []
        while len(documents) < limit:   # a few queries a batch: the joined texts stay about a megabyte each
            part = _joined(connection, account_id, after, min(_JOINED, limit - len(documents)))
            if part is None:
                break
            documents += part[0]
            kept += part[1]
            after = part[2]
        if not documents:
            return
        yield documents, kept
        limit = size


def _joined(connection: Any, account_id: str, after: int, limit: int) -> tuple[list[str], list[str | None], int] | None:
    documents, kept, last, count = connection.execute(_BATCH, (account_id, after, limit)).fetchone()
    if not count:
        return None
    split = documents.split(JOINED_SEPARATOR), kept.split(JOINED_SEPARATOR)
    if len(split[0]) != count or len(split[1]) != count:   # a separator in a value: read these one by one
        rows = connection.execute(
            "SELECT document, row_keys FROM customer_documents WHERE account_id = ? AND load_order > ? "
            "ORDER BY load_order LIMIT ?", (account_id, after, limit)).fetchall()
        return [row[0] for row in rows], [row[1] for row in rows], last
    return split[0], split[1], last


def _row_by_row(connection: Any, account_id: str, first: int, size: int) -> Iterator[Batch]:
    cursor = connection.execute(_ROWS, (account_id,))
    while rows := cursor.fetchmany(first if first else size):
        first = 0
        yield [row[0] for row in rows], [row[1] for row in rows]
