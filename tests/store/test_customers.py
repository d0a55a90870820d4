"""Repository round trips and refresh bookkeeping, on every provider's real customers.

The customers come from each emulator's seed data through the provider's own client (the demo
path the app uses), so every field a provider fills — payment methods, shipping addresses, extras
— goes into the database and must come back equal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from console.domain.custom_fields import CustomFieldValue
from console.domain.customer import Address, Customer
from console.providers.registry import providers
from console.sandbox.registry import emulator_keys
from console.services.accounts import demo_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.secrets import MemorySecrets
from console.store import accounts, customers, documents, tables
from console.store.engine import Workspace
from tests.store.conftest import at, people

KEYS = [info.key for info in providers() if info.key in set(emulator_keys())]
SEEDED = 120


async def _provider_customers(key: str, folder: Path) -> list[list[Customer]]:
    """The emulator's seeded customers as the provider client lists them, page by page."""
    demo = DemoSandbox(folder, latency_ms=0, customers={key: SEEDED})
    account = next(a for a in demo_accounts(demo) if a.info.key == key)
    session = await open_session(account, secrets=MemorySecrets(), demo=demo)
    try:
        return [page.customers async for page in session.provider.iter_pages(page_size=50)]
    finally:
        await session.aclose()


def test_every_provider_with_an_emulator_is_covered() -> None:
    assert set(KEYS) == {"square", "authorize-net", "clover", "payarc", "digital-river"}


@pytest.mark.parametrize("provider", KEYS)
async def test_every_providers_customers_come_back_equal(workspace: Workspace, tmp_path: Path, provider: str) -> None:
    pages = await _provider_customers(provider, tmp_path / "demo")
    listed = [c for page in pages for c in page]
    assert len(listed) == SEEDED
    # The data is rich enough to mean something: extras and addresses are stored and read back.
    assert any(c.extra for c in listed)
    assert any(c.address or c.shipping_addresses for c in listed)

    with workspace.write() as connection:
        refresh = accounts.begin_refresh(connection, f"{provider}-demo", provider, at(0))
    for page in pages:
        with workspace.write() as connection:
            customers.save_page(connection, f"{provider}-demo", page, at(1))
    with workspace.write() as connection:
        assert accounts.complete_refresh(connection, refresh, at(2), full=True) == 0

    with workspace.read() as connection:
        stored = customers.customers_of(connection, f"{provider}-demo")
        one = customers.customer(connection, f"{provider}-demo", listed[7].id)
        assert accounts.data_as_of(connection, f"{provider}-demo") == at(2)
    assert stored == listed   # in the order the provider listed them, not by id
    assert one == listed[7]


def test_tuples_in_extras_and_custom_fields_stay_tuples(workspace: Workspace) -> None:
    original = Customer(
        id="C1", given_name="Ada", address=Address(line1="1 Main St", country="GB"),
        extra={"segment_ids": ("gold", "north"), "metadata": {"crm": "X-1", "tags": ("a", "b")}, "enabled": True},
        custom_fields=(CustomFieldValue(key="colours", value=("red", "blue")),
                       CustomFieldValue(key="vip", value=True), CustomFieldValue(key="since", value="2020-01-01")))
    with workspace.write() as connection:
        accounts.ensure_account(connection, "acct", "square")
        customers.save_page(connection, "acct", [original], at(0))
    with workspace.read() as connection:
        assert customers.customers_of(connection, "acct") == [original]


def test_a_page_saved_again_updates_rows_in_place(workspace: Workspace) -> None:
    with workspace.write() as connection:
        accounts.ensure_account(connection, "acct", "square")
        customers.save_page(connection, "acct", people("p", 3), at(0))
    changed = people("p", 3)[1].with_changes(email="new@example.com", company="Changed Ltd")
    with workspace.write() as connection:
        customers.save_page(connection, "acct", [changed], at(5))
    with workspace.read() as connection:
        stored = customers.customers_of(connection, "acct")
        row = connection.execute(sa.select(tables.customers.c.email, tables.customers.c.company,
                                           tables.customers.c.last_seen)
                                 .where(tables.customers.c.customer_id == changed.id)).one()
    assert [c.id for c in stored] == ["p-0000", "p-0001", "p-0002"]
    assert stored[1] == changed
    assert tuple(row) == ("new@example.com", "Changed Ltd", at(5))


