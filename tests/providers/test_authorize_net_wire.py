"""Authorize.net client at the wire, against the CIM emulator, with every request the client sends (as the
XML the server validates) and every emulator answer in XML checked against AnetApiSchema.xsd."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.query import CustomerQuery, TextMatch
from console.providers.authorize_net import AuthorizeNetProvider, customer_from_wire, error_from_messages
from console.providers.authorize_net.client import PAGE_GATHER_S
from console.providers.base import ProviderConfig
from console.providers.http import RetryPolicy, decode_json
from console.sandbox.authorize_net import AuthorizeNetEmulator
from tests.support.anet_xml import json_to_xml, validate_xml
from tests.support.qt import until


class Checked:
    """Validates each request as XML against the schema and forwards it; a twin emulator (same seed, so
    the same data and ids) is asked the same question in XML so that its XML answer is validated too."""

    def __init__(self, emulator: AuthorizeNetEmulator) -> None:
        self.emulator = emulator
        self.twin = AuthorizeNetEmulator(seed=emulator.seed, customers=emulator.customer_count)
        self.operations: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        xml = json_to_xml(body)
        validate_xml(xml)
        self.operations.append(next(iter(body)))
        as_xml = self.twin.handle(httpx.Request("POST", request.url, content=xml.encode(),
                                                headers={"content-type": "text/xml"}))
        assert as_xml.content.startswith(b"\xef\xbb\xbf")
        validate_xml(as_xml.content)
        return self.emulator.handle(request)


def _client(emulator: AuthorizeNetEmulator, transport: httpx.AsyncBaseTransport, **options: str) -> Any:
    info = emulator.connection_info(emulator.base_url)
    http = httpx.AsyncClient(transport=transport)
    client = AuthorizeNetProvider(ProviderConfig(base_url=info["base_url"], options=options, credentials={
        "login_id": info["login_id"], "transaction_key": info["transaction_key"]}), http)
    client.http.policy = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.002)
    return client, http


@pytest.fixture
def emulator() -> AuthorizeNetEmulator:
    return AuthorizeNetEmulator(seed=6, customers=40)


@pytest.fixture
async def checked(emulator: AuthorizeNetEmulator) -> AsyncIterator[tuple[AuthorizeNetProvider, Checked]]:
    check = Checked(emulator)
    client, http = _client(emulator, httpx.MockTransport(check))
    async with http:
        yield client, check


async def test_every_operation_speaks_the_schema(checked: Any, emulator: AuthorizeNetEmulator) -> None:
    client, check = checked
    await client.test_connection()
    loaded = [c async for page in client.iter_pages() for c in page.customers]
    assert len(loaded) == 40
    someone = next(c for c in loaded if c.shipping_addresses and len(c.payment_methods) > 1)
    assert [c.id for c in await client.search(CustomerQuery(email=TextMatch(value=str(someone.email),
                                                                             exact=True)))] == [someone.id]
    assert [c.id for c in await client.search(CustomerQuery(reference_id=TextMatch(value=str(someone.reference_id),
                                                                                    exact=True)))] == [someone.id]
    created = await client.create(CustomerChanges(values={"description": "Ada Lovelace", "email": "ada@example.com",
                                                          "reference_id": "CRM-1"}), idempotency_key="k")
    updated = await client.update(created, CustomerChanges(values={"description": "Ada King"}))
    assert (updated.value("description"), updated.email, updated.reference_id) == ("Ada King", "ada@example.com",
                                                                                    "CRM-1")
    with_address = await client.add_item(updated, "shipping_addresses", {
        "first_name": "Ada", "last_name": "King", "line1": "12 St James's Square", "city": "London",
        "postal_code": "SW1Y 4JH", "country": "GB"})
    (address,) = with_address.shipping_addresses
    moved = await client.update_item(with_address, "shipping_addresses", str(address.id),
                                     {"first_name": "Ada", "last_name": "King", "line1": "1 Ockham Park",
                                      "city": "Ockham", "country": "GB"})
    assert moved.shipping_addresses[0].line1 == "1 Ockham Park"
    await client.set_default_item(moved, "shipping_addresses", str(address.id))
    second = someone.payment_methods[1]
    chosen = await client.set_default_item(someone, "payment_methods", second.id)
    assert [m.id for m in chosen.payment_methods if m.is_default] == [second.id]
    assert next(m for m in chosen.payment_methods if m.id == second.id).last4 == second.last4  # card kept
    fewer = await client.delete_item(chosen, "payment_methods", second.id)
    assert second.id not in [m.id for m in fewer.payment_methods]
    removed = await client.delete_item(moved, "shipping_addresses", str(address.id))
    assert removed.shipping_addresses == ()
    from_transaction = await client.create_from(emulator.transaction_ids()[0], idempotency_key="t")
    assert from_transaction.payment_methods and from_transaction.payment_methods[0].masked().endswith("1111")
    await client.delete(created)
    with pytest.raises(e.NotFoundError):
        await client.get(created.id)
    assert set(check.operations) >= {
        "authenticateTestRequest", "getCustomerProfileIdsRequest", "getCustomerProfileRequest",
        "createCustomerProfileRequest", "updateCustomerProfileRequest", "deleteCustomerProfileRequest",
        "createCustomerShippingAddressRequest", "updateCustomerShippingAddressRequest",
        "deleteCustomerShippingAddressRequest", "getCustomerPaymentProfileRequest",
        "updateCustomerPaymentProfileRequest", "deleteCustomerPaymentProfileRequest",
        "createCustomerProfileFromTransactionRequest"}


def test_the_byte_order_mark_is_read() -> None:
    response = httpx.Response(200, content=b'\xef\xbb\xbf{"messages":{"resultCode":"Ok","message":[]}}')
    assert decode_json(response.content) == {"messages": {"resultCode": "Ok", "message": []}}


async def test_misordered_elements_are_refused_by_the_emulator(emulator: AuthorizeNetEmulator) -> None:
    info = emulator.connection_info(emulator.base_url)
    misordered = {"updateCustomerProfileRequest": {
        "merchantAuthentication": {"name": info["login_id"], "transactionKey": info["transaction_key"]},
        "profile": {"customerProfileId": "1", "description": "Wrong order"}}}
    answer = emulator.handle(httpx.Request("POST", info["base_url"], json=misordered))
    assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
    body = json.loads(answer.content.decode("utf-8-sig"))
    assert body["messages"]["resultCode"] == "Error"
    (message,) = body["messages"]["message"]
    assert message["code"] == "E00003"
    assert "has invalid child element 'description'" in message["text"]


async def test_duplicate_profile_names_the_existing_one(checked: Any) -> None:
    client, _ = checked
    values = {"description": "Grace Hopper", "email": "grace@example.com", "reference_id": "NAVY-1"}
    first = await client.create(CustomerChanges(values=values), idempotency_key="a")
    with pytest.raises(e.DuplicateError) as duplicate:
        await client.create(CustomerChanges(values=values), idempotency_key="b")
    assert duplicate.value.existing_id == first.id
    parsed = error_from_messages("E00039", "A duplicate record with ID 1220992516 already exists.")
    assert isinstance(parsed, e.DuplicateError) and parsed.existing_id == "1220992516"


async def test_loading_never_exceeds_the_concurrency_setting(emulator: AuthorizeNetEmulator) -> None:
    emulator.latency_ms = 15
    client, http = _client(emulator, emulator.transport(), concurrency="4")
    async with http:
        pages = [p async for p in client.iter_pages()]
    assert sum(len(p.customers) for p in pages) == 40
    assert len(pages) > 1  # the table fills as profiles arrive
    assert emulator.peak_in_flight == 4


async def test_after_the_first_profiles_a_page_is_what_arrived_within_the_gather_interval() -> None:
    """Profiles come a request each, milliseconds apart, and the window repaints its table for every page it
    takes in: the first rows come at once, then a page at most every PAGE_GATHER_S."""
    many = AuthorizeNetEmulator(seed=6, customers=300)
    many.latency_ms = 5
    client, http = _client(many, many.transport(), concurrency="10")
    loop = asyncio.get_running_loop()
    arrived: list[tuple[float, int]] = []
    async with http:
        started = loop.time()
        async for page in client.iter_pages():
            arrived.append((loop.time(), len(page.customers)))
    took = loop.time() - started
    assert sum(count for _, count in arrived) == 300
    assert arrived[0][1] < 300   # the first rows did not wait for the rest
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(arrived)]
    assert gaps and min(gaps) >= PAGE_GATHER_S * 0.9   # a timer may fire a little early
    assert len(arrived) <= took / PAGE_GATHER_S + 2


async def test_a_profile_that_keeps_failing_is_reported_and_the_rest_load(emulator: AuthorizeNetEmulator) -> None:
    broken = emulator.connection_info(emulator.base_url)
    victim = list(json.loads(emulator.handle(httpx.Request("POST", broken["base_url"], json={
        "getCustomerProfileIdsRequest": {"merchantAuthentication": {
            "name": broken["login_id"], "transactionKey": broken["transaction_key"]}}})).content.decode(
        "utf-8-sig"))["ids"])[7]

    def failing(request: httpx.Request) -> httpx.Response:
        if f'"customerProfileId":"{victim}"' in request.content.decode():
            return httpx.Response(503, content=b"busy")
        return emulator.handle(request)

    client, http = _client(emulator, httpx.MockTransport(failing))
    async with http:
        pages = [p async for p in client.iter_pages()]
    assert sum(len(p.customers) for p in pages) == 39
    (failure,) = [f for p in pages for f in p.failures]
    assert victim in failure.message


async def test_cancelling_a_load_stops_the_fetches(emulator: AuthorizeNetEmulator) -> None:
    emulator.latency_ms = 30
    client, http = _client(emulator, emulator.transport(), concurrency="2")
    first = asyncio.Event()

    async def consume() -> None:
        async for _page in client.iter_pages():
            first.set()

    async with http:
        task = asyncio.create_task(consume())
        await asyncio.wait_for(first.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await until(lambda: emulator.in_flight == 0, what="the fetches in flight to end")
        handled = emulator.request_count
    assert handled < 1 + 40  # the ids call and far fewer than every profile
    assert emulator.request_count == handled


def test_name_comes_from_description_or_bill_to() -> None:
    with_description = customer_from_wire({"customerProfileId": "1", "description": "Ada Lovelace"})
    assert with_description.display_name == "(1)" or with_description.value("description") == "Ada Lovelace"
    card_only = customer_from_wire({"customerProfileId": "2", "paymentProfiles": {
        "customerPaymentProfileId": "9", "defaultPaymentProfile": True,
        "billTo": {"firstName": "Grace", "lastName": "Hopper"},
        "payment": {"creditCard": {"cardNumber": "XXXX1111", "expirationDate": "2030-12", "cardType": "Visa"}}}})
    assert card_only.value("bill_to_name") == "Grace Hopper"
    (card,) = card_only.payment_methods
    assert (card.masked(), card.expiry(), card.is_default) == ("Visa •••• 1111", "12/30", True)


async def test_the_default_shipping_address_is_marked(checked: Any) -> None:
    client, check = checked
    loaded = [c async for page in client.iter_pages() for c in page.customers]
    # The listing reads each profile once and leaves the mark out (a request a profile saved).
    assert check.operations.count("getCustomerProfileRequest") == len(loaded)
    assert "getCustomerShippingAddressRequest" not in check.operations
    with_addresses = [c for c in loaded if c.shipping_addresses]
    assert with_addresses
    # Reading one customer marks it. The emulator's seed makes each profile's first address its default.
    for listed in with_addresses[:5]:
        customer = await client.get(listed.id)
        assert [a.is_default for a in customer.shipping_addresses] == [True] + [False] * (
            len(customer.shipping_addresses) - 1)
    created = await client.create(CustomerChanges(values={"description": "Ada Lovelace"}), idempotency_key="k")
    home = {"first_name": "Ada", "line1": "12 St James's Square", "city": "London", "country": "GB"}
    first = await client.add_item(created, "shipping_addresses", home)
    both = await client.add_item(first, "shipping_addresses", {**home, "line1": "1 Ockham Park"})
    assert [(a.line1, a.is_default) for a in both.shipping_addresses] == [
        ("12 St James's Square", True), ("1 Ockham Park", False)]
    chosen = await client.set_default_item(both, "shipping_addresses", str(both.shipping_addresses[1].id))
    assert [(a.line1, a.is_default) for a in chosen.shipping_addresses] == [
        ("12 St James's Square", False), ("1 Ockham Park", True)]
    assert [(a.line1, a.is_default) for a in (await client.get(created.id)).shipping_addresses] == [
        ("12 St James's Square", False), ("1 Ockham Park", True)]
    assert "getCustomerShippingAddressRequest" in check.operations


@pytest.mark.parametrize("content_type", ["text/xml", "application/json"])
def test_a_request_nested_too_deeply_is_refused_as_unreadable(emulator: AuthorizeNetEmulator,
                                                              content_type: str) -> None:
    info = emulator.connection_info(emulator.base_url)
    if content_type == "text/xml":
        content = (b'<getCustomerProfileRequest xmlns="AnetApi/xml/v1/schema/AnetApiSchema.xsd">'
                   + b"<a>" * 50_000 + b"</a>" * 50_000 + b"</getCustomerProfileRequest>")
    else:
        content = b'{"getCustomerProfileRequest":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    answer = emulator.handle(httpx.Request("POST", info["base_url"], content=content,
                                           headers={"content-type": content_type}))
    assert answer.status_code == 200  # a parse error in the envelope, not a server failure (500)
    assert b"E00003" in answer.content
