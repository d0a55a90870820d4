"""Copying customers to another account, against the demo emulators: what each target carries, what
stays behind and why, and the creates sent as a copy job through the target's one write path."""

from __future__ import annotations

from console.domain.custom_fields import CustomFieldDefinition
from console.domain.customer import Customer
from console.domain.jobs import JobOp, OpState
from console.services.copy_job import make_copy_job
from console.services.customer_copy import CopyItem, plan_copy, plan_item, with_custom_fields
from console.services.jobs import JobRunner, JobStore
from console.services.journal import Journal
from tests.services.conftest import Demo, OpenDemo

SQUARE_CUSTOMERS = 40


async def square_with_values(open_demo: OpenDemo) -> tuple[Demo, list[Customer], list[CustomFieldDefinition]]:
    """The Square demo loaded, and its customers that hold custom field values (carrying them)."""
    square = await open_demo("square", customers=SQUARE_CUSTOMERS)
    await square.service.load()
    customers, definitions = await with_custom_fields(square.session.custom_fields, list(square.service.index))
    holding = [c for c in customers if c.custom_fields]
    assert holding, "the Square demo seeds values on about a third of its customers"
    return square, holding, definitions


def reasons(item: CopyItem) -> dict[str, str]:
    return {b.what: b.reason for b in item.left_behind}


async def copied(item: CopyItem, target: Demo, journal: Journal) -> JobOp:
    """The item copied to `target` as a one-customer copy job; its operation as the job left it."""
    store = JobStore(journal.workspace, "ada")
    job_id = await make_copy_job(store, "Copy", target.session, [item], "demo:source")
    await JobRunner(store, target.service).run(job_id)
    (op,) = await store.operations(job_id)
    return op


async def created(item: CopyItem, target: Demo, journal: Journal) -> Customer:
    op = await copied(item, target, journal)
    assert op.state is OpState.DONE and op.result_id is not None, op.error
    return await target.service.fetch(op.result_id)


async def test_square_to_digital_river_carries_custom_fields_into_metadata(open_demo: OpenDemo,
                                                                           journal: Journal) -> None:
    square, holding, definitions = await square_with_values(open_demo)
    dr = await open_demo("digital-river")
    names = {d.key: d.name for d in definitions}
    seller_key = next(d.key for d in definitions if d.key.startswith("square:"))
    customer = next(c for c in holding if c.custom_value("loyalty-tier") and c.custom_value(seller_key) is not None)
    item = plan_item(customer, square.service.capabilities, dr.service.capabilities, definitions)
    assert item.can_copy
    metadata = item.changes.values["metadata"]
    tier = next(d for d in definitions if d.key == "loyalty-tier")
    chosen = {o.uid: o.name for o in tier.options}[customer.custom_value("loyalty-tier")[0]]
    assert metadata["loyalty-tier"] == chosen   # the option's name, as staff see it
    # Digital River has one name field: the whole name goes there; company and email by the same keys.
    assert item.changes.values["given_name"] == customer.full_name
    assert item.changes.values.get("email") == customer.email
    # The seller's own Dashboard fields have `square:<uuid>` keys, longer than Digital River's 40.
    assert reasons(item)[f"Custom field {names[seller_key]}"] == (
        "Its key is longer than the 40 characters Digital River allows in metadata.")
    assert seller_key not in metadata

    before = len(dr.emulator._customers)
    stored = await created(item, dr, journal)
    assert stored.value("metadata") == metadata
    assert stored.full_name == customer.full_name
    assert len(dr.emulator._customers) == before + 1