def test_a_complete_full_refresh_removes_what_it_did_not_see(workspace: Workspace) -> None:
    everyone = people("p", 6)
    with workspace.write() as connection:
        first = accounts.begin_refresh(connection, "acct", "clover", at(0))
        customers.save_page(connection, "acct", everyone, at(0))
        accounts.complete_refresh(connection, first, at(1), full=True)
    with workspace.write() as connection:
        second = accounts.begin_refresh(connection, "acct", "clover", at(10))
        customers.save_page(connection, "acct", everyone[:2], at(10))
    # Not complete yet: nothing removed, data still as of the first refresh.
    with workspace.read() as connection:
        assert len(customers.customers_of(connection, "acct")) == 6
        assert accounts.data_as_of(connection, "acct") == at(1)
    with workspace.write() as connection:
        customers.save_page(connection, "acct", everyone[3:4], at(11))
        assert accounts.complete_refresh(connection, second, at(12), full=True) == 3
    with workspace.read() as connection:
        assert [c.id for c in customers.customers_of(connection, "acct")] == ["p-0000", "p-0001", "p-0003"]
        assert connection.execute(sa.select(tables.customer_documents.c.customer_id)).scalars().all() == [
            "p-0000", "p-0001", "p-0003"]
        assert accounts.data_as_of(connection, "acct") == at(12)


def test_an_incremental_refresh_removes_nothing_and_keeps_its_cursor(workspace: Workspace) -> None:
    with workspace.write() as connection:
        refresh = accounts.begin_refresh(connection, "acct", "square", at(0))
        customers.save_page(connection, "acct", people("p", 4), at(0))
        accounts.complete_refresh(connection, refresh, at(1), full=True)
        incremental = accounts.begin_refresh(connection, "acct", "square", at(5))
        customers.save_page(connection, "acct", people("p", 1), at(5))
        assert accounts.complete_refresh(connection, incremental, at(6), full=False,
                                         cursor={"updated_at": "2026-12-01T09:05:00Z"}) == 0
    with workspace.read() as connection:
        assert len(customers.customers_of(connection, "acct")) == 4
        state = accounts.refresh_state(connection, "acct")
    assert state is not None
    assert (state.provider, state.data_as_of, state.cursor, state.generation) == (
        "square", at(6), {"updated_at": "2026-12-01T09:05:00Z"}, 2)


def test_a_customer_saved_during_a_full_refresh_survives_its_end(workspace: Workspace) -> None:
    # A customer created in the app while a full refresh runs, after the listing passed its place.
    with workspace.write() as connection:
        refresh = accounts.begin_refresh(connection, "acct", "payarc", at(0))
        customers.save_page(connection, "acct", people("listed", 3), at(0))
    with workspace.write() as connection:
        customers.save_page(connection, "acct", people("created", 1), at(1))
    with workspace.write() as connection:
        accounts.complete_refresh(connection, refresh, at(2), full=True)
    with workspace.read() as connection:
        assert "created-0000" in {c.id for c in customers.customers_of(connection, "acct")}


def test_an_older_refresh_completing_late_keeps_what_a_newer_one_saw(workspace: Workspace) -> None:
    # Two instances refresh one account: the older finishing last must not remove the newer's rows.
    with workspace.write() as connection:
        older = accounts.begin_refresh(connection, "acct", "square", at(0))
        newer = accounts.begin_refresh(connection, "acct", "square", at(1))
        customers.save_page(connection, "acct", people("seen-by-newer", 2), at(1))
        accounts.complete_refresh(connection, newer, at(2), full=True)
        customers.save_page(connection, "acct", people("seen-by-older", 2), at(3))
        assert accounts.complete_refresh(connection, older, at(4), full=True) == 0
    with workspace.read() as connection:
        assert len(customers.customers_of(connection, "acct")) == 4


