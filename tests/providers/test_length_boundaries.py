"""Every length rule at its bounds, in the dialog's validator and at the provider's emulator.

Generated from the providers' `FieldSpec`s (tests/support/boundaries.py): a value one short of a
minimum or one past a maximum is refused, and the bound itself is accepted, by the validator the
dialog runs and by the emulator the client talks to, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from console.domain import errors as e
from console.domain.capabilities import Capabilities
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.domain.validation import check_value
from console.providers.base import CustomerProvider, ProviderConfig
from console.providers.registry import provider
from console.sandbox.registry import emulator_class, emulator_keys
from tests.providers.test_conformance import CASES
from tests.support.boundaries import Bound, length_bounds, valid_value

BOUNDS = length_bounds()
EMULATED = [b for b in BOUNDS if b.provider in set(emulator_keys())]


def test_every_provider_has_length_rules_pinned() -> None:
    assert {b.provider for b in BOUNDS} >= {"square", "authorize-net", "clover", "payarc", "digital-river"}
    # The rule the issue names: PayArc's name is 3 to 50 letters.
    assert {(b.size, b.inside) for b in BOUNDS if b.provider == "payarc" and b.spec.key == "given_name"} == {
        (2, False), (3, True), (50, True), (51, False)}


@pytest.mark.parametrize("bound", BOUNDS, ids=lambda b: b.id)
def test_the_dialog_validator_holds_each_bound(bound: Bound) -> None:
    problem = check_value(bound.spec, bound.value())
    if bound.inside:
        assert problem is None, problem
    else:
        assert problem is not None


# -- the emulators ---------------------------------------------------------------------------------

async def _client(key: str) -> AsyncIterator[CustomerProvider]:
    info = provider(key)
    emulator = emulator_class(key)(seed=11, customers=1)
    connection = emulator.connection_info(emulator.base_url)
    base_url = connection.pop("base_url")
    connection.pop("provider", None)
    options = {o.key: connection[o.key] for o in info.options if o.key in connection}
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        yield info.client(ProviderConfig(base_url=base_url, credentials=connection, options=options), http)


def _siblings(caps: Capabilities, key: str) -> dict[str, Any]:
    """Valid values for the fields sent together with `key` (an address is sent whole)."""
    group = key.rpartition(".")[0]
    if not group:
        return {}
    return {spec.key: valid_value(spec) for spec in caps.fields
            if spec.key.startswith(group + ".") and spec.key != key and spec.editable}


async def _send(client: CustomerProvider, bound: Bound) -> Customer:
    caps = client.capabilities
    values = {bound.spec.key: bound.value()}
    if bound.collection is None:
        changes = CustomerChanges(values=CASES[bound.provider].create | _siblings(caps, bound.spec.key) | values)
        return await client.create(changes, idempotency_key=f"bound-{bound.id}")
    customer = await client.create(CustomerChanges(values=CASES[bound.provider].create), idempotency_key="base")
    fields = caps.collection(bound.collection).fields
    item = {spec.key: valid_value(spec) for spec in fields if spec.required} | values
    return await client.add_item(customer, bound.collection, item)


@pytest.mark.parametrize("bound", EMULATED, ids=lambda b: b.id)
async def test_the_emulator_holds_each_bound(bound: Bound) -> None:
    async for client in _client(bound.provider):
        if bound.inside:
            await _send(client, bound)
        else:
            with pytest.raises(e.InvalidInputError):
                await _send(client, bound)
