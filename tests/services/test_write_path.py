"""The one write path of CustomerService: refusals before anything is sent, the production
confirmation (once per account per app session), and the after-write hooks (once per write)."""

from __future__ import annotations

import inspect
import logging
import re
from pathlib import Path

import pytest

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.domain.journal import Outcome
from console.providers.http import RetryPolicy
from console.services.card_capture import CardCapture
from console.services.context import AppContext
from console.services.customer_service import CustomerService
from console.services.demo import DemoSandbox
from console.services.journal import Journal
from console.services.paths import AppPaths
from console.services.secrets import MemorySecrets
from console.services.settings import Settings, SettingsStore
from console.services.write_confirmation import WriteConfirmations
from console.services.write_records import WriteOp, WriteRecord
from tests.services.conftest import Demo, JournalWatch, OpenDemo
from tests.services.test_card_capture import PlayedBrowser

# `ready_to_write` writes nothing: it settles now what the next write would refuse or ask; `provider_ready` builds
# the client.
READS = {"load", "load_local", "lookup", "search", "fetch", "fetch_many", "groups", "ready_to_write", "provider_ready"}
SHIPPING = {"first_name": "Ada", "last_name": "Hook", "line1": "1 Hook Street", "city": "Austin", "state": "TX",
            "zip": "78701", "country": "US"}


def _write_methods() -> set[str]:
    """Every public coroutine method of CustomerService that is not a read: each must be walked below."""
    return {name for name, member in inspect.getmembers(CustomerService, inspect.iscoroutinefunction)
            if not name.startswith("_")} - READS


class Hook:
    """An after-write hook that keeps what it is told."""

    def __init__(self) -> None:
        self.records: list[WriteRecord] = []

    def __call__(self, record: WriteRecord) -> None:
        self.records.append(record)

    def take(self) -> list[WriteRecord]:
        taken, self.records = self.records, []
        return taken

    def one(self, operation: WriteOp) -> WriteRecord:
        """The single record told since the last take, which must be a success of `operation`."""
        records = self.take()
        assert [r.operation for r in records] == [operation]
        assert records[0].succeeded, records[0].error
        return records[0]


