"""Digital River's customer events (`GET /events`), as the incremental refresh polls them.

Each create, update and delete of a customer records `customer.created`, `customer.updated` or
`customer.deleted` with the customer as `data.object`. The list is newest first, pages with
`startingAfter`/`endingBefore`/`hasMore` like the customer list, filters by `type` (one name, `*`
as a wildcard) or `types` (fewer than 20 names) and by `createdTime`, and reaches back 30 days,
as DR's OpenAPI file documents `listEvents`.
"""

from __future__ import annotations

import fnmatch
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from console.sandbox.digital_river.wire import DEFAULT_LIMIT, MAX_LIMIT, Record, dr_time, matches, parse_time, refusal

RETENTION = timedelta(days=30)
# Enough for any test or demo session; the oldest go first beyond it, as they would after 30 days.
_KEPT = 20_000
_API_VERSION = "2021-12-13"
_PARAMETERS = {"limit", "startingAfter", "endingBefore", "type", "types", "createdTime"}


class EventLog:
    """The account's recent events, oldest first."""

    def __init__(self, seed: int, events: list[Record] | None = None) -> None:
        self.events: list[Record] = list(events or [])
        # Event ids from a stream of their own, so recording events leaves the ids of everything else
        # (customers, sources) as they were for a seed.
        self._ids = random.Random(f"digital-river-events-{seed}-{len(self.events)}")

    def record(self, kind: str, customer: Record, now: datetime, live: bool) -> None:
        self.events.append({"id": str(uuid.UUID(int=self._ids.getrandbits(128), version=4)), "type": kind,
                            "createdTime": dr_time(now), "data": {"object": customer}, "liveMode": live,
                            "digitalRiverVersion": _API_VERSION})
        if len(self.events) > _KEPT:
            del self.events[: len(self.events) - _KEPT]

    def answer(self, request: httpx.Request, now: datetime) -> Record:
        """The `listEvents` answer for `request`."""
        params = request.url.params
        for name in params:
            if name.split("[")[0] not in _PARAMETERS:
                raise refusal(400, "unknown_parameter", f"'{name}' is not a known parameter.", name)
        if "type" in params and "types" in params:
            raise refusal(400, "invalid_parameter", "Pass either type or types, not both.", "types")
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise refusal(400, "invalid_parameter", f"limit must be between 1 and {MAX_LIMIT}.", "limit")
        wanted = self._types(params)
        oldest = now - RETENTION
        times = httpx.QueryParams([(k, v) for k, v in params.multi_items() if k.startswith("createdTime")])
        matching = [event for event in reversed(self.events)
                    if parse_time(event["createdTime"], "createdTime") >= oldest
                    and any(fnmatch.fnmatchcase(event["type"], pattern) for pattern in wanted)
                    and matches(event, times)]
        before, after = params.get("endingBefore"), params.get("startingAfter")
        if before is not None:  # as for customers: when both are given, only endingBefore counts
            position = self._position(matching, before, "endingBefore")
            return {"hasMore": position - limit > 0,
                    "data": matching[max(0, position - limit): position]}
        start = self._position(matching, after, "startingAfter") + 1 if after is not None else 0
        return {"hasMore": start + limit < len(matching), "data": matching[start: start + limit]}

    @staticmethod
    def _types(params: httpx.QueryParams) -> list[str]:
        if "types" in params:
            names = [name for value in params.get_list("types") for name in value.split(",") if name]
            if not 0 < len(names) < 20:
                raise refusal(400, "invalid_parameter", "types takes fewer than 20 event names.", "types")
            return names
        return [params.get("type") or "*"]

    def _position(self, events: list[Record], cursor: str, parameter: str) -> int:
        for index, event in enumerate(events):
            if event["id"] == cursor:
                return index
        if any(event["id"] == cursor for event in self.events):  # exists but filtered out
            return len(events)
        raise refusal(400, "invalid_parameter", f"'{cursor}' is not an event id.", parameter)

    def dump(self) -> list[Any]:
        return list(self.events)
