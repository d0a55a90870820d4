"""Clearing a field clears it: for every provider, every clearable field and every editable record kind.

Each case sets a field, clears it the way the dialog does (a blank value), and reads the customer
back from the emulator: the value must be gone. "Saved" over unchanged data is the bug this holds off.
Fields a provider cannot clear are declared `clearable=False` and refused (tests/services/test_customer_service.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from console.domain import errors as e
from console.domain.capabilities import Capabilities, FieldKind, FieldSpec
from console.domain.changes import CustomerChanges, same_value
from console.domain.validation import check_value
from console.providers.base import CustomerProvider
from console.providers.registry import provider
from console.sandbox.registry import emulator_keys
from tests.providers.test_conformance import CASES
from tests.providers.test_length_boundaries import _client
from tests.support.boundaries import valid_value


def _clearable(spec: FieldSpec) -> bool:
    # A yes/no or a choice is changed, never blanked, in the dialog.
    return (spec.editable and spec.clearable and not spec.required and not spec.create_only
            and spec.kind not in (FieldKind.BOOL, FieldKind.CHOICE))


# Clears the provider refuses with an error the dialog shows (nothing is claimed as saved).
REFUSED = {("digital-river", "address.country")}


def _field_cases() -> list[tuple[str, str]]:
    return [(key, spec.key) for key in emulator_keys() for spec in provider(key).capabilities.fields
            if _clearable(spec)]


def _item_cases() -> list[tuple[str, str, str]]:
    return [(key, c.kind, spec.key) for key in emulator_keys() for c in provider(key).capabilities.collections
            if c.can_add and c.can_edit for spec in c.fields if _clearable(spec)]


def _value(caps: Capabilities, spec: FieldSpec) -> Any:
    if spec.kind is FieldKind.KEY_VALUE:
        return {"k": "v"}
    if spec.kind is FieldKind.DATE:
        return "1990-04-12"
    if spec.kind is FieldKind.PHONE:
        return "2065550123"
    if spec.key.endswith("country"):
        return "US"
    if spec.placeholder and check_value(spec, spec.placeholder) is None:
        return spec.placeholder
    return valid_value(spec)


def _siblings(caps: Capabilities, key: str) -> dict[str, Any]:
    """Values for the fields sent together with `key` (an address is sent whole)."""
    group = key.rpartition(".")[0]
    return {spec.key: _value(caps, spec) for spec in caps.fields
            if group and spec.key.startswith(group + ".") and spec.key != key and spec.editable}


async def _customer(client: CustomerProvider, values: dict[str, Any]) -> Any:
    return await client.create(CustomerChanges(values=values), idempotency_key="clearing")


@pytest.mark.parametrize(("key", "field"), _field_cases(), ids=lambda v: str(v))
async def test_a_cleared_field_is_gone_when_read_back(key: str, field: str) -> None:
    client: CustomerProvider
    async for client in _client(key):
        caps = client.capabilities
        spec = caps.field(field)
        value = _value(caps, spec)
        customer = await _customer(client, CASES[key].create | _siblings(caps, field) | {field: value})
        assert not same_value(customer.value(field), None), f"{field} was not set to begin with"
        try:
            await client.update(customer, CustomerChanges(values={field: ""}, cleared=frozenset({field})))
        except e.InvalidInputError:
            # Refused (e.g. a country while the rest of the address stays): said, and nothing changed.
            assert same_value((await client.get(customer.id)).value(field), value)
            assert (key, field) in REFUSED, f"{key} refused clearing {field}; declare it clearable=False?"
            return
        assert same_value((await client.get(customer.id)).value(field), None), f"{key} kept {field}"


@pytest.mark.parametrize(("key", "kind", "field"), _item_cases(), ids=lambda v: str(v))
async def test_a_cleared_field_of_a_record_is_gone_when_read_back(key: str, kind: str, field: str) -> None:
    client: CustomerProvider
    async for client in _client(key):
        caps = client.capabilities
        collection = caps.collection(kind)
        values = {spec.key: _value(caps, spec) for spec in collection.fields if spec.required}
        values[field] = _value(caps, collection.fields[[s.key for s in collection.fields].index(field)])
        customer = await _customer(client, CASES[key].create)
        customer = await client.add_item(customer, kind, values)
        (item,) = getattr(customer, kind)[-1:]
        assert getattr(item, field), f"{field} was not set to begin with"
        edited = {**values, field: ""}
        customer = await client.update_item(customer, kind, item.id, edited)
        after = next(i for i in getattr(await client.get(customer.id), kind) if i.id == item.id)
        assert not getattr(after, field), f"{key} kept {kind}.{field}"


def test_every_provider_with_records_is_covered() -> None:
    assert {k for k, _, _ in _item_cases()} >= {"clover", "authorize-net"}