async def test_every_write_tells_the_after_write_hooks_and_the_journal_once_with_what_was_written(
        open_demo: OpenDemo, journal: Journal) -> None:
    walked: set[str] = set()
    hook = Hook()
    watch = JournalWatch(journal)

    def journaled(demo: Demo) -> Demo:
        account = demo.session.account
        demo.service.journal = journal.for_account(account.id, account.name, account.info.key)
        return demo

    # Authorize.net: creating (both ways), updating, the sub-records, deleting.
    anet = journaled(await open_demo("authorize-net"))
    service = anet.service
    service.after_write.append(hook)
    created = await service.create(CustomerChanges(values={"description": "Hook Tester", "email": "hook@example.com"}),
                                   idempotency_key=service.new_idempotency_key())
    record = hook.one(WriteOp.CREATE)
    assert (record.customer_id, record.customer) == (created.id, created)
    assert record.changes == {"description": "Hook Tester", "email": "hook@example.com"}
    entry = await watch.one("create", created.id)
    assert {(c.field, c.before, c.after) for c in entry.intent.changes} == {
        ("description", None, "Hook Tester"), ("email", None, "hook@example.com")}
    assert entry.intent.customer_name == "hook@example.com"
    walked.add("create")

    transaction = anet.emulator.transaction_ids()[0]  # type: ignore[attr-defined]
    from_transaction = await service.create_from(transaction, idempotency_key=service.new_idempotency_key())
    record = hook.one(WriteOp.CREATE_FROM)
    assert (record.customer_id, record.target) == (from_transaction.id, transaction)
    assert (await watch.one("create_from", from_transaction.id)).intent.target == transaction
    walked.add("create_from")

    updated = await service.update(created, CustomerChanges(values={"description": "Hook Tested"},
                                                            cleared=frozenset({"email"})))
    record = hook.one(WriteOp.UPDATE)
    assert (record.customer_id, record.changes) == (created.id, {"description": "Hook Tested", "email": None})
    entry = await watch.one("update", created.id)
    assert {(c.field, c.before, c.after) for c in entry.intent.changes} == {
        ("description", "Hook Tester", "Hook Tested"), ("email", "hook@example.com", None)}
    walked.add("update")

    with_address = await service.add_item(updated, "shipping_addresses", SHIPPING)
    record = hook.one(WriteOp.ADD_ITEM)
    assert (record.customer_id, record.kind, record.changes) == (created.id, "shipping_addresses", SHIPPING)
    entry = await watch.one("add_item", created.id)
    assert entry.intent.kind == "shipping_addresses" and ("city", None, "Austin") in {
        (c.field, c.before, c.after) for c in entry.intent.changes}
    walked.add("add_item")
    address_id = with_address.shipping_addresses[0].id
    assert address_id is not None
    await service.update_item(with_address, "shipping_addresses", address_id, {**SHIPPING, "city": "Dallas"})
    record = hook.one(WriteOp.UPDATE_ITEM)
    assert (record.target, record.changes["city"]) == (address_id, "Dallas")
    entry = await watch.one("update_item", created.id)
    assert ("city", "Austin", "Dallas") in {(c.field, c.before, c.after) for c in entry.intent.changes}
    walked.add("update_item")
    await service.set_default_item(with_address, "shipping_addresses", address_id)
    assert hook.one(WriteOp.SET_DEFAULT_ITEM).target == address_id
    assert (await watch.one("set_default_item", created.id)).intent.target == address_id
    walked.add("set_default_item")
    await service.delete_item(with_address, "shipping_addresses", address_id)
    assert hook.one(WriteOp.DELETE_ITEM).target == address_id
    assert (await watch.one("delete_item", created.id)).intent.target == address_id
    walked.add("delete_item")

    result = await service.delete_many([created, from_transaction])
    assert set(result.succeeded) == {created.id, from_transaction.id}
    records = hook.take()
    assert [(r.operation, r.customer_id, r.error) for r in records] == [
        (WriteOp.DELETE, created.id, None), (WriteOp.DELETE, from_transaction.id, None)]
    deletes = await watch.new()
    assert [(d.intent.operation, d.customer_id, d.outcome) for d in deletes] == [
        ("delete", created.id, Outcome.SUCCEEDED), ("delete", from_transaction.id, Outcome.SUCCEEDED)]
    assert deletes[0].intent.snapshot is not None and deletes[0].intent.snapshot["id"] == created.id
    assert deletes[0].intent.group_id is not None and deletes[0].intent.group_id == deletes[1].intent.group_id
    walked.add("delete_many")

    # Square: group membership, both ways.
    square = journaled(await open_demo("square"))
    square.service.after_write.append(hook)
    await square.service.load()
    group = (await square.service.groups())[0]
    customer = next(c for c in square.service.index if group.id not in c.group_ids)
    joined = await square.service.set_group(customer, group.id, True)
    assert group.id in joined.group_ids
    assert (hook.one(WriteOp.ADD_TO_GROUP).target, customer.id) == (group.id, joined.id)
    assert (await watch.one("add_to_group", customer.id)).intent.target == group.id
    left = await square.service.set_group(joined, group.id, False)
    assert group.id not in left.group_ids
    assert hook.one(WriteOp.REMOVE_FROM_GROUP).customer_id == customer.id
    await watch.one("remove_from_group", customer.id)
    walked.add("set_group")

    # Square: bulk creates and updates (a job's), one record and one journal entry per customer.
    made = await square.service.create_many([("key-1", CustomerChanges(values={"given_name": "Bulk"})),
                                             ("key-2", CustomerChanges(values={"given_name": "Bulk Two"}))])
    records = hook.take()
    assert [(r.operation, r.customer_id, dict(r.changes)) for r in records] == [
        (WriteOp.CREATE, made.succeeded["key-1"].id, {"given_name": "Bulk"}),   # type: ignore[union-attr]
        (WriteOp.CREATE, made.succeeded["key-2"].id, {"given_name": "Bulk Two"})]   # type: ignore[union-attr]
    assert [(x.intent.operation, x.customer_id, x.outcome) for x in await watch.new()] == [
        ("create", r.customer_id, Outcome.SUCCEEDED) for r in records]
    walked.add("create_many")
    firsts = [c for c in (made.succeeded["key-1"], made.succeeded["key-2"]) if c is not None]
    await square.service.update_many([(c, CustomerChanges(values={"note": "bulk"})) for c in firsts])
    assert [(r.operation, r.customer_id) for r in hook.take()] == [(WriteOp.UPDATE, c.id) for c in firsts]
    assert [(x.intent.operation, x.customer_id, x.intent.changes[0].after) for x in await watch.new()] == [
        ("update", c.id, "bulk") for c in firsts]
    walked.add("update_many")

    # Square: a custom field value, written by the custom field service through `write`.
    fields = square.session.custom_fields
    await fields.definitions()
    await fields.save_values(await fields.read_values(customer), {"account-manager": "Ada Hook"})
    record = hook.one(WriteOp.SET_CUSTOM_FIELD)
    assert (record.customer_id, record.target, record.changes) == (
        customer.id, "account-manager", {"custom.account-manager": "Ada Hook"})
    entry = await watch.one("set_custom_field", customer.id)
    assert entry.intent.changes[-1].after == "Ada Hook"
    walked.add("write")

    # Digital River: a one-click action.
    river = journaled(await open_demo("digital-river"))
    river.service.after_write.append(hook)
    await river.service.load()
    action = river.service.capabilities.actions[0]
    target = next(c for c in river.service.index if not c.value("request_to_be_forgotten"))
    await river.service.run_action(target, action)
    record = hook.one(WriteOp.ACTION)
    assert (record.customer_id, record.target, record.changes) == (target.id, action.key, dict(action.values))
    assert (await watch.one("action", target.id)).intent.target == action.key
    walked.add("run_action")

    # Authorize.net: a card attached after its hosted form (the browser played by the test).
    await service.load()
    holder = await service.fetch(next(iter(service.index)).id)
    browser = PlayedBrowser()
    with_card = await CardCapture(anet.session, holder, demo=anet.sandbox).run(browser)
    await browser.finished()
    record = hook.one(WriteOp.ATTACH_CARD)
    assert (record.customer_id, record.kind, record.customer) == (holder.id, "payment_methods", with_card)
    await watch.one("attach_card", holder.id)
    walked.add("attach_card")

    assert walked == _write_methods()
    assert (await journal.verify()).intact


