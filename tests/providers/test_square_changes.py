"""Square's incremental refresh against the emulator, every exchange checked against Square's OpenAPI file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.providers.base import ProviderConfig
from console.providers.changes import OVERLAP, ChangePage
from console.providers.square import SquareProvider
from console.sandbox.square import SquareEmulator
from tests.support.square_exchange import CheckedSquare

COUNT = 250


class Clock:
    """The emulator's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def emulator() -> SquareEmulator:
    emu = SquareEmulator(seed=3, customers=COUNT)
    emu.now = Clock()  # type: ignore[method-assign]
    return emu


@pytest.fixture
async def square(emulator: SquareEmulator) -> AsyncIterator[tuple[SquareProvider, CheckedSquare]]:
    checked = CheckedSquare(emulator)
    async with httpx.AsyncClient(transport=checked.transport()) as http:
        token = emulator.client_credentials()["token"]
        yield SquareProvider(ProviderConfig(base_url=emulator.base_url, credentials={"token": token}), http), checked


async def _all(square: SquareProvider, cursor: str | None, known: set[str]) -> list[ChangePage]:
    return [page async for page in square.changes_since(cursor, known)]


def _changed(pages: list[ChangePage]) -> dict[str, Customer]:
    return {c.id: c for page in pages for c in page.changed}


async def _first(square: SquareProvider, emulator: SquareEmulator) -> tuple[str, set[str]]:
    """The first refresh (no cursor): everything; its cursor and the ids the workspace would hold."""
    pages = await _all(square, None, set())
    assert pages[-1].complete and pages[-1].cursor is not None
    assert all(not p.complete for p in pages[:-1])
    listed = _changed(pages)
    assert set(listed) == set(emulator.customer_ids())
    return pages[-1].cursor, set(listed)


async def _edit(square: SquareProvider, customer_id: str, name: str) -> Customer:
    return await square.update(await square.get(customer_id), CustomerChanges(values={"given_name": name}))


def test_square_declares_a_changed_since_query() -> None:
    assert SquareProvider.changed_since_query and SquareProvider.changes_include_edits


