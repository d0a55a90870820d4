"""Clover client at the wire, against the Clover emulator: expand, paging, filters, rate limits, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.query import CustomerQuery, TextMatch
from console.providers.base import ProviderConfig
from console.providers.clover import CloverProvider, base_url, customer_from_wire
from console.providers.http import RetryPolicy
from console.sandbox.clover import CloverEmulator


@pytest.fixture
def emulator() -> CloverEmulator:
    return CloverEmulator(seed=4, customers=230)


async def _client(emulator: CloverEmulator) -> AsyncIterator[CloverProvider]:
    info = emulator.connection_info(emulator.base_url)
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        yield CloverProvider(ProviderConfig(base_url=info["base_url"], credentials={"token": info["token"]},
                                            options={"merchant_id": info["merchant_id"]}), http)


@pytest.fixture
async def clover(emulator: CloverEmulator) -> AsyncIterator[CloverProvider]:
    async for client in _client(emulator):
        yield client


def test_hosts_follow_environment_and_region() -> None:
    assert base_url("sandbox", {"region": "eu"}) == "https://apisandbox.dev.clover.com"
    assert base_url("production", {"region": "eu"}) == "https://api.eu.clover.com"
    assert base_url("production", {"region": "la"}) == "https://api.la.clover.com"
    assert base_url("production", {}) == "https://api.clover.com"


async def test_nested_parts_are_absent_unless_expanded(emulator: CloverEmulator, clover: CloverProvider) -> None:
    token = emulator.connection_info(emulator.base_url)["token"]
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        url = f"{emulator.base_url}/v3/merchants/{emulator.merchant_id}/customers"
        plain = (await http.get(url, params={"limit": 1}, headers={"Authorization": f"Bearer {token}"})).json()
    (bare,) = plain["elements"]
    assert not {"emailAddresses", "phoneNumbers", "addresses", "cards", "metadata"} & set(bare)
    page = await anext(aiter(clover.iter_pages()))
    assert emulator.requests[-1].params["expand"] == "addresses,emailAddresses,phoneNumbers,cards,metadata"
    assert all(c.emails and c.phones and c.addresses for c in page.customers)
    assert page.customers[0].email == next(m.value for m in page.customers[0].emails if m.is_primary)


async def test_pages_by_offset_until_a_short_page(clover: CloverProvider, emulator: CloverEmulator) -> None:
    pages = [p async for p in clover.iter_pages()]
    assert [len(p.customers) for p in pages] == [100, 100, 30]
    assert [r.params["offset"] for r in emulator.requests] == ["0", "100", "200"]
    assert len({c.id for p in pages for c in p.customers}) == 230


async def test_filters_are_exact(clover: CloverProvider) -> None:
    someone = (await anext(aiter(clover.iter_pages()))).customers[7]
    assert someone.email and someone.phone
    by_email = await clover.search(CustomerQuery(email=TextMatch(value=someone.email, exact=True)))
    assert [c.id for c in by_email] == [someone.id]
    by_phone = await clover.search(CustomerQuery(phone=TextMatch(value=someone.phone, exact=True)))
    assert someone.id in [c.id for c in by_phone]
    assert await clover.search(CustomerQuery(email=TextMatch(value=someone.email[:-1], exact=True))) == []
    with pytest.raises(e.NotSupportedError):
        await clover.search(CustomerQuery(email=TextMatch(value="abc", exact=False)))


async def test_create_update_and_sub_resources(clover: CloverProvider, emulator: CloverEmulator) -> None:
    created = await clover.create(CustomerChanges(values={
        "given_name": "Ada", "family_name": "Lovelace", "email": "ada@example.com", "phone": "4085550100",
        "address.line1": "1 Main St", "address.city": "Sunnyvale", "address.state": "CA",
        "address.postal_code": "94085", "address.country": "US", "company": "Engines Ltd",
        "birthday": "12-10"}), idempotency_key="unused")
    assert (created.email, created.phone, created.company, created.birthday) == (
        "ada@example.com", "4085550100", "Engines Ltd", "12-10")
    assert created.addresses[0].city == "Sunnyvale"
    updated = await clover.update(created, CustomerChanges(values={"note": "x" * 2000, "family_name": "King"}))
    assert updated.family_name == "King" and updated.note == "x" * 2000
    posts = [r for r in emulator.requests if r.method == "POST"]
    assert [r.path.rsplit("/", 1)[-1] for r in posts[-2:]] == [created.id, "metadata"]
    with_phone = await clover.add_item(updated, "phones", {"value": "4085550199"})
    second = with_phone.phones[1]
    changed = await clover.update_item(with_phone, "phones", str(second.id), {"value": "4085550200"})
    assert [p.value for p in changed.phones] == ["4085550100", "4085550200"]
    with_email = await clover.add_item(changed, "emails", {"value": "ada@work.example.com"})
    new_email = next(m for m in with_email.emails if m.value == "ada@work.example.com")
    primary = await clover.set_default_item(with_email, "emails", str(new_email.id))
    assert primary.email == "ada@work.example.com"
    gone = await clover.delete_item(primary, "addresses", str(primary.addresses[0].id))
    assert gone.addresses == ()
    with pytest.raises(e.InvalidInputError) as invalid:
        await clover.update(gone, CustomerChanges(values={"note": "x" * 2001}))
    assert "note" in invalid.value.field_errors


async def test_wrong_merchant_or_token_is_401(emulator: CloverEmulator) -> None:
    info = emulator.connection_info(emulator.base_url)
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        for token, merchant in ((info["token"], "WRONGMERCHANT"), ("wrong", info["merchant_id"])):
            emulator.credentials = {"token": info["token"]}
            client = CloverProvider(ProviderConfig(base_url=info["base_url"], credentials={"token": token},
                                                   options={"merchant_id": merchant}), http)
            with pytest.raises(e.AuthenticationError):
                await client.test_connection()


async def test_the_client_stays_under_clovers_limits(emulator: CloverEmulator, clover: CloverProvider) -> None:
    emulator.latency_ms = 40
    ids = [c.id for c in (await anext(aiter(clover.iter_pages()))).customers[:40]]
    emulator.clear_log()
    loop = asyncio.get_running_loop()
    started = loop.time()
    fetched = await asyncio.gather(*(clover.get(i) for i in ids))
    elapsed = loop.time() - started
    assert [c.id for c in fetched] == ids
    assert emulator.rate_limited == 0, "the emulator had to refuse requests"
    assert clover.limiter.peak_in_flight == emulator.peak_in_flight <= 5
    starts = emulator.start_times()
    assert max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts) <= 16
    assert elapsed >= 2.0  # 40 requests at no more than 16 per second


async def test_a_429_is_waited_out(emulator: CloverEmulator, clover: CloverProvider) -> None:
    clover.http.policy = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002, max_retry_after=0.05)
    emulator.fail_next("429", count=2)
    page = await anext(aiter(clover.iter_pages()))
    assert len(page.customers) == 100


async def test_an_unlimited_client_is_refused_with_429(emulator: CloverEmulator) -> None:
    emulator.latency_ms = 30
    info = emulator.connection_info(emulator.base_url)
    url = f"{emulator.base_url}/v3/merchants/{emulator.merchant_id}/customers"
    async with httpx.AsyncClient(transport=emulator.transport(),
                                 headers={"Authorization": f"Bearer {info['token']}"}) as http:
        answers = await asyncio.gather(*(http.get(url, params={"limit": 1}) for _ in range(8)))
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) == 3 and all(a.headers["retry-after"] for a in refused)


def test_reads_cards_masked_and_metadata() -> None:
    c = customer_from_wire({"id": "C1", "customerSince": 1700000000000,
                            "cards": {"elements": [{"id": "K1", "first6": "411111", "last4": "1111",
                                                    "expirationDate": "0429", "cardType": "VISA",
                                                    "token": "secret-token-never-shown"}]},
                            "metadata": {"businessName": "Acme", "dobMonth": 2, "dobDay": 9, "dobYear": 1990}})
    (card,) = c.payment_methods
    assert (card.masked(), card.expiry(), card.first6) == ("Visa •••• 1111", "04/29", "411111")
    assert "secret" not in repr(c)
    assert (c.company, c.birthday) == ("Acme", "1990-02-09")



@pytest.mark.parametrize(("stored", "typed"), [("6155550107", "(615) 555-0107"), ("6155550107", "615-555-0107"),
                                               ("(615) 555-0107", "(615) 555-0107")])
async def test_a_phone_lookup_finds_the_number_typed_in_another_format(clover: CloverProvider, stored: str,
                                                                       typed: str) -> None:
    made = await clover.create(CustomerChanges(values={"given_name": "Phoebe", "phone": stored}),
                               idempotency_key="k")
    found = await clover.search(CustomerQuery(phone=TextMatch(value=typed)))
    assert [c.id for c in found] == [made.id]
