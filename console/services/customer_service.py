"""One open account's customers: loading page by page, lookups, and edits made safe.

Above the HTTP core's retries this adds what only a whole use case knows: a write whose
answer was lost is read back before it is reported as failed, a delete that finds nothing
has succeeded, and a stale edit comes back with the other person's copy.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.domain import errors as e
from console.domain.capabilities import ActionSpec, Capabilities, SearchKey
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer, Group
from console.domain.query import CustomerQuery
from console.providers.base import BulkResult, CustomerProvider
from console.services.customer_index import CustomerIndex

log = logging.getLogger(__name__)


@dataclass(slots=True)
class LoadProgress:
    """How far a load has got; `total` is known only for providers that count."""

    loaded: int = 0
    total: int | None = None
    pages: int = 0
    failures: list[e.ConsoleError] = field(default_factory=list)
    done: bool = False


def changes_applied(customer: Customer, changes: CustomerChanges) -> bool:
    """True when `customer` already holds every value `changes` asks for."""
    return all(same_value(customer.value(key), changes.get(key)) for key in changes.touched())


def changed_by_others(original: Customer, current: Customer, keys: Sequence[str]) -> list[str]:
    """The keys among `keys` whose value at the provider differs from what the dialog read."""
    return [key for key in keys if not same_value(original.value(key), current.value(key))]


class CustomerService:
    """Loads, searches and edits the customers of one open account."""

    def __init__(self, provider: CustomerProvider, *, read_only: bool = False) -> None:
        self.provider = provider
        self.read_only = read_only
        caps = provider.capabilities
        self.index = CustomerIndex(search_fields=caps.search_fields, name_fields=caps.name_fields)
        self._groups: list[Group] | None = None
        # Asked before the first write (production accounts); answers True to go ahead.
        self.confirm_first_write: Callable[[], Awaitable[bool]] | None = None
        self._write_confirmed = False
        self._confirming = asyncio.Lock()

    @property
    def capabilities(self) -> Capabilities:
        return self.provider.capabilities

    async def _before_write(self) -> None:
        """Refuse writes to read-only accounts; ask once before the first write where asked to."""
        if self.read_only:
            raise e.ReadOnlyAccountError("This account is set to read-only. Switch that off in the "
                                         "account settings to make changes.", provider=self.provider.name)
        if self.confirm_first_write is None or self._write_confirmed:
            return
        async with self._confirming:  # two writes at once must not ask twice
            if not self._write_confirmed:
                if not await self.confirm_first_write():
                    raise e.CancelledByUserError("You chose not to change this account; nothing was sent.",
                                                 provider=self.provider.name)
                self._write_confirmed = True

    # -- reading ------------------------------------------------------------------------------
    async def load(self, on_progress: Callable[[LoadProgress], None] | None = None) -> LoadProgress:
        """Fetch every customer page by page into the index; customers gone since are dropped."""
        progress = LoadProgress()
        seen: set[str] = set()
        async for page in self.provider.iter_pages():
            self.index.upsert(page.customers)
            seen.update(c.id for c in page.customers)
            progress.pages += 1
            progress.loaded = len(seen)
            if page.total is not None:
                progress.total = page.total
            progress.failures.extend(page.failures)
            if on_progress is not None:
                on_progress(progress)
        if not progress.failures:
            gone = [c.id for c in self.index if c.id not in seen]
            self.index.remove(gone)
        progress.done = True
        if on_progress is not None:
            on_progress(progress)
        return progress

    async def lookup(self, key: SearchKey, value: str) -> list[Customer]:
        """Ask the provider's server for an exact match (customers not loaded yet included)."""
        if key not in self.capabilities.server_exact:
            raise e.NotSupportedError(f"{self.provider.name} cannot look up by {key.value}.",
                                      provider=self.provider.name)
        found = await self.provider.search(CustomerQuery.lookup(key, value))
        self.index.upsert(found)
        return found

    async def search(self, query: CustomerQuery) -> list[Customer]:
        found = await self.provider.search(query)
        self.index.upsert(found)
        return found

    async def fetch(self, customer_id: str) -> Customer:
        """The provider's current copy of one customer (and the index updated with it)."""
        try:
            customer = await self.provider.get(customer_id)
        except e.NotFoundError:
            self.index.remove([customer_id])
            raise
        self.index.upsert([customer])
        return customer

    async def groups(self, *, refresh: bool = False) -> list[Group]:
        if self._groups is None or refresh:
            self._groups = await self.provider.list_groups()
        return list(self._groups)

    # -- writing ------------------------------------------------------------------------------
    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        await self._before_write()
        customer = await self.provider.create(changes, idempotency_key=idempotency_key)
        self.index.upsert([customer])
        return customer

    async def create_from(self, reference: str, *, idempotency_key: str) -> Customer:
        await self._before_write()
        customer = await self.provider.create_from(reference, idempotency_key=idempotency_key)
        self.index.upsert([customer])
        return customer

    async def update(self, original: Customer, changes: CustomerChanges) -> Customer:
        """Apply `changes` to the customer as the dialog read it (`original`).

        Raises StaleVersionError (with `current`) when someone else changed it meanwhile.
        """
        await self._before_write()
        if changes.is_empty():
            return original
        if not self.capabilities.versioned:
            # No version to guard the write: compare what the dialog read with what is there now.
            current = await self.provider.get(original.id)
            if changed_by_others(original, current, sorted(changes.touched())):
                self.index.upsert([current])
                raise e.StaleVersionError("Someone else changed this customer after you opened it.",
                                          current=current, provider=self.provider.name)
        try:
            updated = await self.provider.update(original, changes)
        except e.StaleVersionError as exc:
            current = await self.provider.get(original.id)
            self.index.upsert([current])
            if changes_applied(current, changes):
                # Our own earlier attempt landed and only its answer was lost.
                return current
            raise e.StaleVersionError(exc.message, current=current, provider=exc.provider,
                                      code=exc.code) from exc
        except e.UnavailableError as exc:
            if not exc.maybe_applied:
                raise
            current = await self.provider.get(original.id)
            if not changes_applied(current, changes):
                raise
            updated = current
        self.index.upsert([updated])
        return updated

    async def delete(self, customers: Sequence[Customer]) -> BulkResult:
        """Delete customers (the bulk endpoint for several, where there is one)."""
        await self._before_write()
        if len(customers) > 1 and self.capabilities.bulk_limit:
            result = await self.provider.delete_many(customers)
        else:
            result = BulkResult(succeeded={}, failed={})
            for customer in customers:
                try:
                    await self.provider.delete(customer)
                except e.ConsoleError as exc:
                    result.failed[customer.id] = exc
                else:
                    result.succeeded[customer.id] = None
        for customer_id, error in list(result.failed.items()):
            if isinstance(error, e.NotFoundError):
                # Already gone (or our lost first attempt removed it): that is what was asked for.
                del result.failed[customer_id]
                result.succeeded[customer_id] = None
        self.index.remove(result.succeeded)
        return result

    async def set_group(self, customer: Customer, group_id: str, member: bool) -> Customer:
        await self._before_write()
        if member:
            await self.provider.add_to_group(customer, group_id)
        else:
            await self.provider.remove_from_group(customer, group_id)
        return await self.fetch(customer.id)

    async def run_action(self, customer: Customer, action: ActionSpec) -> Customer:
        return await self.update(customer, CustomerChanges(values=dict(action.values)))

    # -- sub-records (capabilities.collections) -----------------------------------------------
    async def add_item(self, customer: Customer, kind: str, values: Mapping[str, Any]) -> Customer:
        await self._before_write()
        updated = await self.provider.add_item(customer, kind, values)
        self.index.upsert([updated])
        return updated

    async def update_item(self, customer: Customer, kind: str, item_id: str,
                          values: Mapping[str, Any]) -> Customer:
        await self._before_write()
        updated = await self.provider.update_item(customer, kind, item_id, values)
        self.index.upsert([updated])
        return updated

    async def delete_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        await self._before_write()
        updated = await self.provider.delete_item(customer, kind, item_id)
        self.index.upsert([updated])
        return updated

    async def set_default_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        await self._before_write()
        updated = await self.provider.set_default_item(customer, kind, item_id)
        self.index.upsert([updated])
        return updated
