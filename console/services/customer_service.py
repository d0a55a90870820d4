"""One open account's customers: loading page by page, lookups, and edits made safe.

Above the HTTP core's retries this adds what only a whole use case knows: a write whose
answer was lost is read back before it is reported as failed, a delete that finds nothing
has succeeded, and a stale edit comes back with the other person's copy.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from console.domain import errors as e
from console.domain.capabilities import ActionSpec, Capabilities, SearchKey
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer, Group
from console.domain.query import CustomerQuery
from console.domain.validation import card_number_fields, clearing_problems
from console.providers.base import BulkResult, CustomerProvider
from console.services.customer_index import CustomerIndex
from console.services.write_confirmation import WriteConfirmations

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


# How far a provider's clock may run behind ours when matching a read-back create.
_CLOCK_SLACK = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class _CreateAttempt:
    before: frozenset[str]     # ids already known when the first attempt started
    started: datetime


def _maybe_applied(error: e.ConsoleError) -> bool:
    """Whether a failed write may still have taken effect (its answer was lost or unreadable)."""
    if isinstance(error, e.UnavailableError):
        return error.maybe_applied
    return isinstance(error, e.ProtocolError)


def _created_since(customer: Customer, start: datetime) -> bool:
    created = customer.created_at
    if created is None:
        return True
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created >= start


class CustomerService:
    """Loads, searches and edits the customers of one open account."""

    def __init__(self, provider: CustomerProvider, *, read_only: bool = False, account_id: str = "",
                 confirmations: WriteConfirmations | None = None) -> None:
        self.provider = provider
        self.read_only = read_only
        self.account_id = account_id
        caps = provider.capabilities
        self.index = CustomerIndex(search_fields=caps.search_fields, name_fields=caps.name_fields,
                                   status_field=caps.status_filter.key if caps.status_filter else None)
        self._groups: list[Group] | None = None
        # Asked before the first write to this account in this app session (production accounts);
        # answers True to go ahead. Who has agreed is kept app-wide in `confirmations`.
        self.confirm_first_write: Callable[[], Awaitable[bool]] | None = None
        self.confirmations = confirmations if confirmations is not None else WriteConfirmations()
        self._confirming = asyncio.Lock()
        # Creates whose answer was lost, by idempotency key: read back before trying again.
        self._unconfirmed_creates: dict[str, _CreateAttempt] = {}

    @property
    def capabilities(self) -> Capabilities:
        return self.provider.capabilities

    @property
    def provider_name(self) -> str:
        """The provider's name as people know it (e.g. "Authorize.net")."""
        return self.provider.name

    @staticmethod
    def new_idempotency_key() -> str:
        """A key for one logical create: made once per dialog, so Save again after a lost answer reuses it."""
        return uuid.uuid4().hex

    async def _before_write(self) -> None:
        """Refuse writes to read-only accounts; ask once before the first write where asked to."""
        if self.read_only:
            raise e.ReadOnlyAccountError("This account is set to read-only. Switch that off in the "
                                         "account settings to make changes.", provider=self.provider.name)
        if self.confirm_first_write is None or self.confirmations.is_confirmed(self.account_id):
            return
        async with self._confirming:  # two writes at once must not ask twice
            if not self.confirmations.is_confirmed(self.account_id):
                if not await self.confirm_first_write():
                    raise e.CancelledByUserError("You chose not to change this account; nothing was sent.",
                                                 provider=self.provider.name)
                self.confirmations.record(self.account_id)

    def _refuse_card_numbers(self, values: Mapping[str, Any], kind: str | None = None) -> None:
        """No path may store a card number in a free-text field (PCI DSS), whatever the dialog checked."""
        if kind is None:
            specs = self.capabilities.fields
        else:
            known = [c for c in self.capabilities.collections if c.kind == kind]
            specs = known[0].fields if known else ()  # an unknown kind is the provider's to refuse
        if found := card_number_fields(specs, values):
            raise e.InvalidInputError(next(iter(found.values())), field_errors=found,
                                      provider=self.provider.name)

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
        """Create once: a retry with the same key never makes a second customer.

        Where the provider honours idempotency keys the key does that; elsewhere an attempt whose
        answer was lost is remembered, and the next attempt with the key first looks for it.
        """
        self._refuse_card_numbers(changes.values)
        await self._before_write()
        unconfirmed = self._unconfirmed_creates.get(idempotency_key)
        if unconfirmed is not None:
            found = await self._find_created(changes, unconfirmed)
            if found is not None:
                del self._unconfirmed_creates[idempotency_key]
                self.index.upsert([found])
                return found
        attempt = unconfirmed or _CreateAttempt(before=frozenset(c.id for c in self.index),
                                               started=datetime.now(UTC))
        try:
            customer = await self.provider.create(changes, idempotency_key=idempotency_key)
        except e.DuplicateError as exc:
            # After an attempt whose answer was lost, "already exists" may be that very attempt.
            if unconfirmed is None or exc.existing_id is None:
                raise
            existing = await self.provider.get(exc.existing_id)
            if existing.id in unconfirmed.before or not changes_applied(existing, changes):
                raise
            del self._unconfirmed_creates[idempotency_key]
            customer = existing
        except (e.UnavailableError, e.ProtocolError) as exc:
            if self.capabilities.idempotent_create or not _maybe_applied(exc):
                raise
            self._unconfirmed_creates[idempotency_key] = attempt
            found = await self._find_created(changes, attempt, quiet=True)
            if found is None:
                raise
            del self._unconfirmed_creates[idempotency_key]
            customer = found
        else:
            self._unconfirmed_creates.pop(idempotency_key, None)
        self.index.upsert([customer])
        return customer

    async def _find_created(self, changes: CustomerChanges, attempt: _CreateAttempt, *,
                            quiet: bool = False) -> Customer | None:
        """The customer an earlier create attempt made, if it landed (read back from the provider)."""
        candidates: list[Customer] = []
        try:
            lookup = next(((key, changes.get(key.value)) for key in (SearchKey.REFERENCE_ID, SearchKey.EMAIL)
                           if key in self.capabilities.server_exact and changes.get(key.value)), None)
            if lookup is not None:
                candidates = await self.provider.search(CustomerQuery.lookup(lookup[0], str(lookup[1])))
            else:
                async for page in self.provider.iter_pages():
                    candidates.extend(page.customers)
        except e.ConsoleError:
            if quiet:
                return None  # the next attempt with this key reads back again
            raise
        # Made by us: new since the attempt began, and holding exactly what we sent.
        window_start = attempt.started - _CLOCK_SLACK
        matches = [c for c in candidates if c.id not in attempt.before and changes_applied(c, changes)
                   and _created_since(c, window_start)]
        return matches[0] if matches else None

    async def create_from(self, reference: str, *, idempotency_key: str) -> Customer:
        await self._before_write()
        customer = await self.provider.create_from(reference, idempotency_key=idempotency_key)
        self.index.upsert([customer])
        return customer

    async def update(self, original: Customer, changes: CustomerChanges) -> Customer:
        """Apply `changes` to the customer as the dialog read it (`original`).

        Raises StaleVersionError (with `current`) when someone else changed it meanwhile, and
        InvalidInputError, sending nothing, when it would clear a field the provider cannot clear.
        """
        self._refuse_card_numbers(changes.values)
        self._refuse_clearing(original, changes)
        await self._before_write()
        if changes.is_empty():
            return original
        if not self.capabilities.versioned:
            # No version to guard the write: compare what the dialog read with what is there now.
            # A field that already holds our value is no conflict (our earlier attempt may have landed).
            current = await self.provider.get(original.id)
            if any(not same_value(current.value(key), changes.get(key))
                   for key in changed_by_others(original, current, sorted(changes.touched()))):
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
        except (e.UnavailableError, e.ProtocolError) as exc:
            if not _maybe_applied(exc):
                raise
            updated = await self._read_back_update(original, changes, exc)
        self.index.upsert([updated])
        return updated

    def _refuse_clearing(self, original: Customer, changes: CustomerChanges) -> None:
        touched = sorted(changes.touched())
        problems = clearing_problems(self.capabilities, {k: original.value(k) for k in touched},
                                     {k: changes.get(k) for k in touched})
        if problems:
            labels = ", ".join(self.capabilities.field(k).label for k in problems)
            raise e.InvalidInputError(f"{self.capabilities.display_name} cannot clear {labels}; nothing was sent.",
                                      field_errors={k: p.message for k, p in problems.items()},
                                      provider=self.provider.name)

    async def _read_back_update(self, original: Customer, changes: CustomerChanges,
                                lost: e.ConsoleError) -> Customer:
        """After an update whose answer was lost: the provider's copy if it landed, else why not.

        Landed: the copy is what was saved. Not landed and untouched since the dialog read it:
        the original error, so Save may simply be pressed again. Changed by someone else
        meanwhile (whether or not ours landed first): StaleVersionError with their copy, since
        pressing Save again would overwrite what they did.
        """
        try:
            current = await self.provider.get(original.id)
        except e.NotFoundError:
            self.index.remove([original.id])
            raise
        except e.ConsoleError as exc:
            raise lost from exc   # the outcome is still unknown
        self.index.upsert([current])
        if changes_applied(current, changes):
            return current
        others = changed_by_others(original, current, sorted(changes.touched()))
        if others or (self.capabilities.versioned and current.version != original.version):
            raise e.StaleVersionError("Someone else changed this customer while your change was on its way; "
                                      "yours is not there now.", current=current,
                                      provider=self.provider.name) from lost
        raise lost

    async def delete_many(self, customers: Sequence[Customer]) -> BulkResult:
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
        self._refuse_card_numbers(values, kind)
        await self._before_write()
        updated = await self.provider.add_item(customer, kind, values)
        self.index.upsert([updated])
        return updated

    async def update_item(self, customer: Customer, kind: str, item_id: str,
                          values: Mapping[str, Any]) -> Customer:
        self._refuse_card_numbers(values, kind)
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
