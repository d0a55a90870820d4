"""Incremental refresh of one account's local copy: what changed at the provider since the last one.

The provider's `changes_since` (console/providers/changes.py) answers pages of customers created
or changed and ids deleted; each page is applied here in one write transaction, so a process
killed midway leaves whole pages. A customer whose content is what the workspace holds is not
written; one the workspace holds at a newer version than the page (saved by an edit made while
the refresh ran) is kept as it is. The provider's next cursor is stored, with "data as of", in
the transaction of the last page only: a refresh that fails or stops keeps the old cursor, so
the next one reads again whatever this one had not finished.

Database work goes through `run`, which calls a function with the open `Workspace` where the
app keeps it (its database thread); tests pass one that calls it directly.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from console.domain.customer import Customer
from console.domain.errors import ConsoleError
from console.providers.base import CustomerProvider
from console.providers.changes import ChangePage
from console.store import accounts, changes, customers
from console.store.accounts import Refresh
from console.store.engine import Workspace

log = logging.getLogger(__name__)

T = TypeVar("T")


class WorkspaceRunner(Protocol):
    """Calls `work` with the open workspace (on the database's thread) and returns what it returns."""

    def __call__(self, work: Callable[[Workspace], T], /) -> Awaitable[T]: ...


@dataclass(slots=True)
class RefreshChanges:
    """What one incremental refresh changed in the workspace, for the window's index to reconcile."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0                    # customers the provider sent that the workspace already held as sent
    complete: bool = False                # reached the provider's last page (cursor and data-as-of stored)
    failures: list[ConsoleError] = field(default_factory=list)   # items that could not be read; retried next time
    error: ConsoleError | None = None     # what stopped an incomplete refresh


@dataclass(frozen=True, slots=True)
class PageApplied:
    """One page as committed: the customers written (added or updated) and the ids removed."""

    saved: list[Customer]
    removed: list[str]


@dataclass(frozen=True, slots=True)
class _Start:
    refresh: Refresh
    cursor: str | None
    known: set[str]


async def incremental_refresh(provider: CustomerProvider, account_id: str, provider_key: str,
                              run: WorkspaceRunner, *,
                              clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                              on_page: Callable[[PageApplied], None] | None = None) -> RefreshChanges:
    """Bring the account's local copy up to date with `provider.changes_since`; what changed.

    `on_page` is told of each page once it is committed (for a window to update its rows as they
    come). A provider error stops the refresh and is returned in `error` (pages applied so far
    stay); other exceptions propagate. Without a stored cursor this is a full refresh: every
    customer is read, and what the workspace holds that the provider no longer has is removed.
    """
    start = await run(lambda ws: _begin(ws, account_id, provider_key, clock()))
    result = RefreshChanges()
    try:
        async for page in provider.changes_since(start.cursor, start.known):
            applied = await run(functools.partial(_apply, refresh=start.refresh, page=page, now=clock(),
                                                  result=result))
            if on_page is not None and (applied.saved or applied.removed):
                on_page(applied)
    except ConsoleError as exc:
        log.info("incremental refresh of %s stopped: %s", account_id, exc)
        result.error = exc
    return result


def _begin(workspace: Workspace, account_id: str, provider_key: str, now: datetime) -> _Start:
    with workspace.write() as connection:
        state = accounts.refresh_state(connection, account_id)
        refresh = accounts.begin_refresh(connection, account_id, provider_key, now)
        known = changes.customer_ids(connection, account_id)
    # A cursor left by another provider, or by nothing, means a full listing.
    cursor = state.cursor if state is not None and state.provider == provider_key else None
    return _Start(refresh, cursor if isinstance(cursor, str) else None, known)


def _apply(workspace: Workspace, refresh: Refresh, page: ChangePage, now: datetime,
           result: RefreshChanges) -> PageApplied:
    """One page in one transaction; `result` is added to only once the transaction committed."""
    added: list[str] = []
    updated: list[str] = []
    unchanged = 0
    with workspace.write() as connection:
        account_id = refresh.account_id
        stored = changes.documents(connection, account_id, [c.id for c in page.changed] + page.deleted)
        to_save: dict[str, Customer] = {}
        for customer in page.changed:
            document = customers.encode(customer)
            held = stored.get(customer.id)
            if held == document or (held is not None and _newer(customers.decode(held), customer)):
                unchanged += 1
                continue
            if customer.id not in to_save:
                (updated if held is not None else added).append(customer.id)
            to_save[customer.id] = customer
            stored[customer.id] = document
        customers.save_page(connection, account_id, list(to_save.values()), now)
        removed = [i for i in dict.fromkeys(page.deleted) if i in stored]
        customers.remove_customers(connection, account_id, removed)
        if page.complete:
            accounts.complete_refresh(connection, refresh, now, full=False, cursor=page.cursor)
    gone = set(removed)
    earlier = set(result.added)
    result.added += [i for i in added if i not in gone]
    result.updated += [i for i in updated if i not in gone and i not in earlier]
    if gone & earlier or gone & set(result.updated):   # made or changed earlier in this refresh, now gone
        result.added = [i for i in result.added if i not in gone]
        result.updated = [i for i in result.updated if i not in gone]
    result.removed += removed
    result.unchanged += unchanged
    result.failures += page.failures
    result.complete = page.complete
    return PageApplied(saved=[c for c in to_save.values() if c.id not in gone], removed=removed)


def _newer(held: Customer, sent: Customer) -> bool:
    """Whether the held customer is a later version than the one sent (an edit saved during the refresh)."""
    if held.version and sent.version and held.version.isdigit() and sent.version.isdigit():
        return int(held.version) > int(sent.version)
    if held.updated_at is not None and sent.updated_at is not None:
        return held.updated_at > sent.updated_at
    return False
