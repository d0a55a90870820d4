"""Digital River's incremental refresh against the emulator; every customer list and event list answer is
checked against DR's OpenAPI file (the customers and events excerpts) while the client works."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.providers.base import ProviderConfig
from console.providers.changes import ChangePage, TimeMark
from console.providers.digital_river import DigitalRiverProvider
from console.sandbox.digital_river import DigitalRiverEmulator
from tests.support.openapi import SPECS, OpenApiSpec, digital_river_spec

COUNT = 230
EVENTS_SPEC = OpenApiSpec(SPECS / "digital-river" / "events-excerpt.openapi.json")
# The spec's Event lists these as required but not among its properties (see tests/specs/digital-river/SOURCE.md).
_PHANTOM = ("'digitalriverVersion' is a required property", "'pendingWebhooks' is a required property")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Checked:
    """Forwards to the emulator, checking list and event answers and the query names sent."""

    def __init__(self, emulator: DigitalRiverEmulator) -> None:
        self.emulator = emulator
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        response = self.emulator.handle(request)
        path = request.url.path
        self.paths.append(f"{request.method} {path}")
        if request.method == "GET" and path in ("/customers", "/events"):
            spec = digital_river_spec() if path == "/customers" else EVENTS_SPEC
            declared = {p["name"] for p in spec.operation("GET", path)["parameters"] if p["in"] == "query"}
            assert {name.split("[")[0] for name in request.url.params} <= declared, request.url
            if response.status_code >= 400:
                EVENTS_SPEC.validate("Errors", response.json())
                return response
            answer = response.json()
            assert set(answer) == {"hasMore", "data"} and len(answer["data"]) <= 100
            for item in answer["data"]:
                if path == "/customers":
                    spec.validate("Customer", item)
                else:
                    problems = [p for p in spec.errors("Event", item) if not p.endswith(_PHANTOM)]
                    assert not problems, problems
                    digital_river_spec().validate("Customer", item["data"]["object"])
        return response


@pytest.fixture
def emulator() -> DigitalRiverEmulator:
    emu = DigitalRiverEmulator(seed=5, customers=COUNT)
    emu.now = Clock()  # type: ignore[method-assign]
    return emu


@pytest.fixture
async def dr(emulator: DigitalRiverEmulator) -> AsyncIterator[tuple[DigitalRiverProvider, Checked]]:
    checked = Checked(emulator)
    info = emulator.connection_info(emulator.base_url)
    async with httpx.AsyncClient(transport=httpx.MockTransport(checked)) as http:
        yield DigitalRiverProvider(ProviderConfig(base_url=info["base_url"],
                                                  credentials={"secret_key": info["secret_key"]}), http), checked


async def _all(client: DigitalRiverProvider, cursor: str | None, known: set[str]) -> list[ChangePage]:
    return [page async for page in client.changes_since(cursor, known)]


def _changed(pages: list[ChangePage]) -> dict[str, Customer]:
    return {c.id: c for page in pages for c in page.changed}


def _deleted(pages: list[ChangePage]) -> list[str]:
    return [i for page in pages for i in page.deleted]


async def _first(client: DigitalRiverProvider, emulator: DigitalRiverEmulator) -> tuple[str, set[str]]:
    pages = await _all(client, None, set())
    assert pages[-1].complete and pages[-1].cursor is not None
    listed = _changed(pages)
    assert len(listed) == COUNT
    return pages[-1].cursor, set(listed)


async def _edit(client: DigitalRiverProvider, customer_id: str, **values: Any) -> Customer:
    return await client.update(await client.get(customer_id), CustomerChanges(values=values))


def test_digital_river_declares_a_changed_since_query() -> None:
    assert DigitalRiverProvider.changed_since_query and DigitalRiverProvider.changes_include_edits


async def test_created_updated_and_deleted_are_found(dr: Any, emulator: DigitalRiverEmulator) -> None:
    client, checked = dr
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    ids = sorted(known)
    created = await client.create(CustomerChanges(values={"email": "new@example.com"}), idempotency_key="k1")
    updated = await _edit(client, ids[2], email="changed@example.com")
    await client.delete(await client.get(ids[4]))
    checked.paths.clear()

    pages = await _all(client, cursor, known)

    assert set(_changed(pages)) == {created.id, updated.id}
    assert _changed(pages)[updated.id].email == "changed@example.com"
    assert _deleted(pages) == [ids[4]]
    assert checked.paths == ["GET /customers", "GET /events"]   # one page of each


async def test_the_overlap_is_read_again_and_dropped(dr: Any, emulator: DigitalRiverEmulator) -> None:
    client, _ = dr
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    ids = sorted(known)
    first = await _edit(client, ids[0], email="first@example.com")
    await client.delete(await client.get(ids[1]))
    pages = await _all(client, cursor, known)
    assert set(_changed(pages)) == {first.id} and _deleted(pages) == [ids[1]]

    emulator.now.now += timedelta(minutes=2)   # both are inside the next window, read again and dropped
    second = await _edit(client, ids[2], email="second@example.com")
    pages = await _all(client, pages[-1].cursor, known)
    assert set(_changed(pages)) == {second.id} and _deleted(pages) == []


async def test_a_change_made_while_the_refresh_runs_is_found_by_the_next(dr: Any,
                                                                        emulator: DigitalRiverEmulator) -> None:
    client, _ = dr
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    ids = sorted(known)
    for n, customer_id in enumerate(ids[:150]):
        await _edit(client, customer_id, email=f"batch{n}@example.com")
    pages = client.changes_since(cursor, known)
    first_page = await anext(pages)
    assert len(first_page.changed) > 90   # the rest of the 150 come on the next page
    emulator.now.now += timedelta(seconds=1)
    during = await _edit(client, first_page.changed[0].id, email="during@example.com")
    gone = first_page.changed[1].id
    await client.delete(await client.get(gone))
    rest = [page async for page in pages]
    assert during.id not in _changed(rest)

    emulator.now.now += timedelta(seconds=30)
    again = await _all(client, rest[-1].cursor, known)
    assert _changed(again)[during.id].email == "during@example.com"
    assert gone in _deleted(rest) + _deleted(again)


async def test_a_customer_made_again_with_a_deleted_id_is_kept(dr: Any, emulator: DigitalRiverEmulator) -> None:
    client, _ = dr
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    made = await client.create(CustomerChanges(values={"email": "once@example.com"}), idempotency_key="k1")
    await client.delete(made)
    # Made again within the same second: the event and the listing cannot be told apart by time.
    again = await client.create(CustomerChanges(values={"id": made.id, "email": "again@example.com"}),
                                idempotency_key="k2")
    assert again.id == made.id
    pages = await _all(client, cursor, known | {made.id})
    assert _changed(pages)[made.id].email == "again@example.com"
    assert _deleted(pages) == []
    # Deleted for good: the earlier event, not marked as read, and the new one remove it.
    emulator.now.now += timedelta(seconds=5)
    await client.delete(again)
    later = await _all(client, pages[-1].cursor, known | {made.id})
    assert made.id in _deleted(later) and made.id not in _changed(later)


async def test_the_cursor_moves_forward_and_an_old_one_means_a_full_listing(dr: Any,
                                                                          emulator: DigitalRiverEmulator) -> None:
    client, checked = dr
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    await _edit(client, sorted(known)[0], email="moved@example.com")
    pages = await _all(client, cursor, known)
    after = pages[-1].cursor
    assert after is not None and json.loads(after)["since"] > json.loads(cursor)["since"]

    # A cursor from a refresh older than DR keeps events for: everything is listed, absences are deletions.
    mark = TimeMark.decode(after, provider="Digital River")
    assert mark is not None
    stale = TimeMark(mark.since, mark.seen, mark.taken - timedelta(days=30)).encode()
    checked.paths.clear()
    pages = await _all(client, stale, known | {"gone-long-ago"})
    assert len(_changed(pages)) == COUNT and _deleted(pages) == ["gone-long-ago"]
    assert "GET /events" not in checked.paths


async def test_the_event_list_pages_filters_and_refuses_like_the_spec(emulator: DigitalRiverEmulator) -> None:
    key = emulator.connection_info(emulator.base_url)["secret_key"]
    async with httpx.AsyncClient(transport=emulator.transport(), base_url=emulator.base_url,
                                 headers={"Authorization": f"Bearer {key}"}) as http:
        ids = sorted(emulator._customers)
        for customer_id in ids[:3]:
            emulator.now.now += timedelta(seconds=1)
            assert (await http.delete(f"/customers/{customer_id}")).status_code == 204
        first = (await http.get("/events", params={"type": "customer.deleted", "limit": 2})).json()
        assert first["hasMore"] is True
        assert [e["data"]["object"]["id"] for e in first["data"]] == [ids[2], ids[1]]   # newest first
        rest = (await http.get("/events", params={"type": "customer.*", "startingAfter": first["data"][-1]["id"]}))
        assert [e["data"]["object"]["id"] for e in rest.json()["data"]] == [ids[0]]
        late = await http.get("/events", params={"createdTime[gt]": first["data"][1]["createdTime"]})
        assert [e["id"] for e in late.json()["data"]] == [first["data"][0]["id"]]
        both = await http.get("/events", params={"type": "customer.deleted", "types": "customer.created"})
        assert both.status_code == 400
        EVENTS_SPEC.validate("Errors", both.json())
        emulator.now.now += timedelta(days=31)   # older than DR keeps
        assert (await http.get("/events")).json() == {"hasMore": False, "data": []}
