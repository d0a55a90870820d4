"""Reading kept rows straight through the driver gives what the SQLAlchemy read gives, and refuses what
the engine would migrate or set aside."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from console.store import accounts, customers, raw_read, schema
from console.store.engine import Workspace, open_workspace
from console.store.keys import new_key
from console.store.tables import customer_documents
from tests.store.conftest import at, people


def _filled(path: Path, key: str, count: int) -> Workspace:
    workspace = open_workspace(path, key)
    with workspace.write() as connection:
        refresh = accounts.begin_refresh(connection, "acct", "square", at(0))
    batch = people("p", count)
    for start in range(0, count, 7):   # pages of 7, as a refresh saves them
        page = batch[start:start + 7]
        with workspace.write() as connection:
            customers.save_page(connection, "acct", page, at(1), [f"k1.x\x1d{c.id}" for c in page])
    with workspace.write() as connection:
        accounts.complete_refresh(connection, refresh, at(2), full=True)
    return workspace


def _through_sqlalchemy(workspace: Workspace) -> tuple[list[str], list[str | None]]:
    with workspace.read() as connection:
        rows = [row for batch in customers.read_stored_batches(connection, "acct") for row in batch]
    return [document for document, _ in rows], [kept for _, kept in rows]


def _raw(path: Path, key: str, first: int, size: int) -> list[tuple[list[str], list[str | None]]]:
    connection = raw_read.open_reader(path, key)
    assert connection is not None
    try:
        return list(raw_read.kept_rows(connection, "acct", first, size))
    finally:
        connection.close()


def _joined(batches: list[tuple[list[str], list[str | None]]]) -> tuple[list[str], list[str | None]]:
    return [d for b in batches for d in b[0]], [k for b in batches for k in b[1]]


def test_the_head_is_the_schemas_head() -> None:
    assert raw_read.head_revision() == schema.head()


def test_rows_come_in_load_order_in_batches_as_the_engine_reads_them(tmp_path: Path) -> None:
    path, key = tmp_path / "workspace.db", new_key()
    workspace = _filled(path, key, 30)
    # Saved again out of order: rows keep their first place in the listing.
    with workspace.write() as connection:
        customers.save_page(connection, "acct", people("p", 30)[20:5:-1], at(3), ["k1.x\x1dagain"] * 15)
    expected = _through_sqlalchemy(workspace)
    batches = _raw(path, key, 4, 10)
    assert [len(b[0]) for b in batches] == [4, 10, 10, 6]
    assert _joined(batches) == expected
    connection = raw_read.open_reader(path, key)
    assert raw_read.account_state(connection, "acct") == ("square", at(2))
    assert raw_read.account_state(connection, "other") is None
    connection.close()
    workspace.close()


def test_keys_alone_come_in_load_order_from_the_covering_index_and_documents_after_them_by_id(tmp_path: Path) -> None:
    path, key = tmp_path / "workspace.db", new_key()
    workspace = _filled(path, key, 30)
    with workspace.write() as connection:   # saved again out of order: they keep their places
        customers.save_page(connection, "acct", people("p", 30)[20:5:-1], at(3), ["k1.x\x1dagain"] * 15)
    documents, kept = _through_sqlalchemy(workspace)
    connection = raw_read.open_reader(path, key)
    plan = " ".join(str(row) for row in connection.execute("EXPLAIN QUERY PLAN " + raw_read._KEYS, ("acct", -1, 10)))
    assert "COVERING INDEX ix_customer_documents_row_keys" in plan   # not the table's pages of documents
    first = raw_read.rows_after(connection, "acct", -1, 4)
    assert first is not None and first[:2] == (documents[:4], kept[:4])
    after, read, batches = first[2], 4, []
    while (keys := raw_read.keys_after(connection, "acct", after, 10)) is not None:
        joined, count, last = keys
        assert joined.split(raw_read.JOINED_SEPARATOR) == kept[read:read + count]
        batches.append(raw_read.documents_after(connection, "acct", after, count))
        after, read = last, read + count
    assert read == 30 and [len(b) for b in batches] == [10, 10, 6]
    ids = [c.id for c in people("p", 30)]   # saved in this order at first
    for start, batch in zip((4, 14, 24), batches, strict=True):
        assert list(batch) == ids[start:start + len(batch)]
        assert list(batch.values()) == documents[start:start + len(batch)]
    assert raw_read.documents_by_id(connection, "acct", ["p-0007", "nobody", "p-0001"]) == {
        "p-0007": documents[ids.index("p-0007")], "p-0001": documents[ids.index("p-0001")]}
    connection.close()
    workspace.close()


def test_rows_without_a_place_or_with_the_separator_inside_are_read_one_by_one(tmp_path: Path) -> None:
    path, key = tmp_path / "workspace.db", new_key()
    workspace = _filled(path, key, 12)
    with workspace.write() as connection:   # one value holds the batch separator; one has no keys
        connection.execute(sa.update(customer_documents).where(customer_documents.c.customer_id == "p-0003")
                           .values(row_keys="k1.x\x1ebroken"))
        connection.execute(sa.update(customer_documents).where(customer_documents.c.customer_id == "p-0004")
                           .values(row_keys=None))
    assert _joined(_raw(path, key, 5, 5))[1][3:5] == ["k1.x\x1ebroken", None]
    assert _joined(_raw(path, key, 5, 5)) == _through_sqlalchemy(workspace)
    with workspace.write() as connection:   # saved before load_order existed: first, in id order
        connection.execute(sa.update(customer_documents)
                           .where(customer_documents.c.customer_id.in_(["p-0009", "p-0002"])).values(load_order=None))
    batches = _raw(path, key, 5, 5)
    assert [len(b[0]) for b in batches] == [5, 5, 2]
    assert _joined(batches) == _through_sqlalchemy(workspace)
    workspace.close()


def test_a_file_the_engine_would_not_open_as_it_is_is_not_read(tmp_path: Path) -> None:
    path, key = tmp_path / "workspace.db", new_key()
    assert raw_read.open_reader(path, key) is None and not path.exists()   # nothing made
    workspace = _filled(path, key, 3)
    assert raw_read.open_reader(path, new_key()) is None                  # another key
    for revision in ("0010", "9999"):                                     # behind the head, or a newer version's
        with workspace.write() as connection:
            connection.execute(sa.text(f"UPDATE alembic_version SET version_num = '{revision}'"))
        assert raw_read.open_reader(path, key) is None
    workspace.close()
    (tmp_path / "garbage.db").write_bytes(b"not a database" * 100)
    assert raw_read.open_reader(tmp_path / "garbage.db", key) is None