async def test_square_to_clover_leaves_custom_fields_behind_and_says_why(open_demo: OpenDemo,
                                                                        journal: Journal) -> None:
    square, holding, definitions = await square_with_values(open_demo)
    clover = await open_demo("clover")
    customer = holding[0]
    (item,) = plan_copy([customer], square.service.capabilities, clover.service.capabilities, definitions)
    assert "metadata" not in item.changes.values
    names = {d.key: d.name for d in definitions}
    left = reasons(item)
    for value in customer.custom_fields:
        assert left[f"Custom field {names[value.key]}"] == "Clover has no key/value metadata to hold custom fields."
    # Clover keeps first and last name apart, as Square does.
    assert item.changes.values["given_name"] == customer.given_name
    assert item.changes.values.get("family_name") == customer.family_name
    made = await created(item, clover, journal)
    assert (made.given_name, made.family_name) == (customer.given_name, customer.family_name)


async def test_authorize_net_to_square_carries_the_profile_never_the_cards(open_demo: OpenDemo,
                                                                          journal: Journal) -> None:
    anet = await open_demo("authorize-net")
    square = await open_demo("square")
    await anet.service.load()
    customer = next(c for c in anet.service.index
                    if c.payment_methods and c.shipping_addresses and c.value("description") and c.reference_id)
    item = plan_item(customer, anet.service.capabilities, square.service.capabilities)
    # Authorize.net's description is its name; Square gets it as the name, with email and reference id.
    assert item.changes.values["given_name"] == customer.value("description")
    assert item.changes.values["reference_id"] == customer.reference_id
    assert item.changes.values.get("email") == customer.email
    cards = len(customer.payment_methods)
    left = reasons(item)
    assert left[f"{cards} card{'s' if cards > 1 else ''}"].startswith("Cards are never copied: they stay at "
                                                                      "Authorize.net.")
    shipping = len(customer.shipping_addresses)
    assert left[f"{shipping} shipping address{'es' if shipping > 1 else ''}"] == "Square keeps no shipping addresses."
    assert "Profile type" not in left   # 'regular' is every new profile's default: nothing is lost
    made = await created(item, square, journal)
    assert made.payment_methods == ()
    assert made.given_name == customer.value("description")
    assert not any("card" in key for key in item.changes.values)


async def test_a_value_too_long_for_the_target_stays_behind_with_its_limit(open_demo: OpenDemo,
                                                                          journal: Journal) -> None:
    square = await open_demo("square")
    clover = await open_demo("clover")
    await square.service.load()
    customer = next(c for c in square.service.index if c.given_name and c.family_name).with_changes(
        company="C" * 200, note="fine")
    item = plan_item(customer, square.service.capabilities, clover.service.capabilities)
    assert "company" not in item.changes.values
    assert reasons(item)["Company"] == "Clover Business name: At most 127 characters (this has 200)."
    assert item.changes.values["note"] == "fine" and item.can_copy
    assert (await created(item, clover, journal)).company is None


async def test_a_customer_the_target_cannot_identify_is_not_sent(open_demo: OpenDemo, journal: Journal) -> None:
    square = await open_demo("square")
    anet = await open_demo("authorize-net")
    phone_only = Customer(id="SQ1", phone="+12065550100", company="Only a company")
    item = plan_item(phone_only, square.service.capabilities, anet.service.capabilities)
    assert not item.can_copy
    assert item.problem == ("Authorize.net needs at least one of: Description, Email, Merchant customer id; "
                            "none of them could be carried.")
    assert reasons(item)["Phone"] == "Authorize.net has no such field."
    sent = len(anet.wire.methods)
    op = await copied(item, anet, journal)
    assert (op.state, op.error) == (OpState.SKIPPED, item.problem)   # in the job, skipped with its reason
    assert len(anet.wire.methods) == sent


async def test_a_read_only_target_refuses_each_create_and_sends_nothing(open_demo: OpenDemo, journal: Journal) -> None:
    square = await open_demo("square")
    dr = await open_demo("digital-river")
    dr.service.read_only = True
    item = plan_item(Customer(id="SQ2", given_name="Ada", email="ada@example.com"),
                     square.service.capabilities, dr.service.capabilities)
    sent = len(dr.wire.methods)
    op = await copied(item, dr, journal)
    assert op.state is OpState.FAILED and op.error is not None and "read-only" in op.error
    assert len(dr.wire.methods) == sent
