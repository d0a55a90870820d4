"""Digital River's incremental refresh: `updatedTime[gte]` on the customer list, deletions from events.

The list filters on `updatedTime` and pages by `startingAfter`; deletions come from polling
`GET /events?type=customer.deleted` from the same time (shared/api/wave2-facts.md §1). Both read
an overlapping window, as Square's search does (`console/providers/changes.py`), and drop what the
last refresh read by id and time. DR keeps 30 days of events: a cursor from a refresh older than
that cannot see every deletion since, so the refresh is then a full listing, whose deletions are
the workspace's ids it did not list.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from console.domain import errors as e
from console.domain.customer import Customer
from console.domain.rfc3339 import rfc3339
from console.providers.changes import ChangePage, TimeMark, next_mark
from console.providers.digital_river.capabilities import NAME, PAGE_SIZE
from console.providers.http import HttpCore
from console.providers.wire_reading import field_of

# A day short of DR's 30 days of events, for clocks that disagree.
EVENTS_KEPT = timedelta(days=29)


class DigitalRiverChanges:
    """`changes_since` for `DigitalRiverProvider` (mixed in; it supplies `http` and `list_page`)."""

    http: HttpCore
    changed_since_query = True

    async def list_page(self, starting_after: str | None = None, *, limit: int = PAGE_SIZE,
                        filters: Mapping[str, str] | None = None) -> Any:
        raise NotImplementedError

    async def changes_since(self, cursor: str | None, known_ids: Collection[str]) -> AsyncIterator[ChangePage]:
        started, clock = datetime.now(UTC), time.monotonic()
        mark = TimeMark.decode(cursor, provider=NAME)
        if mark is not None and started - mark.taken > EVENTS_KEPT:
            mark = None
        read: list[tuple[str, str, datetime]] = []
        listed: dict[str, datetime | None] = {}
        filters = {} if mark is None else {"updatedTime[gte]": _time(mark.since)}
        after: str | None = None
        while True:
            page = await self.list_page(after, limit=PAGE_SIZE, filters=filters)
            changed: list[Customer] = []
            for customer in page.customers:
                version = "" if customer.updated_at is None else _time(customer.updated_at)
                if customer.updated_at is not None:
                    read.append((f"c:{customer.id}", version, customer.updated_at))
                again = customer.id in listed or (mark is not None and mark.seen.get(f"c:{customer.id}") == version)
                listed[customer.id] = customer.updated_at
                if not again:
                    changed.append(customer)
            if changed:
                yield ChangePage(changed=changed)
            after = page.cursor
            if after is None:
                break
        if mark is None:
            # A full listing (list order is by creation, which edits do not change): what it did not list is gone.
            deleted = sorted(set(known_ids) - listed.keys())
        else:
            deleted = await self._deleted(mark, listed, read)
        later = next_mark(mark, read, started, timedelta(seconds=time.monotonic() - clock))
        yield ChangePage(deleted=deleted, complete=True, cursor=None if later is None else later.encode())

    async def _deleted(self, mark: TimeMark, listed: Mapping[str, datetime | None],
                       read: list[tuple[str, str, datetime]]) -> list[str]:
        """Ids of `customer.deleted` events since the mark, without those the last refresh read."""
        deleted: list[str] = []
        params: dict[str, Any] = {"type": "customer.deleted", "limit": PAGE_SIZE,
                                  "createdTime[gte]": _time(mark.since)}
        while True:
            body = (await self.http.request("GET", "/events", params=params, retry=True)).body
            events = field_of(body, "data", list, provider=NAME, required=True)
            for event in events:
                event_id, customer_id, at = _deletion(event)
                if mark.seen.get(f"e:{event_id}") is not None:
                    read.append((f"e:{event_id}", _time(at), at))
                    continue
                # DR lets a caller choose an id again: listed as updated at or after the event, the
                # customer may have been made anew. It stays, and the event is not marked as read, so
                # the next refresh decides again (by then a customer deleted after the listing is not listed).
                listed_at = listed.get(customer_id)
                if listed_at is not None and listed_at >= at:
                    continue
                read.append((f"e:{event_id}", _time(at), at))
                deleted.append(customer_id)
            if not field_of(body, "hasMore", bool, provider=NAME) or not events:
                return list(dict.fromkeys(deleted))   # an id deleted, made again and deleted has two events
            params["startingAfter"] = _deletion(events[-1])[0]


def _time(moment: datetime) -> str:
    return rfc3339(moment, timespec="seconds")


def _deletion(event: Any) -> tuple[str, str, datetime]:
    """(event id, customer id, event time) of a `customer.deleted` event."""
    try:
        return (str(event["id"]), str(event["data"]["object"]["id"]),
                datetime.fromisoformat(str(event["createdTime"]).replace("Z", "+00:00")))
    except (KeyError, TypeError, ValueError) as exc:
        raise e.ProtocolError("Digital River sent a customer.deleted event we cannot read.", field="data",
                              provider=NAME) from exc
