"""ItemPlan: sub-record changes planned in a dialog, folded as the person changes their mind, and sent
on Save in order through the real CustomerService against the Clover and Authorize.net emulators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.domain.customer import Address, ContactPoint, Customer
from console.services.accounts import AccountSession, demo_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.item_plan import ItemPlan, ItemState, Op, StepReport
from console.services.secrets import MemorySecrets

ADDRESS = {"line1": "1 Plan Street", "city": "Austin", "state": "TX", "postal_code": "78701", "country": "US"}


def _customer() -> Customer:
    return Customer(id="c1", addresses=(Address(id="a1", line1="Old Road", city="Reno"),),
                    emails=(ContactPoint(id="e1", value="a@example.com", is_primary=True),
                            ContactPoint(id="e2", value="b@example.com")))


def test_changes_to_a_new_item_fold_into_its_add() -> None:
    plan = ItemPlan()
    new = plan.add("addresses", ADDRESS)
    plan.edit("addresses", new, {**ADDRESS, "city": "Dallas"})
    assert [(c.op, c.values["city"]) for c in plan.changes] == [(Op.ADD, "Dallas")]
    plan.delete("addresses", new)
    assert plan.is_empty()


def test_the_list_shows_what_save_will_do() -> None:
    plan = ItemPlan()
    customer = _customer()
    plan.edit("addresses", "a1", {"line1": "New Road", "city": "Reno"})
    plan.edit("addresses", "a1", {"line1": "Newer Road", "city": "Reno"})
    new = plan.add("addresses", ADDRESS)
    plan.set_default("emails", "e2")
    plan.delete("emails", "e1")
    addresses = plan.items(customer, "addresses")
    assert [a.line1 for a in addresses] == ["Newer Road", "1 Plan Street"]
    assert plan.count("addresses") == 2   # the second edit replaced the first
    assert plan.state("addresses", "a1") is ItemState.EDITED and plan.state("addresses", new) is ItemState.NEW
    emails = plan.items(customer, "emails")
    assert [(m.value, m.is_primary) for m in emails] == [("a@example.com", False), ("b@example.com", True)]
    assert plan.state("emails", "e1") is ItemState.DELETED
    plan.undo_delete("emails", "e1")
    assert plan.state("emails", "e1") is None and plan.state("emails", "e2") is ItemState.EDITED
    assert ItemPlan.from_json(plan.to_json()).changes == plan.changes


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[tuple[DemoSandbox, list[AccountSession]]]:
    sandbox = DemoSandbox(tmp_path / "demo", latency_ms=0, customers={"clover": 10, "authorize-net": 10})
    sessions: list[AccountSession] = []
    yield sandbox, sessions
    for session in sessions:
        await session.aclose()


async def _session(demo: tuple[DemoSandbox, list[AccountSession]], key: str) -> AccountSession:
    sandbox, sessions = demo
    account = next(a for a in demo_accounts(sandbox) if a.info.key == key)
    session = await open_session(account, secrets=MemorySecrets(), demo=sandbox)
    sessions.append(session)
    return session


async def test_a_plan_is_sent_in_order_and_a_failure_stays_planned(
        demo: tuple[DemoSandbox, list[AccountSession]]) -> None:
    session = await _session(demo, "clover")
    emulator = demo[0].emulator("clover")
    page = await anext(aiter(session.provider.iter_pages()))
    customer = next(c for c in page.customers if c.emails)
    plan = ItemPlan()
    plan.add("phones", {"value": "4155550199"}, label="Add phone")
    new_email = plan.add("emails", {"value": "new@example.com"}, label="Add email")
    plan.set_default("emails", new_email, label="Make primary")
    plan.add("addresses", {**ADDRESS, "postal_code": "12345678901"}, label="Add address")  # zip too long for Clover
    steps: list[StepReport] = []

    updated = await plan.apply(session.service, customer, steps.append)

    assert [(s.change.label, s.error is None) for s in steps] == [
        ("Add phone", True), ("Add email", True), ("Make primary", True), ("Add address", False)]
    stored = emulator.customer(customer.id)
    assert stored is not None
    assert "4155550199" in [p["phoneNumber"] for p in stored["phoneNumbers"]]
    primary = [m["emailAddress"] for m in stored["emailAddresses"] if m.get("primaryEmail")]
    assert primary == ["new@example.com"]
    assert [m.value for m in updated.emails if m.is_primary] == ["new@example.com"]
    # Only the failed add is left, so the next Save does not send the others again.
    assert [(c.op, c.label) for c in plan.changes] == [(Op.ADD, "Add address")]
    assert session.service.index.get(customer.id) == updated


async def test_a_change_about_a_new_item_whose_add_failed_waits_for_it(
        demo: tuple[DemoSandbox, list[AccountSession]]) -> None:
    session = await _session(demo, "authorize-net")
    page = await anext(aiter(session.provider.iter_pages()))
    customer = page.customers[0]
    plan = ItemPlan()
    new = plan.add("shipping_addresses", {"line1": "x" * 61}, label="Add")   # longer than Authorize.net takes
    plan.set_default("shipping_addresses", new, label="Default")
    steps: list[StepReport] = []
    await plan.apply(session.service, customer, steps.append)
    assert [(s.change.label, s.error is not None) for s in steps] == [("Add", True)]
    assert [c.op for c in plan.changes] == [Op.ADD, Op.DEFAULT]
    # Fixed and saved again: the add lands, and the default goes to the address it made.
    plan.edit("shipping_addresses", new, {"line1": "2 Short Street", "city": "Reno"})
    steps.clear()
    updated = await plan.apply(session.service, customer, steps.append)
    assert all(s.error is None for s in steps) and plan.is_empty()
    made = next(a.id for a in updated.shipping_addresses if a.line1 == "2 Short Street")
    stored = demo[0].emulator("authorize-net").profile(customer.id)
    assert stored is not None and stored["defaultShippingAddressId"] == made
