"""Reverting journaled changes at every provider: the inverse change, applied through the write
path and journaled itself; a customer changed since shows both; a deleted one comes back."""

from __future__ import annotations

import pytest

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.journal import JournalQuery, Outcome
from console.services.journal import Journal
from console.services.journal_revert import apply_revert, plan_revert
from tests.services.conftest import Demo, JournalWatch, OpenDemo, editable_text_field

PROVIDERS = ("square", "authorize-net", "clover", "payarc", "digital-river")
async def _journaled(open_demo: OpenDemo, journal: Journal, provider: str) -> Demo:
    demo = await open_demo(provider)
    account = demo.session.account
    demo.service.journal = journal.for_account(account.id, account.name, account.info.key)
    await demo.service.load()
    return demo


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_an_update_is_journaled_and_reverted_at_every_provider(
        open_demo: OpenDemo, journal: Journal, provider: str) -> None:
    demo = await _journaled(open_demo, journal, provider)
    service, watch = demo.service, JournalWatch(journal)
    key = editable_text_field(demo)
    customer = next(c for c in service.index if c.value(key))
    old = customer.value(key)
    await service.update(customer, CustomerChanges(values={key: "Reverted Later"}))
    entry = await watch.one("update", customer.id)
    assert [(c.field, c.before, c.after) for c in entry.intent.changes] == [(key, old, "Reverted Later")]

    plan = await plan_revert(service, [entry])
    assert plan.lines == (f"{key}: Reverted Later → {old}",) and plan.changed_since == ()
    await apply_revert(service, plan)
    assert (await service.provider.get(customer.id)).value(key) == old
    back = await watch.one("update", customer.id)
    assert back.intent.reverts == entry.entry_id
    assert [(c.before, c.after) for c in back.intent.changes] == [("Reverted Later", old)]
    assert await journal.count(JournalQuery(customer=(demo.session.account.id, customer.id))) == 2


async def test_a_revert_of_a_customer_changed_since_shows_both_and_a_late_change_is_stale(
        open_demo: OpenDemo, journal: Journal) -> None:
    demo = await _journaled(open_demo, journal, "square")
    service, watch = demo.service, JournalWatch(journal)
    customer = next(c for c in service.index if c.company)
    await service.update(customer, CustomerChanges(values={"company": "Mine Ltd"}))
    entry = await watch.one("update", customer.id)
    # Someone else changes it afterwards, past the console.
    current = await service.provider.get(customer.id)
    await service.provider.update(current, CustomerChanges(values={"company": "Theirs Ltd"}))
    plan = await plan_revert(service, [entry])
    assert plan.changed_since == ("company: now Theirs Ltd (the change set Mine Ltd)",)
    assert plan.lines == (f"company: Theirs Ltd → {customer.company}",)
    # …and changes it again between the preview and the revert: the write path's stale check says so.
    current = await service.provider.get(customer.id)
    await service.provider.update(current, CustomerChanges(values={"company": "Later Ltd"}))
    with pytest.raises(e.StaleVersionError) as stale:
        await apply_revert(service, plan)
    assert stale.value.current is not None and stale.value.current.company == "Later Ltd"


async def test_a_reverted_delete_creates_the_customer_again_and_links_the_ids(
        open_demo: OpenDemo, journal: Journal) -> None:
    demo = await _journaled(open_demo, journal, "clover")
    service, watch = demo.service, JournalWatch(journal)
    customer = next(c for c in service.index if c.given_name and c.family_name)
    await service.delete_many([customer])
    [deleted] = await watch.new()
    assert deleted.intent.operation == "delete" and deleted.outcome is Outcome.SUCCEEDED
    plan = await plan_revert(service, [deleted])
    assert plan.kind == "recreate" and any("id at the provider" in c for c in plan.cannot)
    again = await apply_revert(service, plan)
    assert again is not None and again.id != customer.id
    assert (again.given_name, again.family_name) == (customer.given_name, customer.family_name)
    created = await watch.one("create", again.id)
    assert (created.intent.reverts, created.intent.replaces) == (deleted.entry_id, customer.id)
