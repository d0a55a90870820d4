"""Merging duplicates within one account, at every provider's emulator: the kept record holds the
chosen values and what could move, the others are gone, the journal has it as one save, and it
can be reverted; a saved card is never lost without the staff accepting it."""

from __future__ import annotations

import pytest

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.services.customer_merge import apply_merge, plan_merge
from console.services.journal import Journal
from console.services.journal_revert import apply_revert, plan_revert
from tests.services.conftest import JournalWatch, OpenDemo, editable_text_field

EXTRA = {"authorize-net": ("shipping_addresses", {"first_name": "Jon", "last_name": "Smith", "line1": "9 Merge Way",
                                                  "city": "Austin", "state": "TX", "zip": "78701", "country": "US"}),
         "clover": ("phones", {"value": "4155550177"})}


@pytest.mark.parametrize("provider", ["square", "authorize-net", "clover", "payarc", "digital-river"])
async def test_a_merge_keeps_the_chosen_values_moves_what_it_can_and_can_be_reverted(
        open_demo: OpenDemo, journal: Journal, provider: str) -> None:
    demo = await open_demo(provider)
    account, service = demo.session.account, demo.service
    service.journal = journal.for_account(account.id, account.name, account.info.key)
    key = editable_text_field(demo)
    keep = await service.create(CustomerChanges(values={"email": "jon.smith@example.com", key: "Kept Value"}),
                                idempotency_key=service.new_idempotency_key())
    other = await service.create(CustomerChanges(values={"email": "jon.smith+shop@example.com", key: "Better Value"}),
                                 idempotency_key=service.new_idempotency_key())
    if provider in EXTRA:
        kind, values = EXTRA[provider]
        other = await service.add_item(other, kind, values)
    watch = JournalWatch(journal)
    await watch.new()   # what the set-up wrote

    plan = plan_merge(service.capabilities, [keep, other], keep.id, {key: other.id})
    assert plan.values == {key: "Better Value"} and [c.id for c in plan.others] == [other.id]
    assert f"delete {other.id}" in " ".join(plan.lines(lambda c: c.id))
    kept = await apply_merge(service, plan)
    assert kept.value(key) == "Better Value"
    if provider in EXTRA:
        kind, values = EXTRA[provider]
        assert kind in {m.kind for m in plan.moves} and any(
            all(str(getattr(item, k, "")) == v for k, v in values.items() if hasattr(item, k))
            for item in getattr(await service.provider.get(keep.id), kind))
    with pytest.raises(e.NotFoundError):
        await service.provider.get(other.id)

    entries = await watch.new()
    assert {x.intent.group_id for x in entries} == {entries[0].intent.group_id} and entries[0].intent.group_id
    assert entries[0].intent.operation == "update" and entries[-1].intent.operation == "delete"
    # Reverting: the kept record's value back, the deleted one created again (as a new id).
    update = entries[0]
    await apply_revert(service, await plan_revert(service, [update]))
    assert (await service.provider.get(keep.id)).value(key) == "Kept Value"
    again = await apply_revert(service, await plan_revert(service, [entries[-1]]))
    assert again is not None and again.email == "jon.smith+shop@example.com"


async def test_a_saved_card_is_not_lost_unless_accepted(open_demo: OpenDemo) -> None:
    demo = await open_demo("authorize-net")
    service = demo.service
    await service.load()
    with_card = next(c for c in service.index if c.payment_methods)
    keep = await service.create(CustomerChanges(values={"email": "keeper@example.com"}),
                                idempotency_key=service.new_idempotency_key())
    plan = plan_merge(service.capabilities, [keep, with_card], keep.id)
    assert plan.card_losses and any("saved card" in line for line in plan.cannot)
    with pytest.raises(e.InvalidInputError):
        await apply_merge(service, plan)
    assert (await service.provider.get(with_card.id)).id == with_card.id   # nothing was deleted
    await apply_merge(service, plan, accept_card_loss=True)
    with pytest.raises(e.NotFoundError):
        await service.provider.get(with_card.id)
