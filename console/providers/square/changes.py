"""Square's incremental refresh: SearchCustomers by `updated_at`, deletions by BulkRetrieve.

Square's search lags its writes by up to about a minute and has no updated-at sort, so each
refresh reads every page of an overlapping window (`console/providers/changes.py`: the cursor
starts five minutes plus the refresh's duration before the latest change read) and drops what
the previous refresh already read, by id and version. Nothing in a list or search says a
customer was deleted: the workspace's ids are asked after with BulkRetrieveCustomers, 100 a
call, a few calls in flight at once, while the search pages are read, and those answering
NOT_FOUND (or, for a merged profile, the new profile's id) are deleted (shared/api/wave2-facts.md §1).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from console.domain import errors as e
from console.domain.customer import Customer
from console.domain.rfc3339 import rfc3339
from console.providers.changes import ChangePage, TimeMark, next_mark
from console.providers.http import HttpCore
from console.providers.square.capabilities import BULK_LIMIT, NAME, PAGE_SIZE
from console.providers.square.mapping import customer_from_wire, error_from_errors, errors_of
from console.providers.wire_reading import field_of

# BulkRetrieve calls in flight at once. Square publishes no rate limit (its 429s are retried with
# back-off by `HttpCore`); five keeps a 10,000-customer account's 100 calls to 20 round trips.
BULK_IN_FLIGHT = 5


class SquareChanges:
    """`changes_since` for `SquareProvider` (mixed in; it supplies `http`)."""

    http: HttpCore
    changed_since_query = True

    async def changes_since(self, cursor: str | None, known_ids: Collection[str]) -> AsyncIterator[ChangePage]:
        started, clock = datetime.now(UTC), time.monotonic()
        mark = TimeMark.decode(cursor, provider=NAME)
        # With a cursor, the known ids are asked after while the search pages are read and applied:
        # the two do not depend on each other, so the refresh takes the longer of them, not both.
        asking = None if mark is None else asyncio.ensure_future(self._deleted(sorted(set(known_ids))))
        try:
            async for page in self._search_changes(mark, started, clock, known_ids, asking):
                yield page
        finally:
            if asking is not None:
                if not asking.done():
                    asking.cancel()   # stopped early: nothing is awaited here (see authorize_net's iter_pages)
                elif not asking.cancelled():
                    asking.exception()   # a failure the search's own failure hid: retrieved, not reported twice

    async def _search_changes(self, mark: TimeMark | None, started: datetime, clock: float,
                              known_ids: Collection[str], asking: asyncio.Future[list[str]] | None
                              ) -> AsyncIterator[ChangePage]:
        read: list[tuple[str, str, datetime]] = []
        listed: dict[str, str] = {}   # id -> version, of everything this refresh read
        page_cursor: str | None = None
        while True:
            body = await self._search_body(mark, page_cursor)
            changed: list[Customer] = []
            for item in _items(body):
                customer = customer_from_wire(item)
                version = customer.version or ""
                if customer.updated_at is not None:
                    read.append((customer.id, version, customer.updated_at))
                # Read at this version by the last refresh already (the overlap), or earlier in this one.
                seen_before = mark.seen.get(customer.id) if mark is not None else None
                again = version in (listed.get(customer.id), seen_before)
                listed[customer.id] = version
                if again:
                    continue
                changed.append(customer)
            if changed:
                yield ChangePage(changed=changed)
            page_cursor = field_of(body, "cursor", str, provider=NAME) or None
            if page_cursor is None:
                break
        # After a full listing (no cursor) only the ids it did not list are asked after: a profile
        # edited while the listing ran can move past it in the sort order without being deleted.
        deleted = await (asking if asking is not None else self._deleted(sorted(set(known_ids) - listed.keys())))
        after = next_mark(mark, read, started, timedelta(seconds=time.monotonic() - clock))
        yield ChangePage(deleted=deleted, complete=True, cursor=None if after is None else after.encode())

    async def _search_body(self, mark: TimeMark | None, cursor: str | None) -> Any:
        body: dict[str, Any] = {"limit": PAGE_SIZE}
        if mark is not None:
            body["query"] = {"filter": {"updated_at": {"start_at": rfc3339(mark.since, timespec="milliseconds")}}}
        if cursor:
            body["cursor"] = cursor
        # Search is a read even though it is a POST, so retrying it is harmless.
        return (await self.http.request("POST", "/v2/customers/search", json_body=body, retry=True)).body

    async def _deleted(self, ids: Sequence[str]) -> list[str]:
        """The ids among `ids` that Square no longer has (NOT_FOUND, or merged into another profile)."""
        gate = asyncio.Semaphore(BULK_IN_FLIGHT)

        async def gone(chunk: Sequence[str]) -> list[str]:
            async with gate:
                reply = await self.http.request("POST", "/v2/customers/bulk-retrieve",
                                                json_body={"customer_ids": list(chunk)}, retry=True)
            return _gone(reply.body, chunk)

        chunks = [ids[i:i + BULK_LIMIT] for i in range(0, len(ids), BULK_LIMIT)]
        answers = await asyncio.gather(*(gone(chunk) for chunk in chunks))
        return [customer_id for answer in answers for customer_id in answer]


def _items(body: Any) -> list[Any]:
    items = body.get("customers") or [] if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        raise e.ProtocolError("Square sent 'customers' that is not a list.", field="customers", provider=NAME)
    return items


def _gone(body: Any, ids: Sequence[str]) -> list[str]:
    """The ids a BulkRetrieve answer says no longer exist; any other error stops the refresh."""
    responses = body.get("responses") if isinstance(body, Mapping) else None
    if not isinstance(responses, Mapping):
        raise e.ProtocolError("Square's bulk answer has no 'responses' map.", field="responses", provider=NAME)
    gone: list[str] = []
    for customer_id in ids:
        item = responses.get(customer_id)
        if not isinstance(item, Mapping):
            raise e.ProtocolError(f"Square's bulk answer says nothing about {customer_id}.",
                                  field=f"responses.{customer_id}", provider=NAME)
        if item.get("errors"):
            error = error_from_errors(errors_of(item), 400)
            if not isinstance(error, e.NotFoundError):
                raise error
            gone.append(customer_id)
            continue
        found = item.get("customer")
        # A merged profile's old id answers with the new profile, which a search lists as created.
        if isinstance(found, Mapping) and found.get("id") != customer_id:
            gone.append(customer_id)
    return gone
