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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.store.keys import sqlcipher_passphrase

if TYPE_CHECKING:   # datetime's import is not needed by the start's read of its start view (P1a)
    from datetime import datetime

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
# Row keys alone, from the covering index ix_customer_documents_row_keys (not the table's pages).
# No ORDER BY inside group_concat: it sorted the values again in a temporary B-tree (a third of the read);
# the aggregate takes them in the ordered subquery's order (a test checks it), and the documents that follow
# are matched by customer id, not by place.
_KEYS = ("SELECT group_concat(coalesce(row_keys, ''), char(30)), max(load_order), count(*) "
         "FROM (SELECT row_keys, load_order FROM customer_documents "
         "WHERE account_id = ? AND load_order > ? ORDER BY load_order LIMIT ?)")
_DOCUMENTS = ("SELECT group_concat(customer_id, char(30)), group_concat(document, char(30)), max(load_order), "
              "count(*) FROM (SELECT customer_id, document, load_order FROM customer_documents "
              "WHERE account_id = ? AND load_order > ? ORDER BY load_order LIMIT ?)")
_BY_ID = 500   # ids bound in one query (SQLite allows 32,766 variables)
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
    import datetime as dt  # read after the start's paint (a warm start's local copy)

    provider, as_of = row
    return provider, None if as_of is None else dt.datetime.fromisoformat(as_of)   # as tables.UtcDateTime reads it


def start_view(connection: Any, account_id: str) -> str | None:
    """The account's start view as store/start_views.py keeps it; None when there is none."""
    row = connection.execute("SELECT view FROM start_views WHERE account_id = ?", (account_id,)).fetchone()
    return None if row is None else row[0]


def kept_rows(connection: Any, account_id: str, first: int, size: int) -> Iterator[Batch]:
    """The account's documents and row keys in load order: `first` of them, then `size` at a time."""
    if not ordered(connection, account_id):
        yield from _row_by_row(connection, account_id, first, size)
        return
    after, limit = -1, first
    while (part := rows_after(connection, account_id, after, limit)) is not None:
        documents, kept, after = part
        yield documents, kept
        limit = size


def ordered(connection: Any, account_id: str) -> bool:
    """Whether every kept row of the account has its load order (rows saved before revision 0002 have none);
    only then are the `*_after` reads below whole."""
    return connection.execute(_UNORDERED, (account_id,)).fetchone() is None


def rows_after(connection: Any, account_id: str, after: int,
               limit: int) -> tuple[list[str], list[str | None], int] | None:
    """Up to `limit` documents and their row keys after load order `after`, and the last one's load order;
    None when there are no more."""
    documents: list[str] = []
    kept: list[str | None] = []
    while len(documents) < limit:   # a few queries a batch: the joined texts stay about a megabyte each
        part = _joined(connection, account_id, after, min(_JOINED, limit - len(documents)))
        if part is None:
            break
        documents += part[0]
        kept += part[1]
        after = part[2]
    return (documents, kept, after) if documents else None


def keys_after(connection: Any, account_id: str, after: int, limit: int) -> tuple[str, int, int] | None:
    """Up to `limit` row keys after load order `after`, joined with JOINED_SEPARATOR ("" where none is
    kept), their count and the last one's load order; None when there are no more. Read from the
    covering index alone (revision 0015): about a fifth of the time the documents take, so every row is
    searchable before the documents are read."""
    joined, last, count = connection.execute(_KEYS, (account_id, after, limit)).fetchone()
    return None if not count else (joined, count, last)


def documents_after(connection: Any, account_id: str, after: int, limit: int) -> dict[str, str]:
    """Up to `limit` documents after load order `after`, by customer id: those whose keys `keys_after` gave,
    when read in the same transaction."""
    found: dict[str, str] = {}
    while len(found) < limit:
        ids, documents, last, count = connection.execute(
            _DOCUMENTS, (account_id, after, min(_JOINED, limit - len(found)))).fetchone()
        if not count:
            break
        names, texts = ids.split(JOINED_SEPARATOR), documents.split(JOINED_SEPARATOR)
        if len(names) == count and len(texts) == count:
            found.update(zip(names, texts, strict=True))
        else:   # a separator in a value: read these one by one
            found.update(connection.execute(
                "SELECT customer_id, document FROM customer_documents WHERE account_id = ? AND load_order > ? "
                "ORDER BY load_order LIMIT ?", (account_id, after, count)))
        after = last
    return found


def documents_by_id(connection: Any, account_id: str, customer_ids: list[str]) -> dict[str, str]:
    """The kept documents of these customers, by id (those the workspace does not hold are left out)."""
    found: dict[str, str] = {}
    for start in range(0, len(customer_ids), _BY_ID):
        ids = customer_ids[start:start + _BY_ID]
        found.update(connection.execute(
            f"SELECT customer_id, document FROM customer_documents WHERE account_id = ? "
            f"AND customer_id IN ({', '.join('?' * len(ids))})", (account_id, *ids)))
    return found


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
