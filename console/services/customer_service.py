"""One open account's customers: loading, lookups, and edits made safe, each write through one path.

Above the HTTP core's retries this adds what only a whole use case knows: a write whose
answer was lost is read back before it is reported as failed (lost_answers.py), a delete that
finds nothing has succeeded, and a stale edit comes back with the other person's copy. Every
write passes `_before_write` (read-only, production confirmation) and, once sent, the
after-write hooks (`after_write`), exactly once per customer written.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from console.domain import errors as e
from console.domain.capabilities import ActionSpec, Capabilities, CollectionKind, SearchKey
from console.domain.card_forms import CardFormCompletion
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer, Group
from console.domain.query import CustomerQuery
from console.domain.validation import card_number_fields, clearing_problems
from console.providers.base import BulkResult, CustomerProvider
from console.services.customer_index import CustomerIndex
from console.services.customer_loading import IncrementalRefresh, LoadProgress, load_customers, load_local
from console.services.deferred_provider import DeferredProvider
from console.services.incremental_loading import refresh_changes
from console.services.journal import AccountJournal, finish_of, new_group
from console.services.journal_links import current_links
from console.services.lost_answers import (
    CreateAttempt,
    changed_by_others,
    changes_applied,
    find_created,
    maybe_applied,
    read_back_update,
)
from console.services.shared_customers import load_shared_copy
from console.services.workspace import AccountCopy, LocalCopy
from console.services.write_confirmation import WriteConfirmations
from console.services.write_records import AfterWrite, WriteOp, WriteRecord, sent_values

__all__ = ["CustomerService", "LoadProgress", "changed_by_others", "changes_applied"]

log = logging.getLogger(__name__)

T = TypeVar("T")
Each = Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]   # sends one request (a job's limiter)


class CustomerService:
    """Loads, searches and edits the customers of one open account."""

    def __init__(self, provider: CustomerProvider | DeferredProvider, *, read_only: bool = False,
                 account_id: str = "", confirmations: WriteConfirmations | None = None,
                 local: AccountCopy | None = None, capabilities: Capabilities | None = None) -> None:
        """`provider`: the client, or one built when first needed (then `capabilities` are its class's)."""
        if isinstance(provider, DeferredProvider):
            if capabilities is None:
                raise TypeError("a deferred provider needs its capabilities")
            self._deferred = provider
        else:
            self._deferred = DeferredProvider.made(provider)
            capabilities = provider.capabilities
        self._capabilities = capabilities
        self.read_only = read_only
        self.account_id = account_id
        self.index = CustomerIndex.for_capabilities(capabilities)
        self._groups: list[Group] | None = None
        # Asked before the first write to this account in this app session (production accounts);
        # answers True to go ahead. Who has agreed is kept app-wide in `confirmations`.
        self.confirm_first_write: Callable[[], Awaitable[bool]] | None = None
        self.confirmations = confirmations if confirmations is not None else WriteConfirmations()
        self._confirming = asyncio.Lock()
        # Told about every write once its outcome is known (a journal, later).
        self.after_write: list[AfterWrite] = []
        self.journal: AccountJournal | None = None   # where every write is journaled (none: not kept)
        self.journal_group: str | None = None        # the writes of one save share it (see grouped)
        self.journal_links: dict[str, str] = {}      # "reverts"/"replaces" for the writes of a revert
        # Creates whose answer was lost, by idempotency key: read back before trying again.
        self._unconfirmed_creates: dict[str, CreateAttempt] = {}
        # The account's rows in the workspace database (None: no local copy is kept), and the
        # cheaper refresh of what changed, tried before a full scan once the account is held.
        self.local: AccountCopy | None = None
        self.incremental: IncrementalRefresh | None = refresh_changes
        self.keep_locally(local)

    @property
    def provider(self) -> CustomerProvider:
        """The account's client (built now, on this thread, if nothing has asked for it yet)."""
        return self._deferred.get()

    @property
    def provider_built(self) -> bool:
        """Whether the account's client has been built (`provider` would not build it now)."""
        return self._deferred.built

    async def provider_ready(self) -> CustomerProvider:
        """The account's client, built on a worker thread if nothing has asked for it yet."""
        return await self._deferred.ready()

    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities

    @property
    def provider_name(self) -> str:
        """The provider's name as people know it (e.g. "Authorize.net")."""
        return self._capabilities.display_name

    @staticmethod
    def new_idempotency_key() -> str:
        """A key for one logical create: made once per dialog, so Save again after a lost answer reuses it."""
        return uuid.uuid4().hex

    # -- the write path -----------------------------------------------------------------------
    async def _before_write(self) -> None:
        """Refuse writes to read-only accounts, and to a team workspace's accounts while its server is away;
        ask before the first write to the account where asked to."""
        if self.read_only:
            raise e.ReadOnlyAccountError("This account is set to read-only. Switch that off in the "
                                         "account settings to make changes.", provider=self.provider.name)
        if self.local is not None and self.local.away:
            raise e.TeamWorkspaceAwayError("The team workspace cannot be reached, so its accounts are read-only "
                                           "until it is back. Your edits are kept; save again then.",
                                           provider=self.provider.name)
        if self.confirm_first_write is None or self.confirmations.is_confirmed(self.account_id):
            return
        async with self._confirming:  # two writes at once must not ask twice
            if not self.confirmations.is_confirmed(self.account_id):
                if not await self.confirm_first_write():
                    raise e.CancelledByUserError("You chose not to change this account; nothing was sent.",
                                                 provider=self.provider.name)
                self.confirmations.record(self.account_id)

    def keep_locally(self, local: AccountCopy | None) -> None:
        """Keep this account's customers in `local` from now on (None: keep no local copy)."""
        self.local = local
        if local is not None:
            local.row_keys = self.index.row_keys   # so a warm start need not decode them (stored_rows.py)
            local.scan_keys = _kept_scan_keys      # so a duplicate scan need not read them (duplicate_kept_keys.py)
        if local is not None and self._keep_locally not in self.after_write:
            self.after_write.append(self._keep_locally)
        elif local is None and self._keep_locally in self.after_write:
            self.after_write.remove(self._keep_locally)

    def _keep_locally(self, record: WriteRecord) -> None:
        """A write that succeeded changes the customer's row in the workspace too."""
        if self.local is None or not record.succeeded or record.customer_id is None:
            return
        if record.operation is WriteOp.DELETE:
            self.local.remove([record.customer_id])
        elif record.customer is not None:
            self.local.save_page([record.customer])
        # A write that answers without the customer (group membership) is followed by `fetch`.

    def _after_write(self, record: WriteRecord) -> None:
        for hook in list(self.after_write):
            try:
                hook(record)
            except Exception:
                # The write has happened either way; its outcome must still reach the caller.
                log.exception("an after-write hook failed (%s)", record.operation)

    @contextlib.contextmanager
    def grouped(self) -> Iterator[str]:
        """The writes made inside are journaled as one save (History shows them together)."""
        outer, self.journal_group = self.journal_group, self.journal_group or new_group()
        try:
            yield self.journal_group
        finally:
            self.journal_group = outer

    async def _intend(self, records: Sequence[tuple[WriteRecord, Customer | None]],
                      links: Sequence[Mapping[str, str]] | None = None) -> list[str]:
        """Journal what the writes are about to change, on disk before anything is sent ([] when
        no journal is kept); `links` are each record's own (a copy's source). A journal that cannot be
        written is logged; the write still goes."""
        if self.journal is None:
            return []
        shared = {**self.journal_links, **current_links()}
        intents = [self.journal.intent_of(record, before, self._name_for(record, before), group_id=self.journal_group,
                                          **{**shared, **(links[n] if links else {})})
                   for n, (record, before) in enumerate(records)]
        try:
            return await self.journal.intend(intents)
        except Exception:
            log.exception("journaling a write failed (%s)", records[0][0].operation if records else "")
            return []

    def _name_for(self, record: WriteRecord, before: Customer | None) -> str:
        if before is not None:
            return self.index.name(before)
        values = record.changes
        named = " ".join(str(values[k]) for k in ("given_name", "family_name") if values.get(k))
        return named or str(values.get("company") or values.get("email") or values.get("description") or "")

    def _finish(self, entry_ids: list[str], record: WriteRecord) -> None:
        if self.journal is not None and entry_ids and not isinstance(record.error, asyncio.CancelledError):
            # A cancelled write may or may not have landed: it stays in doubt, resolved by reading back.
            self.journal.finish(entry_ids[0], finish_of(record))

    async def _recorded(self, record: WriteRecord, write: Awaitable[T], before: Customer | None = None) -> T:
        """Journal the intent, await `write`, then tell the journal and the after-write hooks its
        outcome, success or failure."""
        try:
            entry_ids = await self._intend([(record, before)])
        except BaseException:
            if inspect.iscoroutine(write):
                write.close()   # never sent
            raise
        try:
            result = await write
        except BaseException as exc:
            failed = replace(record, error=exc)
            self._after_write(failed)
            self._finish(entry_ids, failed)
            raise
        if isinstance(result, Customer):
            record = replace(record, customer_id=result.id, customer=result)
        self._after_write(record)
        self._finish(entry_ids, record)
        return result

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
    async def load_local(self, on_batch: Callable[[int], None] | None = None,
                         on_searchable: Callable[[int], None] | None = None) -> LocalCopy | None:
        """Put the customers the workspace kept for this account into the index (None: none kept),
        a batch at a time in the order the provider listed them; `on_batch` is told each batch's size,
        `on_searchable` the rows held once every kept row is searchable (documents may still come)."""
        return await load_local(self.local, self.index, on_batch, on_searchable)

    async def load(self, on_progress: Callable[[LoadProgress], None] | None = None) -> LoadProgress:
        """Fetch every customer page by page into the index (and the workspace); customers gone since are dropped.

        In a team workspace one console refreshes an account at a time; one that waited for another's
        refresh reads its result from the shared copy instead of asking the provider again."""
        local = self.local
        provider = await self.provider_ready()
        if local is None or not local.shared:
            return await load_customers(provider, self.index, on_progress, local=local,
                                        incremental=self.incremental)
        async with local.refresh_turn() as mine:
            if not mine:
                return await load_shared_copy(self, on_progress)
            return await load_customers(provider, self.index, on_progress, local=local,
                                        incremental=self.incremental)

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
            if self.local is not None:
                self.local.remove([customer_id])
            raise
        self.index.upsert([customer])
        if self.local is not None:
            self.local.save_page([customer])
        return customer

    async def groups(self, *, refresh: bool = False) -> list[Group]:
        if self._groups is None or refresh:
            self._groups = await self.provider.list_groups()
        return list(self._groups)

    # -- creating -----------------------------------------------------------------------------
    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        """Create once: a retry with the same key never makes a second customer.

        Where the provider honours idempotency keys the key does that; elsewhere an attempt whose
        answer was lost is remembered, and the next attempt with the key first looks for it.
        """
        self._refuse_card_numbers(changes.values)
        await self._before_write()
        return await self._recorded(WriteRecord(WriteOp.CREATE, None, sent_values(changes)),
                                    self._create(changes, idempotency_key))

    async def _create(self, changes: CustomerChanges, idempotency_key: str) -> Customer:
        unconfirmed = self._unconfirmed_creates.get(idempotency_key)
        if unconfirmed is not None:
            found = await find_created(self.provider, changes, unconfirmed)
            if found is not None:
                del self._unconfirmed_creates[idempotency_key]
                self.index.upsert([found])
                return found
        attempt = unconfirmed or CreateAttempt(before=frozenset(self.index.ids()),
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
            if self.capabilities.idempotent_create or not maybe_applied(exc):
                raise
            self._unconfirmed_creates[idempotency_key] = attempt
            found = await find_created(self.provider, changes, attempt, quiet=True)
            if found is None:
                raise
            del self._unconfirmed_creates[idempotency_key]
            customer = found
        else:
            self._unconfirmed_creates.pop(idempotency_key, None)
        self.index.upsert([customer])
        return customer

    async def create_from(self, reference: str, *, idempotency_key: str) -> Customer:
        """A new customer made from a provider record (capabilities.create_from), e.g. a transaction."""
        await self._before_write()
        customer = await self._recorded(WriteRecord(WriteOp.CREATE_FROM, None, target=reference),
                                        self.provider.create_from(reference, idempotency_key=idempotency_key))
        self.index.upsert([customer])
        return customer

    # -- updating -----------------------------------------------------------------------------
    async def update(self, original: Customer, changes: CustomerChanges) -> Customer:
        """Apply `changes` to the customer as the dialog read it (`original`).

        Raises StaleVersionError (with `current`) when someone else changed it meanwhile, and
        InvalidInputError, sending nothing, when it would clear a field the provider cannot clear.
        """
        return await self._update(original, changes, WriteRecord(WriteOp.UPDATE, original.id))

    async def run_action(self, customer: Customer, action: ActionSpec) -> Customer:
        """One of the provider's one-click updates (capabilities.actions), made as an update."""
        return await self._update(customer, CustomerChanges(values=dict(action.values)),
                                  WriteRecord(WriteOp.ACTION, customer.id, target=action.key))

    async def _update(self, original: Customer, changes: CustomerChanges, record: WriteRecord) -> Customer:
        self._refuse_card_numbers(changes.values)
        self._refuse_clearing(original, changes)
        await self._before_write()
        if changes.is_empty():
            return original
        return await self._recorded(replace(record, changes=sent_values(changes)), self._send_update(original, changes),
                                    before=original)

    async def _send_update(self, original: Customer, changes: CustomerChanges) -> Customer:
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
            if not maybe_applied(exc):
                raise
            updated = await read_back_update(self.provider, self.index, original, changes, exc)
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

    # -- deleting -----------------------------------------------------------------------------
    async def delete_many(self, customers: Sequence[Customer]) -> BulkResult:
        """Delete customers (the provider's bulk endpoint for several, where it has one).

        A customer already gone counts as deleted: that is what was asked for (or our own
        earlier attempt, whose answer was lost, removed it).
        """
        await self._before_write()
        with self.grouped():   # one question, one delete: one group in History
            entry_ids = await self._intend([(WriteRecord(WriteOp.DELETE, c.id), c) for c in customers])
        ids = dict(zip((c.id for c in customers), entry_ids, strict=False))
        try:
            result = await self.provider.delete_many(customers)
        except BaseException as exc:
            for customer in customers:
                record = WriteRecord(WriteOp.DELETE, customer.id, error=exc)
                self._after_write(record)
                self._finish([ids[customer.id]] if customer.id in ids else [], record)
            raise
        for customer_id, error in list(result.failed.items()):
            if isinstance(error, e.NotFoundError):
                del result.failed[customer_id]
                result.succeeded[customer_id] = None
        self.index.remove(result.succeeded)
        for customer in customers:
            record = WriteRecord(WriteOp.DELETE, customer.id, error=result.failed.get(customer.id))
            self._after_write(record)
            self._finish([ids[customer.id]] if customer.id in ids else [], record)
        return result

    # -- many writes at once (a job's): the provider's bulk calls where it has them -----------------
    async def create_many(self, items: Sequence[tuple[str, CustomerChanges]], *, each: Each | None = None,
                          links: Mapping[str, Mapping[str, str]] | None = None) -> BulkResult:
        """Create customers, keyed by each one's idempotency key: in the provider's bulk calls where it
        has them (a key sent again gives back the customer it made), else one request each, all at
        once, each through `each` (a job's rate limit). Each is its own journal entry: the intents in
        one transaction before anything is sent, the outcomes in one after; a refused item fails alone."""
        await self._before_write()
        refused: dict[str, e.ConsoleError] = {}
        records: dict[str, tuple[WriteRecord, Customer | None]] = {}
        for key, changes in items:
            try:
                self._refuse_card_numbers(changes.values)
            except e.InvalidInputError as exc:
                refused[key] = exc
                continue
            records[key] = (WriteRecord(WriteOp.CREATE, None, sent_values(changes)), None)
        sending = {key: changes for key, changes in items if key in records}
        if self.capabilities.bulk_limit:
            return await self._bulk_recorded(records, refused, lambda: _through(
                each, lambda: self.provider.create_many(sending)), links)
        return await self._bulk_recorded(records, refused, lambda: _one_each(
            list(sending), lambda key: self._create(sending[key], key), each), links)

    async def update_many(self, items: Sequence[tuple[Customer, CustomerChanges]], *,
                          each: Each | None = None) -> BulkResult:
        """Update customers (each as read), as `create_many` does; results keyed by customer id."""
        await self._before_write()
        refused: dict[str, e.ConsoleError] = {}
        records: dict[str, tuple[WriteRecord, Customer | None]] = {}
        sending: dict[str, tuple[Customer, CustomerChanges]] = {}
        for original, changes in items:
            try:
                self._refuse_card_numbers(changes.values)
                self._refuse_clearing(original, changes)
            except e.InvalidInputError as exc:
                refused[original.id] = exc
                continue
            records[original.id] = (WriteRecord(WriteOp.UPDATE, original.id, sent_values(changes)), original)
            sending[original.id] = (original, changes)
        if self.capabilities.bulk_limit:
            return await self._bulk_recorded(records, refused, lambda: _through(
                each, lambda: self.provider.update_many(list(sending.values()))))
        return await self._bulk_recorded(records, refused, lambda: _one_each(
            list(sending), lambda key: self._send_update(*sending[key]), each))

    async def fetch_many(self, customer_ids: Sequence[str], *, each: Each | None = None) -> BulkResult:
        """The provider's current copies of several customers (its bulk reads where it has them), the
        index and the local copy updated; those not found are in `failed`."""
        if self.capabilities.bulk_limit:
            result = await _through(each, lambda: self.provider.get_many(customer_ids))
        else:
            result = await _one_each(list(customer_ids), self.provider.get, each)
        found = [c for c in result.succeeded.values() if c is not None]
        self.index.upsert(found)
        gone = [i for i, error in result.failed.items() if isinstance(error, e.NotFoundError)]
        self.index.remove(gone)
        if self.local is not None:
            if found:
                self.local.save_page(found)
            if gone:
                self.local.remove(gone)
        return result

    async def _bulk_recorded(self, records: dict[str, tuple[WriteRecord, Customer | None]],
                             refused: dict[str, e.ConsoleError], send: Callable[[], Awaitable[BulkResult]],
                             links: Mapping[str, Mapping[str, str]] | None = None) -> BulkResult:
        keys = list(records)
        own = [links.get(k, {}) for k in keys] if links else None
        entry_ids = dict(zip(keys, await self._intend([records[k] for k in keys], own), strict=False))
        result = BulkResult(succeeded={}, failed={})
        if keys:
            try:
                result = await send()
            except BaseException as exc:
                self._after_writes(keys, [replace(records[k][0], error=exc) for k in keys], entry_ids)
                raise
        finished: list[WriteRecord] = []
        for key in keys:
            record, customer = records[key][0], result.succeeded.get(key)
            if key in result.failed or customer is None:
                error = result.failed.get(key) or e.ProtocolError(f"{self.provider.name} said nothing about one "
                                                                  "of the customers.", provider=self.provider.name)
                result.failed[key] = error
                finished.append(replace(record, error=error))
            else:
                finished.append(replace(record, customer_id=customer.id, customer=customer))
        self.index.upsert([r.customer for r in finished if r.customer is not None])
        self._after_writes(keys, finished, entry_ids)
        result.failed.update(refused)
        return result

    def _after_writes(self, keys: list[str], records: list[WriteRecord], entry_ids: dict[str, str]) -> None:
        """The after-write hooks and the journal's outcomes for a bulk write (the local copy and the
        outcomes each in one transaction)."""
        for hook in list(self.after_write):
            if hook == self._keep_locally and self.local is not None:
                saved = [r.customer for r in records if r.succeeded and r.customer is not None]
                if saved:
                    self.local.save_page(saved)
                continue
            for record in records:
                try:
                    hook(record)
                except Exception:
                    log.exception("an after-write hook failed (%s)", record.operation)
        if self.journal is not None:
            self.journal.finish_many([(entry_ids[k], finish_of(r)) for k, r in zip(keys, records, strict=True)
                                      if k in entry_ids and not isinstance(r.error, asyncio.CancelledError)])

    # -- group membership ---------------------------------------------------------------------
    async def set_group(self, customer: Customer, group_id: str, member: bool) -> Customer:
        """Add `customer` to the group or take it out; returns the provider's copy afterwards."""
        await self._before_write()
        operation = WriteOp.ADD_TO_GROUP if member else WriteOp.REMOVE_FROM_GROUP
        send = self.provider.add_to_group if member else self.provider.remove_from_group
        await self._recorded(WriteRecord(operation, customer.id, target=group_id), send(customer, group_id),
                             before=customer)
        return await self.fetch(customer.id)

    # -- sub-records (capabilities.collections) -----------------------------------------------
    async def add_item(self, customer: Customer, kind: str, values: Mapping[str, Any]) -> Customer:
        self._refuse_card_numbers(values, kind)
        return await self._item_write(WriteRecord(WriteOp.ADD_ITEM, customer.id, dict(values), kind=kind),
                                      lambda: self.provider.add_item(customer, kind, values), customer)

    async def update_item(self, customer: Customer, kind: str, item_id: str,
                          values: Mapping[str, Any]) -> Customer:
        self._refuse_card_numbers(values, kind)
        return await self._item_write(
            WriteRecord(WriteOp.UPDATE_ITEM, customer.id, dict(values), kind=kind, target=item_id),
            lambda: self.provider.update_item(customer, kind, item_id, values), customer)

    async def delete_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        return await self._item_write(WriteRecord(WriteOp.DELETE_ITEM, customer.id, kind=kind, target=item_id),
                                      lambda: self.provider.delete_item(customer, kind, item_id), customer)

    async def set_default_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        return await self._item_write(
            WriteRecord(WriteOp.SET_DEFAULT_ITEM, customer.id, kind=kind, target=item_id),
            lambda: self.provider.set_default_item(customer, kind, item_id), customer)

    # -- cards on file (capabilities.card_form) ----------------------------------------------------
    async def ready_to_write(self) -> None:
        """Refuse now, or ask now, what the next write would refuse or ask (before staff type a card)."""
        await self._before_write()

    async def attach_card(self, customer: Customer, completion: CardFormCompletion) -> Customer:
        """Attach what the provider's hosted card form returned; the customer with the new card, masked."""
        key = self.new_idempotency_key()
        return await self._item_write(
            WriteRecord(WriteOp.ATTACH_CARD, customer.id, kind=CollectionKind.PAYMENT_METHODS.value),
            lambda: self.provider.attach_card(customer, completion, idempotency_key=key), customer)

    async def _item_write(self, record: WriteRecord, send: Callable[[], Awaitable[Customer]],
                          before: Customer) -> Customer:
        updated = await self.write(record, send, before)
        self.index.upsert([updated])
        return updated

    # -- other writes (custom fields: see custom_field_service) --------------------------------
    async def write(self, record: WriteRecord, send: Callable[[], Awaitable[T]], before: Customer | None = None) -> T:
        """Send one write of another use case through the same before- and after-write hooks and the
        journal (`before`: the customer as it was, for the journal's before values)."""
        await self._before_write()
        return await self._recorded(record, send(), before)


async def _through(each: Each | None, send: Callable[[], Awaitable[T]]) -> T:
    return await (each(send) if each is not None else send())


async def _one_each(keys: list[str], send: Callable[[str], Awaitable[Customer]], each: Each | None) -> BulkResult:
    """One request per key, all at once (each through `each`); per-key results, as a bulk call gives them."""
    result = BulkResult(succeeded={}, failed={})

    async def one(key: str) -> None:
        try:
            result.succeeded[key] = await _through(each, lambda: send(key))
        except e.ConsoleError as exc:
            result.failed[key] = exc
    await asyncio.gather(*(one(key) for key in keys))
    return result


def _kept_scan_keys(page: Sequence[Customer]) -> list[str | None]:
    """`duplicate_kept_keys.kept_scan_keys`, its module (and the scan's, rapidfuzz's) imported at the first save,
    on the workspace's thread, rather than before the window shows (P9 in benchmarks/run.py)."""
    from console.services.duplicate_kept_keys import kept_scan_keys

    return kept_scan_keys(page)
