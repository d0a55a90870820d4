"""What every provider client refuses at the wire: redirects, oversized or too deeply nested answers,
ids that would leave their path segment, and Clover searches that page forever."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import respx

from console.domain import errors as e
from console.domain.customer import Address, ContactPoint, Customer, PaymentMethod
from console.domain.query import CustomerQuery, TextMatch
from console.providers.base import CustomerProvider, ProviderConfig
from console.providers.clover import CloverProvider
from console.providers.clover.capabilities import MAX_SEARCH_PAGES
from console.providers.http import (
    MAX_BODY_BYTES,
    HttpCore,
    Reply,
    RetryPolicy,
    item_path,
    path_segment,
    status_error,
)
from console.providers.registry import provider, providers

BASE = "https://provider.test.invalid"
HOST = "provider.test.invalid"
# Every character here would move a raw id out of its segment: a slash, a dot-dot, a query, a fragment.
HOSTILE_ID = "a/../b?x#y"
ENCODED_ID = "a%2F..%2Fb%3Fx%23y"
KEYS = [info.key for info in providers()]
CREDENTIALS = {"square": {"token": "t"}, "authorize-net": {"login_id": "l", "transaction_key": "k"},
               "clover": {"token": "t"}, "payarc": {"token": "t"}, "digital-river": {"secret_key": "sk_test_x"}}


def _provider(key: str, http: httpx.AsyncClient, **options: str) -> CustomerProvider:
    info = provider(key)
    config = ProviderConfig(base_url=BASE, credentials=CREDENTIALS[key],
                            options={"merchant_id": "M1", **options} if key == "clover" else options)
    client = info.client(config, http)
    # One try, no rate limiter: these tests count requests, and must not wait out backoffs or Clover's 16/s.
    client.http.policy = RetryPolicy(attempts=1)  # type: ignore[attr-defined]
    client.http.limiter = None  # type: ignore[attr-defined]
    return client


def _someone(customer_id: str = "1") -> Customer:
    return Customer(id=customer_id, given_name="Ada")


# -- 1. a redirect is an error, never a success --------------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("operation", ["get", "delete"])
async def test_a_redirect_is_a_protocol_error_and_is_not_followed_or_retried(key: str, operation: str) -> None:
    with respx.mock() as router:
        moved = router.route(host=HOST).mock(return_value=httpx.Response(
            301, headers={"location": "https://elsewhere.test.invalid/x"}))
        async with httpx.AsyncClient() as http:
            client = _provider(key, http)
            client.http.policy = RetryPolicy()  # type: ignore[attr-defined]  # reads and deletes may retry
            call: Callable[[], Awaitable[object]] = ((lambda: client.get("1")) if operation == "get"
                                                     else (lambda: client.delete(_someone())))
            with pytest.raises(e.ProtocolError, match="redirect") as caught:
                await call()
    assert "301" in caught.value.message and "elsewhere.test.invalid" in caught.value.message
    assert moved.call_count == 1  # not followed, and not asked again: the same request gets the same answer


# -- 2. answers too large or too deeply nested ---------------------------------------------------------


def _map(reply: Reply) -> e.ConsoleError | None:
    return None if reply.status < 400 else status_error(reply, "Test")


class _Endless:
    """A body without a length that never ends; counts how much of it was pulled."""

    CHUNK = b" " * (1024 * 1024)

    def __init__(self) -> None:
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            self.pulled += 1
            yield self.CHUNK


@respx.mock
async def test_a_body_that_never_ends_is_refused_once_past_the_cap() -> None:
    endless = _Endless()
    respx.get(f"{BASE}/x").mock(return_value=httpx.Response(200, stream=endless))  # type: ignore[arg-type]
    async with httpx.AsyncClient() as http:
        core = HttpCore(http, provider="Test", base_url=BASE, map_error=_map)
        with pytest.raises(e.ProtocolError, match="too large"):
            await core.request("GET", "/x", retry=True)
    # Stopped at the cap (32 one-megabyte chunks, then the one that crosses it), asked once.
    assert endless.pulled == MAX_BODY_BYTES // len(_Endless.CHUNK) + 1


@respx.mock
async def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    endless = _Endless()
    route = respx.get(f"{BASE}/x").mock(return_value=httpx.Response(
        200, headers={"content-length": str(MAX_BODY_BYTES + 1)}, stream=endless))  # type: ignore[arg-type]
    async with httpx.AsyncClient() as http:
        core = HttpCore(http, provider="Test", base_url=BASE, map_error=_map)
        with pytest.raises(e.ProtocolError, match="too large"):
            await core.request("GET", "/x", retry=True)
    assert endless.pulled == 0 and route.call_count == 1


@respx.mock
async def test_a_body_at_the_cap_is_read() -> None:
    body = b'{"ok": true}' + b" " * (MAX_BODY_BYTES - 12)
    respx.get(f"{BASE}/x").mock(return_value=httpx.Response(200, content=body))
    async with httpx.AsyncClient() as http:
        reply = await HttpCore(http, provider="Test", base_url=BASE, map_error=_map).request("GET", "/x")
    assert reply.body == {"ok": True}


@pytest.mark.parametrize("key", KEYS)
async def test_json_nested_past_the_recursion_limit_is_an_unreadable_answer(key: str) -> None:
    deep = b"\xef\xbb\xbf" + b"[" * 200_000 + b"]" * 200_000
    with respx.mock() as router:
        router.route(host=HOST).mock(return_value=httpx.Response(200, content=deep))
        async with httpx.AsyncClient() as http:
            client = _provider(key, http)
            with pytest.raises(e.ProtocolError, match="could not be read"):
                await client.get("1")


# -- 3. every id in a path is one encoded segment ----------------------------------------------------


def test_a_path_segment_cannot_escape() -> None:
    assert path_segment(HOSTILE_ID) == ENCODED_ID
    assert path_segment("..") == "%2E%2E" and path_segment(".") == "%2E"
    assert path_segment("100%") == "100%25"
    assert item_path("/v2/customers/", "a b") == "/v2/customers/a%20b"
    assert httpx.URL(BASE + item_path("/v2/customers", "..")).raw_path == b"/v2/customers/%2E%2E"
    with pytest.raises(e.NotFoundError):
        path_segment("")


def _recorded_paths(router: respx.MockRouter) -> list[str]:
    """The raw (still encoded) paths requested, without their query strings."""
    return [call.request.url.raw_path.decode().partition("?")[0] for call in router.calls]


# The literal path segments the clients use; anything else in a path must be the encoded id.
LITERALS = {"v2", "v3", "customers", "groups", "merchants", "addresses", "email_addresses", "phone_numbers",
            "tax-identifiers", "metadata", "sources", "cards", "disable"}


async def _every_path_call(key: str, client: CustomerProvider) -> None:
    """Each operation that puts an id in a URL path, with the hostile id everywhere (failures ignored)."""
    who = Customer(id=HOSTILE_ID, given_name="Ada", addresses=(Address(id=HOSTILE_ID, line1="1 Main St"),),
                   emails=(ContactPoint(id=HOSTILE_ID, value="a@example.com"),),
                   phones=(ContactPoint(id=HOSTILE_ID, value="4085550100"),),
                   payment_methods=(PaymentMethod(id=HOSTILE_ID, last4="1111"),))
    calls: list[Callable[[], Awaitable[object]]] = [lambda: client.get(HOSTILE_ID), lambda: client.delete(who)]
    if key == "square":
        calls += [lambda: client.add_to_group(who, HOSTILE_ID), lambda: client.remove_from_group(who, HOSTILE_ID)]
    for spec in client.capabilities.collections:
        if spec.can_edit:
            calls.append(lambda kind=spec.kind: client.update_item(who, kind, HOSTILE_ID, {"value": "x"}))
        if spec.can_delete:
            calls.append(lambda kind=spec.kind: client.delete_item(who, kind, HOSTILE_ID))
        if spec.can_set_default:
            calls.append(lambda kind=spec.kind: client.set_default_item(who, kind, HOSTILE_ID))
    for call in calls:
        with contextlib.suppress(e.ConsoleError):
            await call()


@pytest.mark.parametrize("key", [k for k in KEYS if k != "authorize-net"])  # one URL; ids go in the body
async def test_ids_reach_the_server_as_one_encoded_path_segment(key: str) -> None:
    with respx.mock(assert_all_called=False) as router:
        router.route(host=HOST).mock(return_value=httpx.Response(404, json={}))
        async with httpx.AsyncClient() as http:
            client = _provider(key, http, merchant_id=HOSTILE_ID)
            await _every_path_call(key, client)
        paths = _recorded_paths(router)
    with_ids = [p for p in paths if ENCODED_ID in p.replace(f"/v3/merchants/{ENCODED_ID}", "")]
    assert len(with_ids) >= 2, paths
    for path in paths:
        assert set(path.strip("/").split("/")) <= LITERALS | {ENCODED_ID}, path
        if key == "clover":
            assert path.startswith(f"/v3/merchants/{ENCODED_ID}/customers"), path


async def test_a_tax_identifier_id_from_the_server_is_encoded_too() -> None:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{BASE}/tax-identifiers").mock(return_value=httpx.Response(201, json={"id": HOSTILE_ID}))
        attach = router.route(method="POST", host=HOST, path__startswith="/customers/").mock(
            return_value=httpx.Response(404, json={}))
        async with httpx.AsyncClient() as http:
            client = _provider("digital-river", http)
            with pytest.raises(e.NotFoundError):
                await client.add_item(_someone("c1"), "tax_ids", {"type": "de", "value": "DE123456789"})
        assert attach.calls.last.request.url.raw_path.decode() == f"/customers/c1/tax-identifiers/{ENCODED_ID}"


# -- 4. Clover's search stops ------------------------------------------------------------------------


def _clover_page(request: httpx.Request) -> httpx.Response:
    offset = int(request.url.params["offset"])
    if offset > (MAX_SEARCH_PAGES + 10) * 100:
        raise AssertionError("the search kept paging past its bound")
    return httpx.Response(200, json={"elements": [{"id": f"C{offset + i}"} for i in range(100)]})


@respx.mock
async def test_a_clover_search_that_never_ends_stops_at_its_bound() -> None:
    route = respx.get(f"{BASE}/v3/merchants/M1/customers").mock(side_effect=_clover_page)
    async with httpx.AsyncClient() as http:
        client = _provider("clover", http)
        assert isinstance(client, CloverProvider)
        with pytest.raises(e.ProtocolError, match="10,000"):
            await client.search(CustomerQuery(email=TextMatch(value="a@example.com")))
    assert route.call_count == MAX_SEARCH_PAGES


@respx.mock
async def test_a_clover_search_just_under_the_bound_returns_everything() -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        count = 100 if offset < (MAX_SEARCH_PAGES - 1) * 100 else 99
        return httpx.Response(200, json={"elements": [{"id": f"C{offset + i}"} for i in range(count)]})

    respx.get(f"{BASE}/v3/merchants/M1/customers").mock(side_effect=pages)
    async with httpx.AsyncClient() as http:
        found = await _provider("clover", http).search(CustomerQuery(email=TextMatch(value="a@example.com")))
    assert len(found) == MAX_SEARCH_PAGES * 100 - 1


@respx.mock
async def test_a_clover_server_ignoring_offset_ends_the_listing() -> None:
    same = {"elements": [{"id": f"C{i}"} for i in range(100)]}
    route = respx.get(f"{BASE}/v3/merchants/M1/customers").mock(return_value=httpx.Response(200, json=same))
    async with httpx.AsyncClient() as http:
        client = _provider("clover", http)
        with pytest.raises(e.ProtocolError, match="same page"):
            async for _page in client.iter_pages():
                pass
    assert route.call_count == 2
