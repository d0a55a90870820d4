"""What an incremental refresh asks of a provider: `ChangePage`s, and the scan that serves providers
without a "changed since" query.

A provider answers `changes_since(cursor, known_ids)` with pages of customers created or changed
and ids deleted. The service applies each page in one transaction and stores the cursor of the
last page (the only one marked `complete`) for the next refresh; a refresh that stops before it
keeps the old cursor, so whatever it had not finished is looked at again.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from console.domain.customer import Customer
from console.domain.errors import ConsoleError, ProtocolError
from console.domain.rfc3339 import rfc3339

# How far back each refresh reads again before the latest change it saw. Square's search lags its
# writes by up to about a minute (shared/api/wave2-facts.md §1); five minutes leaves room.
OVERLAP = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ChangePage:
    """One step of an incremental refresh, applied as one transaction.

    `changed` holds customers created or changed (as they now are; the service leaves rows whose
    content is what it holds untouched), `deleted` ids gone at the provider. Only the last page is
    `complete`, and its `cursor` is what the next refresh starts from (None: a full scan again).
    """

    changed: list[Customer] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failures: list[ConsoleError] = field(default_factory=list)
    complete: bool = False
    cursor: str | None = None


async def scan_changes(pages: AsyncIterator[Any], known_ids: Collection[str]) -> AsyncIterator[ChangePage]:
    """A full listing as change pages: every customer listed, then the known ids it did not list.

    For providers with no "changed since" query (Clover, PayArc). Deletions need the whole
    listing, so they come in the last page, after every page arrived.
    """
    seen: set[str] = set()
    failures: list[ConsoleError] = []
    async for page in pages:
        seen.update(c.id for c in page.customers)
        failures += page.failures
        if page.customers:
            yield ChangePage(changed=list(page.customers))
    # A listing with failures may have missed customers that still exist: remove nothing then.
    deleted = [] if failures else sorted(set(known_ids) - seen)
    yield ChangePage(deleted=deleted, failures=failures, complete=True)


@dataclass(frozen=True, slots=True)
class TimeMark:
    """A "changed since" cursor: the time to search from and what was already read at or after it.

    `seen` maps the id of each customer (or event) read at or after `since` to its version (or
    time), so the overlap read again next time is dropped instead of applied twice. `since` is in
    the provider's clock; `taken` is when the refresh that made the mark started, in ours (for
    feeds that keep only recent history, such as Digital River's 30 days of events).
    """

    since: datetime
    seen: dict[str, str]
    taken: datetime

    def encode(self) -> str:
        return json.dumps({"since": rfc3339(self.since, timespec="milliseconds"), "seen": self.seen,
                           "taken": rfc3339(self.taken, timespec="seconds")}, separators=(",", ":"), sort_keys=True)

    @classmethod
    def decode(cls, cursor: str | None, *, provider: str) -> TimeMark | None:
        """The mark in `cursor`; None for no cursor. A cursor we cannot read is a `ProtocolError`."""
        if cursor is None:
            return None
        try:
            data = json.loads(cursor)
            since = datetime.fromisoformat(data["since"])
            taken = datetime.fromisoformat(data["taken"])
            seen = {str(k): str(v) for k, v in data["seen"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ProtocolError("The stored refresh cursor cannot be read; a full refresh is needed.",
                                field="cursor", provider=provider) from exc
        if since.tzinfo is None or taken.tzinfo is None:
            raise ProtocolError("The stored refresh cursor has no time zone.", field="cursor", provider=provider)
        return cls(since, seen, taken)


def next_mark(previous: TimeMark | None, read: Iterable[tuple[str, str, datetime]], started: datetime,
              elapsed: timedelta) -> TimeMark | None:
    """The cursor after a refresh that read `read` ((id, version, time) in the provider's clock).

    It starts `OVERLAP` plus the refresh's own duration before the latest time read, so a write
    that search had not shown yet, or one made while the refresh ran, is read next time; never
    later than that, and never earlier than the previous mark.
    """
    items = list(read)
    if not items:
        return None if previous is None else TimeMark(previous.since, previous.seen, started)
    since = max(t for _, _, t in items) - OVERLAP - elapsed
    if previous is not None and previous.since > since:
        since = previous.since
    # Everything at or after `since` was read by this refresh (its window started no later), so
    # what it read there is all the next one needs to recognise.
    return TimeMark(since, {key: version for key, version, t in items if t >= since}, started)
