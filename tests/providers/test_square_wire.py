"""Square client at the wire: what it sends (checked against Square's OpenAPI) and how it reads answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import Address, Customer
from console.domain.query import CustomerQuery, GroupFilter, TextMatch, TimeRange
from console.providers.base import ProviderConfig
from console.providers.http import RetryPolicy
from console.providers.square import SQUARE_VERSION, SquareProvider, customer_from_wire
from console.sandbox.square import SquareEmulator
from tests.support.openapi import square_spec

BASE = "https://connect.squareupsandbox.com"
WIRE_CUSTOMER = {
    "id": "JDKYHBWT1D4F8MFH63DBMEN8Y4", "created_at": "2026-01-05T10:00:00.123Z",
    "updated_at": "2026-01-05T10:00:00Z", "given_name": "Ada", "family_name": "Lovelace",
    "email_address": "ada@example.com", "phone_number": "+44 20 7946 0000",
    "address": {"address_line_1": "12 Main St", "locality": "London", "postal_code": "N1 9GU", "country": "GB"},
    "birthday": "0000-12-10", "reference_id": "CRM-1001", "preferences": {"email_unsubscribed": False},
    "creation_source": "THIRD_PARTY", "group_ids": ["G1"], "version": 3, "nickname": "Countess",
}


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


@pytest.fixture
async def square() -> Any:
    async with httpx.AsyncClient() as client:
        yield SquareProvider(ProviderConfig(base_url=BASE, credentials={"token": "test-token"}), client)


def test_mapping_from_wire() -> None:
    square_spec().validate("Customer", WIRE_CUSTOMER)
    c = customer_from_wire(WIRE_CUSTOMER)
    assert (c.given_name, c.family_name, c.email, c.reference_id) == ("Ada", "Lovelace", "ada@example.com",
                                                                       "CRM-1001")
    assert c.address == Address(line1="12 Main St", city="London", postal_code="N1 9GU", country="GB")
    assert c.birthday == "12-10"  # Square's 0000 year means none was given
    assert c.version == "3" and c.group_ids == ("G1",)
    assert c.extra == {"nickname": "Countess", "creation_source": "THIRD_PARTY", "email_unsubscribed": False}
    assert c.created_at == datetime(2026, 1, 5, 10, 0, 0, 123000, tzinfo=UTC)


def test_unreadable_customer_names_the_field() -> None:
    with pytest.raises(e.ProtocolError) as err:
        customer_from_wire({"id": "X", "version": "three"})
    assert err.value.field == "customer.version" and err.value.provider == "Square"


@respx.mock
async def test_list_sends_auth_version_and_paging(square: SquareProvider) -> None:
    route = respx.get(f"{BASE}/v2/customers").mock(side_effect=[
        httpx.Response(200, json={"customers": [WIRE_CUSTOMER], "cursor": "c2", "count": 2}),
        httpx.Response(200, json={"customers": [{**WIRE_CUSTOMER, "id": "B"}]}),
    ])
    pages = [page async for page in square.iter_pages(page_size=1)]
    assert [c.id for p in pages for c in p.customers] == [WIRE_CUSTOMER["id"], "B"]
    assert pages[0].total == 2
    first, second = route.calls[0].request, route.calls[1].request
    assert first.headers["Authorization"] == "Bearer test-token"
    assert first.headers["Square-Version"] == SQUARE_VERSION
    assert dict(first.url.params) == {"limit": "1", "count": "true"}
    assert dict(second.url.params) == {"limit": "1", "cursor": "c2"}


async def test_the_next_page_is_asked_for_before_a_page_is_handed_over() -> None:
    emulator = SquareEmulator(customers=250)
    token = emulator.client_credentials()["token"]
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        square = SquareProvider(ProviderConfig(base_url=emulator.base_url, credentials={"token": token}), http)
        seen = [(len(page.customers), emulator.request_count) async for page in square.iter_pages()]
    listed = len(emulator.customer_ids())
    sizes = [min(100, listed - start) for start in range(0, listed, 100)]
    # Page k reaches the consumer once request k + 1 has reached the server; the last asks for nothing.
    assert seen == [(size, min(k + 2, len(sizes))) for k, size in enumerate(sizes)]


async def test_the_next_page_is_asked_for_before_a_page_is_decoded() -> None:
    # With a provider's response time, so the reader waits for each page (a reader still busy with the page
    # before is not run ahead of).
    emulator = SquareEmulator(customers=250, latency_ms=100)
    token = emulator.client_credentials()["token"]
    asked: list[str | None] = []

    async def sending(request: httpx.Request) -> None:
        asked.append(request.url.params.get("cursor"))

    async with httpx.AsyncClient(transport=emulator.transport(), event_hooks={"request": [sending]}) as http:
        square = SquareProvider(ProviderConfig(base_url=emulator.base_url, credentials={"token": token}), http)
        decode = square.http.decode
        at_decode: list[int] = []

        def decoding(raw: bytes) -> Any:
            at_decode.append(len(asked))
            return decode(raw)

        square.http.decode = decoding
        pages = [page async for page in square.iter_pages()]
    # A later page's answer ends with the cursor, so the page after it is asked for before it is decoded; the
    # first ends with the count it was asked for, so it is decoded first.
    assert [len(page.customers) for page in pages] == [100, 100, 50]
    assert at_decode == [1, 3, 3]


@respx.mock
async def test_a_cursor_elsewhere_in_the_answer_is_followed_once_decoded(square: SquareProvider) -> None:
    route = respx.get(f"{BASE}/v2/customers").mock(side_effect=[
        httpx.Response(200, content=b'{"cursor": "c2", "customers": [' + json.dumps(WIRE_CUSTOMER).encode() + b"]}"),
        httpx.Response(200, json={"customers": [{**WIRE_CUSTOMER, "id": "B"}], "cursor": "c3"}),
        httpx.Response(200, json={"customers": [{**WIRE_CUSTOMER, "id": "C"}], "extra": {"cursor": "nested"}}),
    ])
    pages = [page async for page in square.iter_pages(page_size=1)]
    assert [c.id for p in pages for c in p.customers] == [WIRE_CUSTOMER["id"], "B", "C"]
    assert [call.request.url.params.get("cursor") for call in route.calls] == [None, "c2", "c3"]


@respx.mock
async def test_a_page_asked_for_ahead_of_an_unreadable_answer_is_asked_for_again(square: SquareProvider) -> None:
    # The first answer ends with a cursor but cannot be decoded: it is asked for again, and so is the next page.
    route = respx.get(f"{BASE}/v2/customers").mock(side_effect=[
        httpx.Response(200, content=b'{"customers": [oops], "cursor": "c2"}'),
        httpx.Response(200, json={"customers": [{**WIRE_CUSTOMER, "id": "B"}]}),
        httpx.Response(200, json={"customers": [WIRE_CUSTOMER], "cursor": "c2"}),
        httpx.Response(200, json={"customers": [{**WIRE_CUSTOMER, "id": "B"}]}),
    ])
    square.http.policy = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.002)
    pages = [page async for page in square.iter_pages(page_size=1)]
    assert [c.id for p in pages for c in p.customers] == [WIRE_CUSTOMER["id"], "B"]
    assert [call.request.url.params.get("cursor") for call in route.calls] == [None, "c2", None, "c2"]


@respx.mock
async def test_empty_list_is_an_empty_object(square: SquareProvider) -> None:
    respx.get(f"{BASE}/v2/customers").mock(return_value=httpx.Response(200, json={}))
    pages = [page async for page in square.iter_pages()]
    assert len(pages) == 1 and pages[0].customers == []


@respx.mock
async def test_create_body_matches_the_spec_and_carries_the_key(square: SquareProvider) -> None:
    route = respx.post(f"{BASE}/v2/customers").mock(
        return_value=httpx.Response(200, json={"customer": WIRE_CUSTOMER}))
    changes = CustomerChanges(values={"given_name": "Ada", "email": "ada@example.com", "birthday": "12-10",
                                      "address.line1": "12 Main St", "address.city": "London",
                                      "nickname": "Countess", "eu_vat": "GB123"})
    await square.create(changes, idempotency_key="key-1")
    body = _body(route.calls[0].request)
    square_spec().validate("CreateCustomerRequest", body)
    assert body["idempotency_key"] == "key-1"
    assert body["address"] == {"address_line_1": "12 Main St", "locality": "London"}
    assert body["tax_ids"] == {"eu_vat": "GB123"}


@respx.mock
async def test_update_is_sparse_with_null_to_clear_and_the_version(square: SquareProvider) -> None:
    route = respx.put(f"{BASE}/v2/customers/C1").mock(
        return_value=httpx.Response(200, json={"customer": WIRE_CUSTOMER}))
    customer = Customer(id="C1", given_name="Ada", note="x", version="7",
                        address=Address(line1="1 Road", city="Leeds"))
    changes = CustomerChanges(values={"email": "new@example.com", "address.city": "York"},
                              cleared=frozenset({"note"}))
    await square.update(customer, changes)
    body = _body(route.calls[0].request)
    square_spec().validate("UpdateCustomerRequest", body)
    assert body == {"email_address": "new@example.com", "note": None, "version": 7,
                    "address": {"locality": "York"}}


@respx.mock
async def test_clearing_every_address_part_removes_the_address(square: SquareProvider) -> None:
    route = respx.put(f"{BASE}/v2/customers/C1").mock(
        return_value=httpx.Response(200, json={"customer": WIRE_CUSTOMER}))
    customer = Customer(id="C1", given_name="Ada", version="1", address=Address(line1="1 Road", city="Leeds"))
    await square.update(customer, CustomerChanges(cleared=frozenset({"address.line1", "address.city"})))
    assert _body(route.calls[0].request) == {"address": None, "version": 1}


@respx.mock
async def test_delete_sends_the_version(square: SquareProvider) -> None:
    route = respx.delete(f"{BASE}/v2/customers/C1").mock(return_value=httpx.Response(200, json={}))
    await square.delete(Customer(id="C1", given_name="A", version="4"))
    assert route.calls[0].request.url.params["version"] == "4"


@respx.mock
async def test_search_builds_every_filter(square: SquareProvider) -> None:
    route = respx.post(f"{BASE}/v2/customers/search").mock(return_value=httpx.Response(200, json={}))
    query = CustomerQuery(
        email=TextMatch(value="example.com", exact=False),
        phone=TextMatch(value="+1 (206) 222-3333"),
        reference_id=TextMatch(value="NYC M", exact=False),
        created=TimeRange(start=datetime(2026, 1, 1, tzinfo=UTC)),
        updated=TimeRange(end=datetime(2026, 6, 1, 12, tzinfo=UTC)),
        groups=GroupFilter(any=("G1",), none=("G2",)),
        creation_sources=("THIRD_PARTY", "IMPORT"), exclude_creation_sources=True,
        sort="created_at", descending=True)
    assert await square.search(query) == []
    body = _body(route.calls[0].request)
    square_spec().validate("SearchCustomersRequest", body)
    flt = body["query"]["filter"]
    assert flt["phone_number"] == {"exact": "+12062223333"}  # Square wants E.164 for exact phone
    assert flt["email_address"] == {"fuzzy": "example.com"}
    assert flt["created_at"] == {"start_at": "2026-01-01T00:00:00Z"}
    assert flt["group_ids"] == {"any": ["G1"], "none": ["G2"]}
    assert flt["creation_source"] == {"values": ["THIRD_PARTY", "IMPORT"], "rule": "EXCLUDE"}
    assert body["query"]["sort"] == {"field": "CREATED_AT", "order": "DESC"}


async def test_search_by_name_is_refused_before_sending(square: SquareProvider) -> None:
    with pytest.raises(e.NotSupportedError):
        await square.search(CustomerQuery(name=TextMatch(value="Ada")))


@respx.mock
async def test_bulk_operations_match_the_spec_and_split_at_100(square: SquareProvider) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = _body(request)
        if request.url.path.endswith("bulk-delete"):
            square_spec().validate("BulkDeleteCustomersRequest", body)
            return httpx.Response(200, json={"responses": {i: {} for i in body["customer_ids"]}})
        if request.url.path.endswith("bulk-retrieve"):
            square_spec().validate("BulkRetrieveCustomersRequest", body)
            return httpx.Response(200, json={"responses": {i: {"customer": {**WIRE_CUSTOMER, "id": i}}
                                                           for i in body["customer_ids"]}})
        if request.url.path.endswith("bulk-create"):
            square_spec().validate("BulkCreateCustomersRequest", body)
            return httpx.Response(200, json={"responses": {k: {"customer": {**WIRE_CUSTOMER, "id": k}}
                                                           for k in body["customers"]}})
        square_spec().validate("BulkUpdateCustomersRequest", body)
        return httpx.Response(200, json={"responses": {k: {"errors": [
            {"category": "INVALID_REQUEST_ERROR", "code": "VERSION_MISMATCH", "detail": "stale"}]}
            for k in body["customers"]}})

    route = respx.post(url__startswith=f"{BASE}/v2/customers/bulk-").mock(side_effect=answer)
    customers = [Customer(id=f"C{i}", given_name="x", version="1") for i in range(150)]
    deleted = await square.delete_many(customers)
    assert len(deleted.succeeded) == 150 and not deleted.failed
    assert [len(_body(c.request)["customer_ids"]) for c in route.calls] == [100, 50]
    got = await square.get_many(["A", "B"])
    assert got.succeeded["B"] is not None and got.succeeded["B"].id == "B"
    made = await square.create_many({"k1": CustomerChanges(values={"given_name": "N"})})
    assert set(made.succeeded) == {"k1"}
    updated = await square.update_many([(customers[0], CustomerChanges(values={"note": "n"}))])
    assert isinstance(updated.failed["C0"], e.StaleVersionError)


@respx.mock
async def test_groups(square: SquareProvider) -> None:
    respx.get(f"{BASE}/v2/customers/groups").mock(side_effect=[
        httpx.Response(200, json={"groups": [{"id": "G1", "name": "VIP"}], "cursor": "n"}),
        httpx.Response(200, json={"groups": [{"id": "G2", "name": "Wholesale"}]})])
    add = respx.put(f"{BASE}/v2/customers/C1/groups/G1").mock(return_value=httpx.Response(200, json={}))
    remove = respx.delete(f"{BASE}/v2/customers/C1/groups/G1").mock(return_value=httpx.Response(200, json={}))
    assert [g.name for g in await square.list_groups()] == ["VIP", "Wholesale"]
    await square.add_to_group(Customer(id="C1", given_name="x"), "G1")
    await square.remove_from_group(Customer(id="C1", given_name="x"), "G1")
    assert add.called and remove.called


def _error(status: int, *errors: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"errors": list(errors)}, headers=headers)


@respx.mock
@pytest.mark.parametrize(("response", "expected"), [
    (_error(401, {"category": "AUTHENTICATION_ERROR", "code": "UNAUTHORIZED", "detail": "bad"}),
     e.AuthenticationError),
    (_error(403, {"category": "AUTHENTICATION_ERROR", "code": "INSUFFICIENT_SCOPES"}), e.PermissionDeniedError),
    (_error(404, {"category": "INVALID_REQUEST_ERROR", "code": "NOT_FOUND",
                  "detail": "Customer with ID `C1` not found."}), e.NotFoundError),
    (_error(400, {"category": "INVALID_REQUEST_ERROR", "code": "VERSION_MISMATCH"}), e.StaleVersionError),
    (_error(400, {"category": "INVALID_REQUEST_ERROR", "code": "IDEMPOTENCY_KEY_REUSED"}), e.ConflictError),
])
async def test_error_mapping(square: SquareProvider, response: httpx.Response, expected: type) -> None:
    for error in response.json()["errors"]:
        if error["code"] != "VERSION_MISMATCH":  # real, but missing from the spec's enum
            square_spec().validate("Error", error)
    respx.get(f"{BASE}/v2/customers/C1").mock(return_value=response)
    with pytest.raises(expected):
        await square.get("C1")


@respx.mock
async def test_field_errors_land_on_domain_keys(square: SquareProvider) -> None:
    respx.post(f"{BASE}/v2/customers").mock(return_value=_error(
        400, {"category": "INVALID_REQUEST_ERROR", "code": "INVALID_EMAIL_ADDRESS", "detail": "Bad email",
              "field": "email_address"},
        {"category": "INVALID_REQUEST_ERROR", "code": "VALUE_TOO_LONG", "detail": "Too long",
         "field": "address.locality"},
        {"category": "INVALID_REQUEST_ERROR", "code": "INVALID_PHONE_NUMBER", "detail": "Bad phone"}))
    with pytest.raises(e.InvalidInputError) as err:
        await square.create(CustomerChanges(values={"email": "x"}), idempotency_key="k")
    assert err.value.field_errors == {"email": "Bad email", "address.city": "Too long", "phone": "Bad phone"}


@respx.mock
async def test_rate_limit_is_retried_with_retry_after(square: SquareProvider) -> None:
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    square.http._sleep = no_wait
    respx.get(f"{BASE}/v2/customers/C1").mock(side_effect=[
        _error(429, {"category": "RATE_LIMIT_ERROR", "code": "RATE_LIMITED"}, headers={"Retry-After": "2"}),
        httpx.Response(200, json={"customer": WIRE_CUSTOMER})])
    respx.get(f"{BASE}/v2/cards").mock(return_value=httpx.Response(200, json={}))  # the customer's cards on file
    assert (await square.get("C1")).given_name == "Ada"
    assert waits == [2.0]
