"""Incremental refresh of the providers without a "changed since" query (Authorize.net, Clover, PayArc),
against their emulators; Authorize.net's requests and answers are checked against its XSD, and the
cursor pieces shared with Square and Digital River are checked on their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.domain.errors import ConsoleError, ProtocolError
from console.providers.authorize_net import AuthorizeNetProvider
from console.providers.base import Page, ProviderConfig
from console.providers.changes import OVERLAP, ChangePage, TimeMark, next_mark, scan_changes
from console.providers.clover import CloverProvider
from console.providers.payarc import PayArcProvider
from console.sandbox.authorize_net import AuthorizeNetEmulator
from console.sandbox.clover import CloverEmulator
from console.sandbox.payarc import PayArcEmulator
from tests.providers.test_authorize_net_wire import Checked, _client


def _changed(pages: list[ChangePage]) -> dict[str, Customer]:
    return {c.id: c for page in pages for c in page.changed}


def _deleted(pages: list[ChangePage]) -> list[str]:
    return [i for page in pages for i in page.deleted]


async def _all(client: Any, known: set[str]) -> list[ChangePage]:
    pages = [page async for page in client.changes_since(None, known)]
    assert pages[-1].complete and pages[-1].cursor is None and not any(p.complete for p in pages[:-1])
    return pages


# -- Authorize.net: ids first ---------------------------------------------------------------------

@pytest.fixture
async def anet() -> AsyncIterator[tuple[AuthorizeNetProvider, Checked]]:
    check = Checked(AuthorizeNetEmulator(seed=6, customers=40))
    client, http = _client(check.emulator, httpx.MockTransport(check))
    async with http:
        yield client, check


def test_what_each_provider_declares() -> None:
    assert not AuthorizeNetProvider.changed_since_query and not AuthorizeNetProvider.changes_include_edits
    for scanned in (CloverProvider, PayArcProvider):
        assert not scanned.changed_since_query and scanned.changes_include_edits


async def test_authorize_net_reads_only_new_profiles_and_finds_deleted_ones(anet: Any) -> None:
    client, check = anet
    everything = await _all(client, set())
    known = set(_changed(everything))
    assert len(known) == 40
    ids = sorted(known)
    made = await client.create(CustomerChanges(values={"email": "new@example.com"}), idempotency_key="k1")
    await client.update(await client.get(ids[1]), CustomerChanges(values={"email": "edited@example.com"}))
    await client.delete(await client.get(ids[2]))
    check.operations.clear()

    pages = await _all(client, known)

    assert set(_changed(pages)) == {made.id}   # the edit is not seen: no updated time to ask by
    assert _deleted(pages) == [ids[2]]
    assert check.operations == ["getCustomerProfileIdsRequest", "getCustomerProfileRequest"]


async def test_authorize_net_finds_a_profile_made_while_it_ran_the_next_time(anet: Any) -> None:
    client, _ = anet
    pages = client.changes_since(None, set())
    first = await anext(pages)   # the ids were listed before this
    made = await client.create(CustomerChanges(values={"email": "during@example.com"}), idempotency_key="k1")
    rest = [page async for page in pages]
    assert made.id not in _changed([first, *rest])
    known = set(_changed([first, *rest]))
    assert set(_changed(await _all(client, known))) == {made.id}


async def test_a_profile_that_cannot_be_read_is_reported_and_asked_for_again(anet: Any) -> None:
    client, check = anet
    known = set(_changed(await _all(client, set())))
    made = await client.create(CustomerChanges(values={"email": "new@example.com"}), idempotency_key="k1")
    failing = True

    def answer(request: httpx.Request) -> httpx.Response:
        if failing and b"getCustomerProfileRequest" in request.content and made.id.encode() in request.content:
            return httpx.Response(500)
        return check.emulator.handle(request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        plain = AuthorizeNetProvider(client.config, http)
        plain.http.policy = client.http.policy
        pages = await _all(plain, known)
        assert _changed(pages) == {} and _deleted(pages) == []
        assert len(pages[-1].failures) == 1 and made.id in pages[-1].failures[0].message
        failing = False
        assert set(_changed(await _all(plain, known))) == {made.id}


# -- Clover and PayArc: a full listing ------------------------------------------------------------

async def _clover(emulator: CloverEmulator) -> AsyncIterator[CloverProvider]:
    info = emulator.connection_info(emulator.base_url)
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        yield CloverProvider(ProviderConfig(base_url=info["base_url"], credentials={"token": info["token"]},
                                            options={"merchant_id": info["merchant_id"]}), http)


async def _payarc(emulator: PayArcEmulator) -> AsyncIterator[PayArcProvider]:
    info = emulator.connection_info(emulator.base_url)
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        yield PayArcProvider(ProviderConfig(base_url=info["base_url"], credentials={"token": info["token"]}), http)


async def test_clover_scans_a_thousand_a_page_and_finds_every_kind_of_change() -> None:
    emulator = CloverEmulator(seed=4, customers=1500)
    async for client in _clover(emulator):
        known = set(_changed(await _all(client, set())))
        assert len(known) == 1500
        ids = sorted(known)
        made = await client.create(CustomerChanges(values={"given_name": "New"}), idempotency_key="k1")
        await client.update(await client.get(ids[1]), CustomerChanges(values={"given_name": "Edited"}))
        await client.delete(await client.get(ids[2]))
        emulator.clear_log()
        pages = await _all(client, known)
        assert made.id in _changed(pages) and _changed(pages)[ids[1]].given_name == "Edited"
        assert _deleted(pages) == [ids[2]]
        assert [r.params["limit"] for r in emulator.requests] == ["1000", "1000"]


async def test_payarc_finds_every_kind_of_change_and_one_made_while_it_ran_the_next_time() -> None:
    emulator = PayArcEmulator(seed=2, customers=150)
    async for client in _payarc(emulator):
        known = set(_changed(await _all(client, set())))
        ids = sorted(known)
        made = await client.create(CustomerChanges(values={"email": "new@example.com"}), idempotency_key="k1")
        await client.delete(await client.get(ids[2]))
        pages = client.changes_since(None, known)
        first = await anext(pages)
        edited = await client.update(first.changed[0], CustomerChanges(values={"email": "during@example.com"}))
        rest = [page async for page in pages]
        assert made.id in _changed([first, *rest]) and _deleted(rest) == [ids[2]]
        assert _changed(rest).get(edited.id) is None    # its page had been read
        again = await _all(client, known - {ids[2]} | {made.id})
        assert _changed(again)[edited.id].email == "during@example.com"


async def test_a_listing_with_failures_deletes_nothing() -> None:
    async def pages() -> AsyncIterator[Page]:
        yield Page([Customer(id="a")])
        yield Page([], failures=[ConsoleError("one profile could not be read")])

    result = [page async for page in scan_changes(pages(), {"a", "b"})]
    assert _deleted(result) == [] and result[-1].complete and len(result[-1].failures) == 1

    async def whole() -> AsyncIterator[Page]:
        yield Page([Customer(id="a")])
    assert _deleted([page async for page in scan_changes(whole(), {"a", "b"})]) == ["b"]


# -- the time cursor Square and Digital River share ---------------------------------------------

T = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_mark_starts_the_overlap_before_the_latest_change_and_never_goes_back() -> None:
    read = [("a", "1", T), ("b", "4", T - timedelta(minutes=3)), ("c", "2", T - timedelta(hours=1))]
    mark = next_mark(None, read, T, timedelta(seconds=2))
    assert mark is not None and mark.since == T - OVERLAP - timedelta(seconds=2)
    assert mark.seen == {"a": "1", "b": "4"}   # what the next refresh will read again
    assert TimeMark.decode(mark.encode(), provider="Square") == mark
    earlier = next_mark(mark, [("d", "1", T - timedelta(hours=2))], T, timedelta(0))
    assert earlier is not None and earlier.since == mark.since
    quiet = next_mark(mark, [], T + timedelta(days=1), timedelta(0))
    assert quiet is not None and (quiet.since, quiet.seen) == (mark.since, mark.seen)
    assert quiet.taken == T + timedelta(days=1)
    assert next_mark(None, [], T, timedelta(0)) is None


@pytest.mark.parametrize("cursor", ["not json", "{}", '{"since": "yesterday", "seen": {}, "taken": "x"}',
                                    '{"since": "2026-12-01T09:00:00", "seen": {}, "taken": "2026-12-01T09:00:00"}'])
def test_a_cursor_that_cannot_be_read_is_a_protocol_error(cursor: str) -> None:
    with pytest.raises(ProtocolError):
        TimeMark.decode(cursor, provider="Square")