def test_removing_customers_by_id_and_deleting_an_account(workspace: Workspace) -> None:
    with workspace.write() as connection:
        for account in ("one", "two"):
            accounts.ensure_account(connection, account, "digital-river")
            # The same provider ids in two accounts are two rows.
            customers.save_page(connection, account, people("p", 700), at(0))
    with workspace.write() as connection:
        gone = [f"p-{n:04d}" for n in range(0, 700, 2)] + ["not-there"]
        assert customers.remove_customers(connection, "one", gone) == 350
    with workspace.write() as connection:
        assert accounts.delete_account(connection, "two") == 700
    with workspace.read() as connection:
        assert len(customers.customers_of(connection, "one")) == 350
        assert customers.customers_of(connection, "two") == []
        # Each removed customer's document went with it.
        assert connection.execute(sa.select(sa.func.count()).select_from(tables.customer_documents)).scalar() == 350
        assert accounts.refresh_state(connection, "two") is None
        assert accounts.data_as_of(connection, "two") is None


def test_an_empty_page_and_an_unknown_account(workspace: Workspace) -> None:
    with workspace.write() as connection:
        customers.save_page(connection, "nobody", [], at(0))
    with workspace.read() as connection:
        assert customers.customers_of(connection, "nobody") == []
        assert customers.customer(connection, "nobody", "x") is None


def test_customers_come_back_in_the_order_they_first_came_from_the_provider(workspace: Workspace) -> None:
    listed = people("p", 5)
    order = [listed[n] for n in (3, 0, 4, 1, 2)]   # the provider's listing is not in id order
    with workspace.write() as connection:
        accounts.ensure_account(connection, "acct", "square")
        customers.save_page(connection, "acct", order[:3], at(0))
        customers.save_page(connection, "acct", order[3:], at(0))
    changed = order[0].with_changes(email="moved@example.com")
    newcomer = people("n", 1)[0]
    with workspace.write() as connection:   # a later page: one changed (keeps its place), one new (last)
        customers.save_page(connection, "acct", [newcomer, changed], at(1))
    with workspace.read() as connection:
        stored = customers.customers_of(connection, "acct")
        batches = list(customers.read_batches(connection, "acct", size=2))
    assert stored == [changed, *order[1:], newcomer]
    assert [len(b) for b in batches] == [2, 2, 2] and [c for b in batches for c in b] == stored


def test_documents_leave_out_defaults_and_come_back_whole() -> None:
    from console.store.documents import decode, encode

    customer = Customer(id="C1", given_name="Ada", address=Address(line1="1 Main St"))
    document = encode(customer)
    assert "null" not in document and "shipping_addresses" not in document and "is_default" not in document
    assert decode(document) == customer


@pytest.mark.parametrize("provider", KEYS)
async def test_a_field_read_alone_from_a_document_is_the_decoded_customers(tmp_path: Path, provider: str) -> None:
    import dataclasses

    from console.store.documents import encode, field_reader

    pages = await _provider_customers(provider, tmp_path)
    for customer in (c for page in pages for c in page):
        document = encode(customer)
        for field in dataclasses.fields(Customer):
            read = field_reader(field.name)
            if read is None:
                assert field.name in ("extra", "custom_fields")   # tuples restored only by a whole decode
            else:
                assert read(document) == getattr(customer, field.name), (provider, field.name)


