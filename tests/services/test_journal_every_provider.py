"""Every provider's writes reach the journal once each, complete: create, update, delete, and the
sub-records it keeps (where it lets them be added), each with its before and after values."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from console.domain.changes import CustomerChanges
from console.domain.journal import Outcome
from console.services.intent_log import log_key, read_frames
from console.services.journal import Journal
from console.store import tables
from console.store.engine import open_workspace
from tests.services.conftest import JournalWatch, OpenDemo, editable_text_field

ITEMS = {"authorize-net": ("shipping_addresses", {"first_name": "Ada", "last_name": "Journal", "line1": "1 Log Lane",
                                                  "city": "Austin", "state": "TX", "zip": "78701", "country": "US"}),
         "clover": ("phones", {"value": "4155550199"}),
         "digital-river": ("tax_ids", {"type": "uk", "value": "GB123456789"})}


@pytest.mark.parametrize("provider", ["square", "authorize-net", "clover", "payarc", "digital-river"])
async def test_each_write_adds_one_complete_entry(open_demo: OpenDemo, journal: Journal, provider: str) -> None:
    demo = await open_demo(provider)
    account, service = demo.session.account, demo.service
    service.journal = journal.for_account(account.id, account.name, account.info.key)
    watch = JournalWatch(journal)

    created = await service.create(CustomerChanges(values={"email": "journal@example.com"}),
                                   idempotency_key=service.new_idempotency_key())
    entry = await watch.one("create", created.id)
    assert [(c.field, c.before, c.after) for c in entry.intent.changes] == [("email", None, "journal@example.com")]

    key = editable_text_field(demo)
    updated = await service.update(created, CustomerChanges(values={key: "Journal Two"}))
    assert updated.value(key) == "Journal Two"
    entry = await watch.one("update", created.id)
    assert [(c.field, c.before, c.after) for c in entry.intent.changes] == [(key, created.value(key), "Journal Two")]

    if provider in ITEMS:
        kind, values = ITEMS[provider]
        updated = await service.add_item(updated, kind, values)
        entry = await watch.one("add_item", created.id)
        assert entry.intent.kind == kind and {c.field for c in entry.intent.changes} == set(values)

    await service.delete_many([updated])
    [deleted] = await watch.new()
    assert (deleted.intent.operation, deleted.customer_id, deleted.outcome) == ("delete", created.id,
                                                                                Outcome.SUCCEEDED)
    assert deleted.intent.snapshot is not None and deleted.intent.snapshot["id"] == created.id
    assert (await journal.verify()).intact


@pytest.mark.parametrize("provider", ["square", "authorize-net", "clover", "payarc", "digital-river"])
async def test_no_write_request_leaves_before_its_intent_is_on_disk(open_demo: OpenDemo, journal: Journal,
                                                                    provider: str) -> None:
    """When a write request goes, its intent is on disk: in the instance's intent file, or committed to
    the journal's table (read here on a connection of its own, as the next start after a crash would)."""
    workspace = journal.workspace
    assert workspace.intent_log is not None and workspace.key is not None
    intent_file, key = workspace.intent_log.path, log_key(workspace.key.key)
    demo = await open_demo(provider)
    account, service = demo.session.account, demo.service
    service.journal = journal.for_account(account.id, account.name, account.info.key)
    wire, seen = demo.wire, []
    inner = wire.handle_async_request

    def on_disk() -> list[str]:
        # The file first: it is emptied only after its intents are committed, so an intent gone from it by
        # the time it is read is in the table read next (read the other way round, one could be in neither).
        logged = {e.entry_id: e.intent.operation for e in read_frames(intent_file, key)}
        # A team database is read on a pooled connection of its own (it sees only what is committed).
        committed = workspace._db if workspace.team is not None else open_workspace(
            workspace.path, workspace.key.key)   # type: ignore[union-attr]
        assert committed is not None
        try:
            with committed.read() as connection:
                table = tables.journal
                held = {row[0]: row[1] for row in connection.execute(sa.select(table.c.record_id, table.c.operation)
                        .where(table.c.kind == "intent", table.c.account_id == account.id))}
        finally:
            if workspace.team is None:
                committed.close()
        # What the next start would hold: an intent committed while the file still has it counts once.
        return sorted({**held, **logged}.values())

    async def checked(request: httpx.Request) -> httpx.Response:
        if request.method != "GET" and "token" not in request.url.path:   # a write (Clover's card token aside)
            seen.append(on_disk())
        return await inner(request)

    wire.handle_async_request = checked  # type: ignore[method-assign]
    created = await service.create(CustomerChanges(values={"email": "gate@example.com"}),
                                   idempotency_key=service.new_idempotency_key())
    await service.update(created, CustomerChanges(values={editable_text_field(demo): "Gate Two"}))
    await service.delete_many([await service.fetch(created.id)])
    # Each write's requests (some writes take several) found its own intent there, and those before it.
    prefixes = [["create"], ["create", "update"], ["create", "delete", "update"]]
    assert all(ops in prefixes for ops in seen) and seen == sorted(seen, key=len)
    assert [ops for i, ops in enumerate(seen) if i == 0 or ops != seen[i - 1]] == prefixes