async def test_created_updated_and_deleted_are_found_and_nothing_else(square, emulator) -> None:  # type: ignore[no-untyped-def]
    client, checked = square
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    ids = sorted(known)
    created = await client.create(CustomerChanges(values={"given_name": "New", "email": "new@example.com"}),
                                  idempotency_key="k-new")
    updated = await _edit(client, ids[3], "Renamed")
    deleted = ids[7]
    await client.delete(await client.get(deleted))
    checked.exchanges.clear()

    pages = await _all(client, cursor, known)

    changed = _changed(pages)
    assert set(changed) == {created.id, updated.id}
    assert changed[updated.id].given_name == "Renamed" and changed[updated.id].version == updated.version
    assert [i for p in pages for i in p.deleted] == [deleted]
    # One search page, then the known ids asked after 100 at a time.
    paths = [request.url.path for request, _ in checked.exchanges]
    assert paths.count("/v2/customers/search") == 1
    assert paths.count("/v2/customers/bulk-retrieve") == -(-len(known) // 100)
    search = json.loads(checked.exchanges[0][0].content)
    assert set(search["query"]["filter"]["updated_at"]) == {"start_at"}


async def test_the_overlap_is_read_again_and_dropped_by_id_and_version(square, emulator) -> None:  # type: ignore[no-untyped-def]
    client, checked = square
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    first = await _edit(client, sorted(known)[0], "Once")
    pages = await _all(client, cursor, known)
    assert set(_changed(pages)) == {first.id}
    cursor = pages[-1].cursor
    assert cursor is not None

    # Two minutes later: the first edit is inside the next window, read again, and not handed over again.
    emulator.now.now += timedelta(minutes=2)
    second = await _edit(client, sorted(known)[1], "Twice")
    checked.exchanges.clear()
    pages = await _all(client, cursor, known)
    assert set(_changed(pages)) == {second.id}
    answered = json.loads(checked.exchanges[0][1].content)
    assert {c["id"] for c in answered["customers"]} == {first.id, second.id}

    # Edited again at a new version, the same customer is a change again.
    emulator.now.now += timedelta(seconds=10)
    third = await _edit(client, first.id, "Thrice")
    pages = await _all(client, pages[-1].cursor, known)
    assert _changed(pages)[first.id].version == third.version


async def test_a_write_search_shows_late_is_still_found(square, emulator) -> None:  # type: ignore[no-untyped-def]
    """Search lags writes: an edit stamped before the latest change read, shown only later, is not skipped."""
    client, _ = square
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    ids = sorted(known)
    latest = await _edit(client, ids[0], "Latest")
    pages = await _all(client, cursor, known)
    assert set(_changed(pages)) == {latest.id}
    # A write stamped a minute before `latest` that the last search did not show yet.
    emulator.now.now -= timedelta(minutes=1)
    late = await _edit(client, ids[1], "Late")
    assert late.updated_at is not None and latest.updated_at is not None and late.updated_at < latest.updated_at
    pages = await _all(client, pages[-1].cursor, known)
    assert set(_changed(pages)) == {late.id}


async def test_a_change_made_while_the_refresh_runs_is_found_by_the_next(square, emulator) -> None:  # type: ignore[no-untyped-def]
    client, _ = square
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    ids = sorted(known)
    for n, customer_id in enumerate(ids[:150]):   # two pages of changes
        await _edit(client, customer_id, f"Batch{n}")
    pages = client.changes_since(cursor, known)
    first_page = await anext(pages)
    assert len(first_page.changed) == 100
    emulator.now.now += timedelta(seconds=1)
    # A note keeps the customer where it is in the sort order: on a page already handed over.
    handed = first_page.changed[0]
    during = await client.update(await client.get(handed.id), CustomerChanges(values={"note": "during"}))
    rest = [page async for page in pages]
    assert during.id not in _changed(rest)
    next_cursor = rest[-1].cursor
    assert next_cursor is not None

    emulator.now.now += timedelta(seconds=30)
    again = _changed(await _all(client, next_cursor, known))
    assert again[during.id].note == "during" and again[during.id].version == during.version


async def test_the_cursor_moves_forward_and_a_quiet_account_costs_one_search(square, emulator) -> None:  # type: ignore[no-untyped-def]
    client, checked = square
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    edited = await _edit(client, sorted(known)[5], "Moved")
    pages = await _all(client, cursor, known)
    after = pages[-1].cursor
    assert after is not None
    since = datetime.fromisoformat(json.loads(after)["since"])
    assert since > datetime.fromisoformat(json.loads(cursor)["since"])
    assert edited.updated_at is not None and edited.updated_at - OVERLAP - timedelta(seconds=5) < since
    assert since <= edited.updated_at - OVERLAP

    checked.exchanges.clear()
    quiet = await _all(client, after, known)
    assert _changed(quiet) == {} and [i for p in quiet for i in p.deleted] == []
    assert [r.url.path for r, _ in checked.exchanges].count("/v2/customers/search") == 1


async def test_ids_the_workspace_holds_that_square_does_not_are_deleted(square, emulator) -> None:  # type: ignore[no-untyped-def]
    client, _ = square
    cursor, known = await _first(client, emulator)
    pages = await _all(client, cursor, known | {"NOT-A-SQUARE-ID"})
    assert [i for p in pages for i in p.deleted] == ["NOT-A-SQUARE-ID"]
    # Without a cursor (a full listing) too, and the ids it listed are not asked after.
    pages = await _all(client, None, known | {"GONE-TOO"})
    assert [i for p in pages for i in p.deleted] == ["GONE-TOO"]


def test_a_merged_id_is_gone_and_any_other_bulk_error_stops_the_refresh() -> None:
    from console.domain.errors import PermissionDeniedError, ProtocolError
    from console.providers.square.changes import _gone

    body = {"responses": {
        "KEPT": {"customer": {"id": "KEPT"}},
        "MERGED": {"customer": {"id": "NEW-PROFILE"}},   # an old id answers with the profile it became
        "DELETED": {"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "NOT_FOUND", "detail": "gone"}]},
    }}
    assert _gone(body, ["KEPT", "MERGED", "DELETED"]) == ["MERGED", "DELETED"]
    with pytest.raises(ProtocolError):
        _gone(body, ["UNANSWERED"])
    refused = {"responses": {"X": {"errors": [{"category": "INVALID_REQUEST_ERROR", "code": "FORBIDDEN"}]}}}
    with pytest.raises(PermissionDeniedError):
        _gone(refused, ["X"])


async def test_stopping_early_leaves_no_request_running(square, emulator) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    client, _ = square
    cursor, known = await _first(client, emulator)
    emulator.now.now += timedelta(hours=1)
    await _edit(client, sorted(known)[0], "Early")
    pages = client.changes_since(cursor, known | {f"ID{n}" for n in range(1000)})   # 11 bulk calls to make
    assert (await anext(pages)).changed
    await pages.aclose()
    await asyncio.sleep(0)   # one turn of the loop: the cancelled check hands its cancellation on
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert [t for t in others if not t.done() and not t.cancelling()] == []