def test_row_keys_are_kept_with_their_document_and_cleared_by_a_save_without_them(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    saved = people("k", 7)
    with workspace.write() as connection:
        accounts.ensure_account(connection, "acct", "square")
        customers.save_page(connection, "acct", saved, at(0), [f"keys of {c.id}" for c in saved])
        # Saved again without keys (a path that cannot make them): the old keys must not outlive the document.
        customers.save_page(connection, "acct", [saved[3].with_changes(email="new@example.com")], at(1))
    monkeypatch.setattr(customers, "READ_BATCH", 2)
    monkeypatch.setattr(customers, "STORED_BATCH", 3)
    with workspace.read() as connection:
        batches = list(customers.read_stored_batches(connection, "acct"))
    assert [len(b) for b in batches] == [2, 3, 2]   # the first batch no bigger than a decoded read's
    rows = [row for batch in batches for row in batch]
    assert [kept for _, kept in rows] == [f"keys of k-000{n}" if n != 3 else None for n in range(7)]
    assert [documents.decode(document) for document, _ in rows] == \
        [c if c.id != "k-0003" else c.with_changes(email="new@example.com") for c in saved]


def test_scan_keys_are_kept_stamped_with_their_document_and_read_from_their_index(workspace: Workspace) -> None:
    saved = people("s", 6)
    made: list[str | None] = [f"d1 keys of {c.id}" for c in saved]
    made[2] = None                                        # none to keep (a customer with lists of emails)
    made[4] = "x" * (customers.MAX_SCAN_KEY_BYTES + 1)    # too long for an index entry
    made[5] = "d1 keys of s-0005".ljust(customers.MAX_SCAN_KEY_BYTES, "é")[:customers.MAX_SCAN_KEY_BYTES // 2]
    with workspace.write() as connection:
        accounts.ensure_account(connection, "acct", "square")
        customers.save_page(connection, "acct", list(reversed(saved)), at(0), scan_keys=list(reversed(made)))
        ids, values = customers.read_scan_keys(connection, "acct", "none")
        # In the order a warm start reads them (the listing's), every customer, "none" where none are kept.
        assert ids == [c.id for c in reversed(saved)]
        assert dict(zip(ids, values, strict=True)) == {
            c.id: documents.document_crc(documents.encode(c)) + str(made[n]) if n not in (2, 4) else "none"
            for n, c in enumerate(saved)}
        assert len(str(made[5]).encode()) > customers.MAX_SCAN_KEY_BYTES * 0.9   # long, still kept (PostgreSQL too)
        # Saved again without keys (a path that cannot make them): the old keys must not outlive the document.
        customers.save_page(connection, "acct", [saved[0].with_changes(email="new@example.com")], at(1))
        ids, values = customers.read_scan_keys(connection, "acct", "none")
        assert values[ids.index(saved[0].id)] == "none"
        # A separator in a key (the texts are split at it): read row by row, still whole and in order.
        customers.save_page(connection, "acct", [saved[1]], at(2), scan_keys=["d1 \x1e odd"])
        ids, values = customers.read_scan_keys(connection, "acct", "none")
        assert ids == [c.id for c in reversed(saved)] and values[ids.index(saved[1].id)].endswith("d1 \x1e odd")
        if connection.dialect.name == "sqlite":
            query = customers._JOINED_SCAN_KEYS["sqlite"].text.replace(":account", "'acct'").replace(":none", "''")
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + query))
            assert "COVERING INDEX ix_customer_documents_scan_keys" in plan   # not the pages of documents
            assert "TEMP B-TREE" not in plan                                   # nor a sort


def test_checksums_written_all_at_once_read_as_one_at_a_time() -> None:
    values = [0, 1, 0xDEADBEEF, 0xFFFFFFFF, 0x00A1B2C3]
    assert documents.crc_texts_joined(values, "d1", "\x1e") == "\x1e".join(documents.crc_texts(values, "d1"))
    assert documents.crc_texts_joined([], "d1", "\x1e") == ""
    assert documents.crc_texts_joined([5, -1], "d1", "\x1e") is None   # a customer held decoded: no checksum
    assert documents.crc_texts_joined([1 << 32], "d1", "\x1e") is None
