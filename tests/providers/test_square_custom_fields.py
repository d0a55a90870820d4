"""Square custom fields through the client, end to end against the emulator; every exchange checked
against Square's OpenAPI file (requests the client sends, answers the emulator gives)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from console.domain import errors as e
from console.domain.custom_fields import CustomFieldDefinition, CustomFieldType, CustomFieldValue, SelectionOption
from console.domain.customer import Address, Customer
from console.providers.base import ProviderConfig
from console.providers.http import RetryPolicy
from console.providers.square import SquareProvider
from console.providers.square.custom_fields import (
    COMMON_SCHEMA,
    READ_WRITE,
    SELECTION_META_SCHEMA,
    definition_body,
    definition_from_wire,
    value_from_wire,
    value_to_wire,
)
from console.sandbox.square import SquareEmulator
from tests.support.openapi import square_spec
from tests.support.square_exchange import CheckedSquare

TYPES = list(CustomFieldType)
# One valid value per type, as the domain holds it, and as Square stores it.
SAMPLES: dict[CustomFieldType, Any] = {
    CustomFieldType.STRING: "Flat white, oat milk",
    CustomFieldType.NUMBER: "12.75",
    CustomFieldType.EMAIL: "ada@example.com",
    CustomFieldType.PHONE: "+442079460000",
    CustomFieldType.ADDRESS: Address(line1="12 Main St", city="London", postal_code="N1 9GU", country="GB"),
    CustomFieldType.DATE: "2027-03-31",
    CustomFieldType.BOOLEAN: True,
}


@pytest.fixture
def emulator() -> SquareEmulator:
    return SquareEmulator(seed=11, customers=30)


@pytest.fixture
def checked(emulator: SquareEmulator) -> CheckedSquare:
    return CheckedSquare(emulator)


@pytest.fixture
async def square(emulator: SquareEmulator, checked: CheckedSquare) -> AsyncIterator[SquareProvider]:
    async with httpx.AsyncClient(transport=checked.transport()) as http:
        provider = SquareProvider(ProviderConfig(base_url=emulator.base_url, credentials={"token": "t"}), http)
        provider.http.policy = RetryPolicy(attempts=1)
        yield provider


async def _customer(square: SquareProvider) -> Customer:
    page = await anext(aiter(square.iter_pages()))
    return page.customers[0]


def _definition(kind: CustomFieldType, key: str | None = None, **more: Any) -> CustomFieldDefinition:
    key = key or f"f-{kind.value}"
    return CustomFieldDefinition(key=key, name=f"Field {key}", type=kind, **more)


def test_square_declares_custom_fields() -> None:
    assert SquareProvider.capabilities.custom_fields


async def test_seeded_definitions_read_with_owner_and_visibility(square: SquareProvider) -> None:
    found = {d.name: d for d in await square.custom_field_definitions()}
    assert "Favourite drink" not in found  # the newcomer's task in the demo
    assert "Sync cursor" not in found  # another application's hidden field
    tier = found["Loyalty tier"]
    assert tier.type is CustomFieldType.SELECTION and tier.owned and not tier.read_only
    assert [o.name for o in tier.options] == ["Bronze", "Silver", "Gold", "Platinum"] and tier.max_selections == 1
    assert found["Account manager"].type is CustomFieldType.STRING
    assert found["Tax exempt until"].type is CustomFieldType.DATE
    receipts = found["Prefers paper receipts"]  # made by the seller in the Dashboard
    assert receipts.key.startswith("square:") and not receipts.owned and not receipts.read_only
    points = found["Points balance"]  # another application's, readable only
    assert points.type is CustomFieldType.NUMBER and points.read_only and not points.owned
    assert points.visibility == "VISIBILITY_READ_ONLY" and points.version == 1


async def test_definitions_are_read_to_the_last_page(square: SquareProvider, checked: CheckedSquare) -> None:
    for n in range(105):
        await square.create_custom_field_definition(_definition(CustomFieldType.STRING, f"k{n:03d}"),
                                                    idempotency_key=f"make-{n}")
    checked.exchanges.clear()
    found = await square.custom_field_definitions()
    assert len([d for d in found if d.key.startswith("k")]) == 105
    lists = [r for r, _ in checked.exchanges if r.method == "GET"]
    assert len(lists) == 2 and lists[0].url.params["limit"] == "100" and "cursor" in lists[1].url.params


@pytest.mark.parametrize("kind", TYPES)
async def test_every_type_round_trips_definition_and_value(square: SquareProvider, kind: CustomFieldType) -> None:
    options = (SelectionOption(uid="", name="Tea"), SelectionOption(uid="", name="Coffee"))
    made = await square.create_custom_field_definition(
        _definition(kind, options=options if kind is CustomFieldType.SELECTION else (),
                    max_selections=2 if kind is CustomFieldType.SELECTION else None),
        idempotency_key=f"def-{kind.value}")
    assert (made.type, made.owned, made.read_only, made.version) == (kind, True, False, 1)
    assert made.visibility == "VISIBILITY_READ_WRITE_VALUES" and made.description == made.name
    value = tuple(o.uid for o in made.options) if kind is CustomFieldType.SELECTION else SAMPLES[kind]
    if kind is CustomFieldType.SELECTION:
        assert [o.name for o in made.options] == ["Tea", "Coffee"] and all(o.uid for o in made.options)
    customer = await _customer(square)
    stored = await square.set_custom_field_value(customer, CustomFieldValue(key=made.key, value=value),
                                                 idempotency_key=f"val-{kind.value}")
    assert stored == CustomFieldValue(key=made.key, value=value, version=1)
    read = {v.key: v for v in await square.custom_field_values(customer.id)}
    assert read[made.key] == stored


async def test_a_number_sent_as_a_json_number_reads_as_a_decimal_string(square: SquareProvider,
                                                                       emulator: SquareEmulator) -> None:
    customer = await _customer(square)
    key = next(k for k, d in emulator._definitions.items() if d["name"] == "Points balance")
    emulator._attribute_values.setdefault(customer.id, {})[key] = {
        "key": key, "value": 10.5, "version": 2, "updated_at": "2026-01-01T00:00:00.000Z",
        "created_at": "2026-01-01T00:00:00.000Z"}
    values = {v.key: v for v in await square.custom_field_values(customer.id)}
    assert values[key] == CustomFieldValue(key=key, value="10.5", version=2)


async def test_values_are_read_one_request_per_page_with_their_definitions(
        square: SquareProvider, checked: CheckedSquare, emulator: SquareEmulator) -> None:
    customer = await _customer(square)
    for n in range(120):
        await square.create_custom_field_definition(_definition(CustomFieldType.BOOLEAN, f"b{n:03d}"),
                                                    idempotency_key=f"mk-{n}")
    await square.set_custom_field_values([(customer.id, CustomFieldValue(key=f"b{n:03d}", value=n % 2 == 0))
                                          for n in range(120)], idempotency_key="job-1")
    checked.exchanges.clear()
    values = await square.custom_field_values(customer.id)
    assert {v.key: v.value for v in values if v.key.startswith("b")} == {f"b{n:03d}": n % 2 == 0 for n in range(120)}
    requests = [r for r, _ in checked.exchanges]
    assert len(requests) == 2
    assert all(r.url.params["limit"] == "100" and r.url.params["with_definitions"] == "true" for r in requests)


async def test_stale_value_is_a_conflict_like_a_stale_profile(square: SquareProvider) -> None:
    customer = await _customer(square)
    first = await square.set_custom_field_value(customer, CustomFieldValue(key="account-manager", value="Tom Becker"),
                                                idempotency_key="a1")
    second = await square.set_custom_field_value(customer, first.model_copy(update={"value": "Ana Souza"}),
                                                 idempotency_key="a2")
    assert second.version == first.version + 1
    with pytest.raises(e.StaleVersionError) as stale:
        await square.set_custom_field_value(customer, first.model_copy(update={"value": "Kenji Sato"}),
                                            idempotency_key="a3")
    assert isinstance(stale.value, e.ConflictError) and "account-manager" in stale.value.message
    assert {v.key: v.value for v in await square.custom_field_values(customer.id)}["account-manager"] == "Ana Souza"


async def test_an_invalid_value_names_its_column(square: SquareProvider) -> None:
    customer = await _customer(square)
    with pytest.raises(e.InvalidInputError) as bad:
        await square.set_custom_field_value(customer, CustomFieldValue(key="tax-exempt-until", value="next year"),
                                            idempotency_key="d1")
    assert set(bad.value.field_errors) == {"custom.tax-exempt-until"}


async def test_read_only_value_refused_with_a_readable_reason(square: SquareProvider) -> None:
    customer = await _customer(square)
    points = next(d for d in await square.custom_field_definitions() if d.name == "Points balance")
    with pytest.raises(e.PermissionDeniedError) as refused:
        await square.set_custom_field_value(customer, CustomFieldValue(key=points.key, value="5"),
                                            idempotency_key="p1")
    assert "only read" in refused.value.message


async def test_seller_field_values_are_writable_but_its_definition_is_not(square: SquareProvider) -> None:
    customer = await _customer(square)
    receipts = next(d for d in await square.custom_field_definitions() if d.name == "Prefers paper receipts")
    stored = await square.set_custom_field_value(customer, CustomFieldValue(key=receipts.key, value=False),
                                                 idempotency_key="r1")
    assert stored.value is False
    with pytest.raises(e.PermissionDeniedError):
        await square.update_custom_field_definition(receipts.model_copy(update={"name": "Paper"}),
                                                    idempotency_key="r2")
    with pytest.raises(e.PermissionDeniedError):
        await square.delete_custom_field_definition(receipts.key)


async def test_update_definition_renames_keeps_and_adds_options(square: SquareProvider) -> None:
    tier = next(d for d in await square.custom_field_definitions() if d.key == "loyalty-tier")
    customer = await _customer(square)
    gold = tier.options[2]
    await square.set_custom_field_value(customer, CustomFieldValue(key=tier.key, value=(gold.uid,)),
                                        idempotency_key="t1")
    renamed = (*tier.options[:2], gold.model_copy(update={"name": "Gold+"}), SelectionOption(uid="", name="VIP"))
    updated = await square.update_custom_field_definition(
        tier.model_copy(update={"options": renamed, "name": "Tier", "max_selections": 2}), idempotency_key="t2")
    assert [o.name for o in updated.options] == ["Bronze", "Silver", "Gold+", "VIP"]
    assert updated.options[2].uid == gold.uid and updated.options[3].uid not in {o.uid for o in tier.options}
    assert (updated.name, updated.max_selections, updated.version) == ("Tier", 2, tier.version + 1)
    with pytest.raises(e.StaleVersionError):
        await square.update_custom_field_definition(tier.model_copy(update={"name": "Old"}), idempotency_key="t3")
    assert {v.key: v.value for v in await square.custom_field_values(customer.id)}[tier.key] == (gold.uid,)


async def test_create_twice_is_one_definition_and_a_taken_key_is_a_duplicate(square: SquareProvider) -> None:
    drink = CustomFieldDefinition(key="favourite-drink", name="Favourite drink", type=CustomFieldType.SELECTION,
                                  options=(SelectionOption(uid="", name="Tea"),), max_selections=1)
    first = await square.create_custom_field_definition(drink, idempotency_key="same")
    again = await square.create_custom_field_definition(drink, idempotency_key="same")
    assert first == again
    with pytest.raises(e.DuplicateError):
        await square.create_custom_field_definition(drink, idempotency_key="other")
    with pytest.raises(e.InvalidInputError) as bad:
        await square.create_custom_field_definition(drink.model_copy(update={"key": "has space"}),
                                                    idempotency_key="bad-key")
    assert set(bad.value.field_errors) == {"key"}


async def test_delete_definition_removes_its_values(square: SquareProvider) -> None:
    customer = await _customer(square)
    await square.set_custom_field_value(customer, CustomFieldValue(key="account-manager", value="Tom"),
                                        idempotency_key="m1")
    await square.delete_custom_field_definition("account-manager")
    await square.delete_custom_field_definition("account-manager")  # already gone: nothing to do
    assert "account-manager" not in {d.key for d in await square.custom_field_definitions()}
    assert "account-manager" not in {v.key for v in await square.custom_field_values(customer.id)}


async def test_delete_value(square: SquareProvider) -> None:
    customer = await _customer(square)
    await square.set_custom_field_value(customer, CustomFieldValue(key="account-manager", value="Tom"),
                                        idempotency_key="m1")
    await square.delete_custom_field_value(customer, "account-manager")
    assert "account-manager" not in {v.key for v in await square.custom_field_values(customer.id)}
    await square.delete_custom_field_value(customer, "account-manager")  # no value: nothing to do


async def test_bulk_upsert_chunks_by_25_and_answers_per_pair(square: SquareProvider, checked: CheckedSquare,
                                                             emulator: SquareEmulator) -> None:
    ids = emulator.customer_ids()[:27]
    pairs = [(cid, CustomFieldValue(key="account-manager", value=f"M{n}")) for n, cid in enumerate(ids)]
    pairs.append((ids[0], CustomFieldValue(key="tax-exempt-until", value="someday")))
    pairs.append(("NOSUCHCUSTOMER", CustomFieldValue(key="account-manager", value="x")))
    checked.exchanges.clear()
    outcome = await square.set_custom_field_values(pairs, idempotency_key="job-7")
    bulk = [json.loads(r.content) for r, _ in checked.exchanges]
    assert [len(body["values"]) for body in bulk] == [25, 4]
    assert all(len(entry["idempotency_key"]) <= 45 for body in bulk for entry in body["values"].values())
    assert [k for k, v in outcome.items() if v is None] == [f"{cid}/account-manager" for cid in ids]
    assert isinstance(outcome[f"{ids[0]}/tax-exempt-until"], e.InvalidInputError)
    assert isinstance(outcome["NOSUCHCUSTOMER/account-manager"], e.NotFoundError)
    # The same job again (a resumed job): the entries' idempotency keys return the first answers.
    again = await square.set_custom_field_values(pairs, idempotency_key="job-7")
    assert {k: v is None for k, v in again.items()} == {k: v is None for k, v in outcome.items()}
    value = {v.key: v for v in await square.custom_field_values(ids[1])}["account-manager"]
    assert value.version == 1


# -- mapping, from the spec's own examples -----------------------------------------------------------


def _example(schema: str) -> Any:
    return square_spec().doc["components"]["schemas"][schema]["example"]


def test_mapping_of_the_specs_definition_example() -> None:
    wire = _example("CreateCustomerCustomAttributeDefinitionResponse")["custom_attribute_definition"]
    assert definition_from_wire(wire) == CustomFieldDefinition(
        key="favoritemovie", name="Favorite Movie", type=CustomFieldType.STRING,
        description="The favorite movie of the customer.", owned=True, read_only=False,
        visibility="VISIBILITY_HIDDEN", version=1)


def test_mapping_of_the_specs_value_examples() -> None:
    listed = _example("ListCustomerCustomAttributesResponse")["custom_attributes"]
    assert [value_from_wire(v, "v") for v in listed] == [CustomFieldValue(key="favoritemovie", value="Dune", version=1),
                                                         CustomFieldValue(key="ownsmovie", value=False, version=1)]
    bulk = _example("BulkUpsertCustomerCustomAttributesResponse")["values"]["id4"]["custom_attribute"]
    assert value_from_wire(bulk, "v") == CustomFieldValue(key="square:a0f1505a-2aa1-490d-91a8-8d31ff181808",
                                                          value="10.5", version=1)


@pytest.mark.parametrize(("wire", "expected"), [
    ({"key": "sq0idp-A:pts", "schema": {"$ref": f"{COMMON_SCHEMA}Number"}, "visibility": "VISIBILITY_READ_ONLY"},
     {"owned": False, "read_only": True, "type": CustomFieldType.NUMBER, "name": "sq0idp-A:pts"}),
    ({"key": "square:1", "schema": {"$ref": f"{COMMON_SCHEMA}PhoneNumber"}, "visibility": READ_WRITE},
     {"owned": False, "read_only": False, "type": CustomFieldType.PHONE}),
    ({"key": "mine", "schema": {"$ref": f"{COMMON_SCHEMA}Address"}, "visibility": "VISIBILITY_READ_ONLY"},
     {"owned": True, "read_only": False, "type": CustomFieldType.ADDRESS}),
])
def test_owner_and_visibility_decide_what_may_be_changed(wire: dict[str, Any], expected: dict[str, Any]) -> None:
    definition = definition_from_wire(wire)
    assert definition is not None
    assert {name: getattr(definition, name) for name in expected} == expected


def test_a_type_this_console_does_not_know_is_left_out() -> None:
    assert definition_from_wire({"key": "m", "schema": {"$ref": f"{COMMON_SCHEMA}Money"}}) is None
    money = {"key": "m", "value": {"amount": 1},
             "definition": {"key": "m", "schema": {"$ref": f"{COMMON_SCHEMA}Money"}}}
    assert value_from_wire(money, "v") is None


@pytest.mark.parametrize("wire", [
    {"key": "s", "schema": {"$schema": SELECTION_META_SCHEMA, "items": {"names": ["A", "B"], "enum": ["1"]}}},
    {"key": "s", "schema": {"$schema": SELECTION_META_SCHEMA, "items": {"names": ["A"], "enum": ["1"]},
                            "maxItems": "2"}},
    {"key": 7, "schema": {"$ref": f"{COMMON_SCHEMA}String"}},
])
def test_an_unreadable_definition_is_a_protocol_error_naming_the_field(wire: dict[str, Any]) -> None:
    with pytest.raises(e.ProtocolError) as bad:
        definition_from_wire(wire, "custom_attribute_definitions.3")
    assert bad.value.field is not None and bad.value.field.startswith("custom_attribute_definitions.3.")


def test_a_value_that_does_not_fit_its_type_is_a_protocol_error() -> None:
    wire = {"key": "b", "value": "yes", "definition": {"key": "b", "schema": {"$ref": f"{COMMON_SCHEMA}Boolean"}}}
    with pytest.raises(e.ProtocolError) as bad:
        value_from_wire(wire, "custom_attributes.0")
    assert bad.value.field == "custom_attributes.0.value"


def test_values_to_wire() -> None:
    assert value_to_wire(Address(line1="1 Main St", city="Leeds", country="GB")) == {
        "address_line_1": "1 Main St", "locality": "Leeds", "country": "GB"}
    assert value_to_wire(("u1", "u2")) == ["u1", "u2"]
    assert value_to_wire(10.5) == "10.5" and value_to_wire(False) is False and value_to_wire("x") == "x"


def test_a_key_square_would_refuse_is_refused_before_sending() -> None:
    with pytest.raises(e.InvalidInputError) as bad:
        definition_body(_definition(CustomFieldType.STRING, "Favourite drink"), creating=True)
    assert set(bad.value.field_errors) == {"key"}


# -- retries ------------------------------------------------------------------------------------------


async def test_a_lost_answer_is_retried_once_in_effect(emulator: SquareEmulator) -> None:
    async def no_wait(_: float) -> None:
        return None

    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        square = SquareProvider(ProviderConfig(base_url=emulator.base_url, credentials={"token": "t"}), http)
        square.http.policy = RetryPolicy(attempts=2)
        square.http._sleep = no_wait
        customer = await _customer(square)
        emulator.fail_next("drop", applied_first=True)
        stored = await square.set_custom_field_value(customer, CustomFieldValue(key="account-manager", value="Tom"),
                                                     idempotency_key="lost-1")
        emulator.fail_next("drop", applied_first=True)
        made = await square.create_custom_field_definition(_definition(CustomFieldType.DATE, "renewal"),
                                                           idempotency_key="lost-2")
    assert stored.version == 1 and made.version == 1  # applied once, answered from the idempotency key
    posts = [r.path for r in emulator.requests if r.method == "POST"]
    assert posts.count(f"/v2/customers/{customer.id}/custom-attributes/account-manager") == 2
    assert posts.count("/v2/customers/custom-attribute-definitions") == 2


async def test_a_stale_entry_of_a_bulk_upsert_is_a_stale_version(square: SquareProvider,
                                                                  emulator: SquareEmulator) -> None:
    customer = await _customer(square)
    first = await square.set_custom_field_value(customer, CustomFieldValue(key="account-manager", value="Tom"),
                                                idempotency_key="s1")
    await square.set_custom_field_value(customer, first.model_copy(update={"value": "Ana"}), idempotency_key="s2")
    outcome = await square.set_custom_field_values([(customer.id, first.model_copy(update={"value": "Ken"}))],
                                                   idempotency_key="s3")
    assert isinstance(outcome[f"{customer.id}/account-manager"], e.StaleVersionError)


async def test_holders_of_a_field_are_counted_in_one_request(square: SquareProvider, checked: CheckedSquare,
                                                             emulator: SquareEmulator) -> None:
    listed = set(emulator.customer_ids())
    holders = {cid for cid, values in emulator._attribute_values.items() if "loyalty-tier" in values} & listed
    checked.exchanges.clear()
    assert await square.custom_field_holders("loyalty-tier") == len(holders) > 0
    assert len(checked.exchanges) == 1
    await square.create_custom_field_definition(_definition(CustomFieldType.BOOLEAN, "unused"), idempotency_key="u")
    assert await square.custom_field_holders("unused") == 0


def test_a_garbled_definition_sent_with_a_value_is_a_protocol_error() -> None:
    with pytest.raises(e.ProtocolError) as bad:
        value_from_wire({"key": "k", "value": "x", "definition": {"key": "k", "schema": ["String"]}},
                        "custom_attributes.2")
    assert bad.value.field == "custom_attributes.2.definition.schema"