async def test_a_failed_write_is_told_with_its_error(open_demo: OpenDemo) -> None:
    demo = await open_demo("authorize-net")
    hook = Hook()
    demo.service.after_write.append(hook)
    with pytest.raises(e.InvalidInputError) as refused:
        await demo.service.create(CustomerChanges(values={"reference_id": "X" * 21, "email": "x@example.com"}),
                                  idempotency_key=demo.service.new_idempotency_key())
    [record] = hook.take()
    assert (record.operation, record.customer_id, record.error) == (WriteOp.CREATE, None, refused.value)
    assert not record.succeeded

    await demo.service.load()
    customer = next(iter(demo.service.index))
    with pytest.raises(e.InvalidInputError) as refused:
        await demo.service.update(customer, CustomerChanges(values={"reference_id": "X" * 21}))
    [record] = hook.take()
    assert (record.operation, record.customer_id, record.error) == (WriteOp.UPDATE, customer.id, refused.value)


async def test_a_delete_tells_each_customer_with_its_own_outcome(open_demo: OpenDemo) -> None:
    demo = await open_demo("clover")
    hook = Hook()
    demo.service.after_write.append(hook)
    await demo.service.load()
    first, second = list(demo.service.index)[:2]
    demo.session.provider.http.policy = RetryPolicy(attempts=1)  # type: ignore[attr-defined]
    demo.emulator.fail_next("500")   # the first delete fails, the second goes through
    result = await demo.service.delete_many([first, second])
    assert list(result.failed) == [first.id] and list(result.succeeded) == [second.id]
    records = hook.take()
    assert [(r.customer_id, r.succeeded) for r in records] == [(first.id, False), (second.id, True)]
    assert records[0].error is result.failed[first.id]


