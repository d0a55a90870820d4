"""Digital River client and emulator at the wire: every request the client sends and every answer the
emulator gives is validated against Digital River's OpenAPI file while the client works."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.query import CustomerQuery, TextMatch
from console.providers.base import ProviderConfig
from console.providers.digital_river import DigitalRiverProvider, environment_of_key
from console.providers.registry import provider
from console.sandbox.digital_river import DigitalRiverEmulator
from tests.support.openapi import OpenApiSpec, digital_river_spec

_ONE = re.compile(r"^/customers/[^/]+$")


class Validating:
    """Forwards to the emulator and checks both directions against the spec."""

    def __init__(self, emulator: DigitalRiverEmulator, spec: OpenApiSpec) -> None:
        self.emulator = emulator
        self.spec = spec
        self.checked = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        if request.content:
            body = json.loads(request.content)
            if method == "POST" and path == "/customers":
                self.spec.validate("CustomerRequest", body)
            elif method == "POST" and _ONE.match(path):
                self.spec.validate("UpdateCustomerRequest", body)
        response = self.emulator.handle(request)
        if response.status_code >= 400:
            self.spec.validate("Errors", response.json())
        elif path == "/customers" and method == "GET":
            answer = response.json()
            assert set(answer) == {"hasMore", "data"} and isinstance(answer["hasMore"], bool)
            assert len(answer["data"]) <= 100
            for item in answer["data"]:
                self.spec.validate("Customer", item)
        elif _ONE.match(path) and method in ("GET", "POST"):
            self.spec.validate("Customer", response.json())
        elif method == "DELETE" and _ONE.match(path):
            assert response.status_code == 204 and response.content == b""
        self.checked += 1
        return response


@pytest.fixture
def emulator() -> DigitalRiverEmulator:
    return DigitalRiverEmulator(seed=5, customers=230)


@pytest.fixture
async def validating(emulator: DigitalRiverEmulator) -> AsyncIterator[tuple[DigitalRiverProvider, Validating]]:
    check = Validating(emulator, digital_river_spec())
    info = emulator.connection_info(emulator.base_url)
    async with httpx.AsyncClient(transport=httpx.MockTransport(check)) as http:
        yield DigitalRiverProvider(ProviderConfig(base_url=info["base_url"],
                                                  credentials={"secret_key": info["secret_key"]}), http), check


def test_the_key_prefix_decides_the_environment() -> None:
    assert environment_of_key({"secret_key": "sk_test_abc"}) == "sandbox"
    assert environment_of_key({"secret_key": "sk_abc"}) == "production"
    assert provider("digital-river").environment_from_credentials is environment_of_key


async def test_pages_newest_first_with_cursor_to_the_end(validating: Any, emulator: DigitalRiverEmulator) -> None:
    client, check = validating
    pages = [p async for p in client.iter_pages()]
    assert [len(p.customers) for p in pages] == [100, 100, 30]
    created = [c.created_at for p in pages for c in p.customers]
    assert created == sorted(created, reverse=True)
    cursors = [r.params.get("startingAfter") for r in emulator.requests]
    assert cursors == [None, pages[0].customers[-1].id, pages[1].customers[-1].id]
    assert all(r.params["limit"] == "100" for r in emulator.requests)
    assert check.checked == 3


async def test_default_page_is_ten_and_limits_are_checked(emulator: DigitalRiverEmulator) -> None:
    key = emulator.connection_info(emulator.base_url)["secret_key"]
    async with httpx.AsyncClient(transport=emulator.transport(), base_url=emulator.base_url,
                                 headers={"Authorization": f"Bearer {key}"}) as http:
        assert len((await http.get("/customers")).json()["data"]) == 10
        too_many = await http.get("/customers", params={"limit": 101})
        assert too_many.status_code == 400 and too_many.json()["errors"][0]["parameter"] == "limit"
        digital_river_spec().validate("Errors", too_many.json())
        first = (await http.get("/customers", params={"limit": 3})).json()["data"]
        back = (await http.get("/customers", params={"limit": 2, "endingBefore": first[2]["id"],
                                                       "startingAfter": first[0]["id"]})).json()["data"]
        assert [c["id"] for c in back] == [first[0]["id"], first[1]["id"]]  # endingBefore wins


async def test_create_update_delete_and_errors(validating: Any, emulator: DigitalRiverEmulator) -> None:
    client, _ = validating
    values = {"given_name": "Ada Lovelace", "email": "ada@example.com", "phone": "952-555-0100",
              "address.line1": "1 Main St", "address.city": "Minnetonka", "address.country": "US",
              "type": "individual", "locale": "en_US", "metadata": {"crmId": "A-17"}}
    created = await client.create(CustomerChanges(values=values), idempotency_key="k1")
    assert created.id == "cc-k1"
    assert created.value("metadata") == {"crmId": "A-17"} and created.value("enabled") is True
    # A second create with the same key (its first answer lost) finds the first, not a twin.
    again = await client.create(CustomerChanges(values=values), idempotency_key="k1")
    assert again.id == created.id and len([c for c in emulator.requests if c.method == "POST"]) == 2
    with pytest.raises(e.DuplicateError) as duplicate:
        await client.create(CustomerChanges(values={**values, "email": "other@example.com"}), idempotency_key="k1")
    assert duplicate.value.existing_id == "cc-k1"
    with pytest.raises(e.InvalidInputError) as too_long:
        await client.create(CustomerChanges(values={"id": "x" * 41, "email": "a@example.com"}),
                            idempotency_key="k2")
    assert "id" in too_long.value.field_errors
    updated = await client.update(created, CustomerChanges(values={"company": "Engines Ltd", "enabled": False}))
    assert updated.company == "Engines Ltd" and updated.value("status") == "Disabled"
    assert updated.value("address.city") == "Minnetonka"  # shipping is sent whole
    forgotten = await client.update(updated, CustomerChanges(values={"request_to_be_forgotten": True}))
    assert forgotten.value("status") == "Erasure requested"
    assert [c.id for c in await client.forgotten()] .count(created.id) == 1
    found = await client.search(CustomerQuery(email=TextMatch(value="ada@example.com", exact=True)))
    assert [c.id for c in found] == [created.id]
    await client.delete(forgotten)
    with pytest.raises(e.NotFoundError):
        await client.get(created.id)


async def test_request_to_be_forgotten_is_update_only_and_one_way(emulator: DigitalRiverEmulator) -> None:
    key = emulator.connection_info(emulator.base_url)["secret_key"]
    async with httpx.AsyncClient(transport=emulator.transport(), base_url=emulator.base_url,
                                 headers={"Authorization": f"Bearer {key}"}) as http:
        refused = await http.post("/customers", json={"email": "a@example.com", "requestToBeForgotten": True})
        assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "unknown_parameter"
        made = (await http.post("/customers", json={"email": "a@example.com"})).json()
        assert made["liveMode"] is False
        await http.post(f"/customers/{made['id']}", json={"requestToBeForgotten": True})
        back = await http.post(f"/customers/{made['id']}", json={"requestToBeForgotten": False})
        assert back.status_code == 400 and back.json()["errors"][0]["code"] == "restricted_update"


async def test_tax_identifiers_and_default_source(validating: Any, emulator: DigitalRiverEmulator) -> None:
    client, _ = validating
    created = await client.create(CustomerChanges(values={"email": "vat@example.com", "company": "Acme GmbH",
                                                          "address.country": "DE"}), idempotency_key="vat")
    with_tax = await client.add_item(created, "tax_ids", {"type": "de", "value": "DE123456789"})
    (tax,) = with_tax.tax_ids
    assert (tax.type, tax.value, tax.state) == ("de", "DE123456789", "pending")
    without = await client.delete_item(with_tax, "tax_ids", str(tax.id))
    assert without.tax_ids == ()
    source_id = emulator.attach_source(created.id)
    chosen = await client.set_default_item(await client.get(created.id), "payment_methods", source_id)
    (source,) = chosen.payment_methods
    assert source.is_default and source.masked().startswith(source.brand or "") and "••••" in source.masked()