async def test_a_refused_write_sends_nothing_and_tells_no_hook(open_demo: OpenDemo) -> None:
    demo = await open_demo("square")
    await demo.service.load()
    customer: Customer = next(iter(demo.service.index))
    hook = Hook()
    read_only = CustomerService(demo.session.provider, read_only=True)
    asked: list[str] = []

    async def decline() -> bool:
        asked.append("asked")
        return False

    declined = CustomerService(demo.session.provider, account_id="live")
    declined.confirm_first_write = decline
    carded = demo.service
    for service in (read_only, declined, carded):
        service.after_write.append(hook)
    sent = len(demo.wire.methods)
    with pytest.raises(e.ReadOnlyAccountError):
        await read_only.update(customer, CustomerChanges(values={"note": "no"}))
    with pytest.raises(e.CancelledByUserError):
        await declined.delete_many([customer])
    with pytest.raises(e.InvalidInputError):
        await carded.update(customer, CustomerChanges(values={"note": "card 4111 1111 1111 1111"}))
    assert (len(demo.wire.methods), hook.records, asked) == (sent, [], ["asked"])
    assert not declined.confirmations.is_confirmed("live")


async def test_a_failing_hook_changes_no_outcome_and_the_next_hook_still_hears(
        open_demo: OpenDemo, caplog: pytest.LogCaptureFixture) -> None:
    demo = await open_demo("square")
    await demo.service.load()
    customer = next(iter(demo.service.index))

    def broken(record: WriteRecord) -> None:
        raise RuntimeError("journal unavailable")

    hook = Hook()
    demo.service.after_write.extend([broken, hook])
    with caplog.at_level(logging.ERROR, logger="console.services.customer_service"):
        updated = await demo.service.update(customer, CustomerChanges(values={"note": "still saved"}))
    assert updated.note == "still saved"
    assert hook.one(WriteOp.UPDATE).customer_id == customer.id
    assert "an after-write hook failed (update)" in caplog.text


async def test_production_writes_are_confirmed_once_per_account_for_the_app_session(open_demo: OpenDemo) -> None:
    demo = await open_demo("square")
    await demo.service.load()
    first, second = list(demo.service.index)[:2]
    shared = WriteConfirmations()
    asked: list[str] = []

    def asking(account_id: str) -> CustomerService:
        service = CustomerService(demo.session.provider, account_id=account_id, confirmations=shared)

        async def ask() -> bool:
            asked.append(account_id)
            return True

        service.confirm_first_write = ask
        return service

    live = asking("live")
    await live.update(first, CustomerChanges(values={"note": "one"}))
    await live.update(await live.fetch(first.id), CustomerChanges(values={"note": "two"}))
    assert asked == ["live"]
    assert shared.is_confirmed("live")
    # The same account opened again (another session): not asked again.
    await asking("live").update(second, CustomerChanges(values={"note": "three"}))
    assert asked == ["live"]
    # Another account is asked for itself.
    await asking("other").update(await live.fetch(second.id), CustomerChanges(values={"note": "four"}))
    assert asked == ["live", "other"]


async def test_open_session_hands_the_account_and_the_app_record_to_the_service(open_demo: OpenDemo,
                                                                                 tmp_path: Path) -> None:
    shared = WriteConfirmations()
    demo = await open_demo("payarc", confirmations=shared)
    assert demo.service.account_id == demo.session.account.id
    assert demo.service.confirmations is shared
    paths = AppPaths.resolve(tmp_path)
    contexts = [AppContext(paths=paths, store=SettingsStore(paths.settings_file), settings=Settings(),
                           secrets=MemorySecrets(), demo=DemoSandbox(tmp_path / "demo")) for _ in range(2)]
    assert isinstance(contexts[0].confirmations, WriteConfirmations)
    assert contexts[0].confirmations is not contexts[1].confirmations


def test_idempotency_keys_are_new_each_time() -> None:
    keys = {CustomerService.new_idempotency_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in keys)


async def test_the_provider_name_is_the_one_people_know(open_demo: OpenDemo) -> None:
    demo = await open_demo("authorize-net")
    assert demo.service.provider_name == "Authorize.net" == demo.service.capabilities.display_name
