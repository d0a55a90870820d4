"""One open account's custom fields: its definitions, each loaded customer's values, and their writes.

Values are read separately from the profiles (one request per customer), so they are kept here
by customer id rather than on the index's `Customer` copies: a profile read or write replaces
those copies and would drop them. The index shows them through derived columns ('custom.<key>',
as display text), which the search covers too. Every write goes through `CustomerService.write`
(read-only accounts, production confirmation, after-write records).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.custom_field_rules import display_text, is_blank
from console.domain.custom_fields import CUSTOM_PREFIX, CustomFieldDefinition, CustomFieldValue, column_key
from console.domain.customer import Customer
from console.providers.base import CustomerProvider
from console.services.customer_service import CustomerService
from console.services.write_records import WriteOp, WriteRecord

log = logging.getLogger(__name__)

# Customers whose values are read at once; Square publishes no rate limit, and a few in flight
# keep a load of thousands short without a burst of hundreds of requests.
READ_CONCURRENCY = 4
# Values read are put into the table this many customers at a time (one model change each).
READ_BATCH = 25


@dataclass(slots=True)
class ValuesProgress:
    """How far reading the loaded customers' values has got."""

    read: int = 0
    total: int = 0
    failures: int = 0


def split_changes(changes: CustomerChanges) -> tuple[CustomerChanges, dict[str, Any]]:
    """A dialog's changes as (the profile's, the custom fields' by definition key; None clears)."""
    custom = {key[len(CUSTOM_PREFIX):]: changes.get(key) for key in sorted(changes.touched())
              if key.startswith(CUSTOM_PREFIX)}
    if not custom:
        return changes, {}
    profile = CustomerChanges(values={k: v for k, v in changes.values.items() if not k.startswith(CUSTOM_PREFIX)},
                              cleared=frozenset(k for k in changes.cleared if not k.startswith(CUSTOM_PREFIX)))
    return profile, custom


class CustomFieldService:
    """Custom field definitions (read once per session) and values of one account's customers."""

    def __init__(self, customers: CustomerService) -> None:
        self.customers = customers
        self._definitions: list[CustomFieldDefinition] | None = None
        self._values: dict[str, tuple[CustomFieldValue, ...]] = {}
        # Told when the definitions change (the table's columns follow them).
        self.definitions_changed: list[Callable[[list[CustomFieldDefinition]], None]] = []

    @property
    def provider(self) -> CustomerProvider:
        return self.customers.provider

    @property
    def available(self) -> bool:
        return self.customers.capabilities.custom_fields

    # -- definitions --------------------------------------------------------------------------
    @property
    def known_definitions(self) -> list[CustomFieldDefinition] | None:
        """The definitions as last read; None before the first read."""
        return None if self._definitions is None else list(self._definitions)

    async def definitions(self, *, refresh: bool = False) -> list[CustomFieldDefinition]:
        if self._definitions is None or refresh:
            self._set_definitions(await self.provider.custom_field_definitions())
        return list(self._definitions or [])

    def definition(self, key: str) -> CustomFieldDefinition | None:
        return next((d for d in self._definitions or () if d.key == key), None)

    def _set_definitions(self, definitions: Sequence[CustomFieldDefinition]) -> None:
        ordered = sorted(definitions, key=lambda d: d.name.casefold())
        if ordered == self._definitions:
            return   # read again unchanged: the table's columns and keys stay as they are
        self._definitions = ordered
        getters = {column_key(d.key): self._text_getter(d) for d in self._definitions}
        self.customers.index.set_derived_fields(getters)
        for listener in list(self.definitions_changed):
            listener(list(self._definitions))

    def _text_getter(self, definition: CustomFieldDefinition) -> Callable[[Customer], str]:
        values, key = self._values, definition.key

        def text(customer: Customer) -> str:
            for value in values.get(customer.id, ()):
                if value.key == key:
                    return display_text(definition, value.value)
            return ""

        return text

    async def create_definition(self, definition: CustomFieldDefinition, *,
                                idempotency_key: str) -> CustomFieldDefinition:
        created = await self.customers.write(
            WriteRecord(WriteOp.CREATE_CUSTOM_FIELD_DEFINITION, None, _definition_record(definition),
                        target=definition.key),
            lambda: self.provider.create_custom_field_definition(definition, idempotency_key=idempotency_key))
        self._set_definitions([*(d for d in self._definitions or () if d.key != created.key), created])
        return created

    async def update_definition(self, definition: CustomFieldDefinition, *,
                                idempotency_key: str) -> CustomFieldDefinition:
        """Change a definition (guarded by its version: a stale one raises ConflictError)."""
        updated = await self.customers.write(
            WriteRecord(WriteOp.UPDATE_CUSTOM_FIELD_DEFINITION, None, _definition_record(definition),
                        target=definition.key),
            lambda: self.provider.update_custom_field_definition(definition, idempotency_key=idempotency_key))
        self._set_definitions([updated if d.key == updated.key else d for d in self._definitions or ()])
        return updated

    async def delete_definition(self, key: str) -> None:
        """Delete a definition and, with it, every customer's value of it."""
        with contextlib.suppress(e.NotFoundError):   # already gone: what was asked for
            await self.customers.write(WriteRecord(WriteOp.DELETE_CUSTOM_FIELD_DEFINITION, None, target=key),
                                       partial(self.provider.delete_custom_field_definition, key))
        holders = [cid for cid, values in self._values.items() if any(v.key == key for v in values)]
        for customer_id in holders:
            self._values[customer_id] = tuple(v for v in self._values[customer_id] if v.key != key)
        self._set_definitions([d for d in self._definitions or () if d.key != key])

    async def holder_count(self, key: str) -> tuple[int, bool]:
        """How many customers hold a value of this definition, and whether the provider counted them
        (else: the loaded customers whose values were read)."""
        try:
            return await self.provider.custom_field_holders(key), True
        except e.ConsoleError:
            return self.holders(key), False

    def holders(self, key: str) -> int:
        """How many loaded customers hold a value of this definition (as far as values were read)."""
        loaded = self.customers.index.position
        return sum(1 for customer_id, values in self._values.items()
                   if loaded(customer_id) is not None and any(v.key == key and not is_blank(v.value) for v in values))

    # -- values -------------------------------------------------------------------------------
    def values_of(self, customer_id: str) -> tuple[CustomFieldValue, ...] | None:
        """A customer's values as last read; None when they have not been read."""
        return self._values.get(customer_id)

    def with_values(self, customer: Customer) -> Customer:
        """`customer` carrying its values as last read (what the dialog edits)."""
        return replace(customer, custom_fields=self._values.get(customer.id, ()))

    async def read_values(self, customer: Customer) -> Customer:
        """Read one customer's values now; returns the customer carrying them."""
        self._store(customer.id, await self.provider.custom_field_values(customer.id))
        return self.with_values(customer)

    def _store(self, customer_id: str, values: tuple[CustomFieldValue, ...], *, show: bool = True) -> None:
        self._values[customer_id] = values
        if show and (pos := self.customers.index.position(customer_id)) is not None:
            self.customers.index.refresh_keys([pos])

    async def load_values(self, on_progress: Callable[[ValuesProgress], None] | None = None,
                          concurrency: int = READ_CONCURRENCY) -> ValuesProgress:
        """Read the values of every loaded customer, a few at a time, showing them in batches."""
        index = self.customers.index
        ids = [index.id_at(pos) for pos in index.alive()]
        progress = ValuesProgress(total=len(ids))
        gate = asyncio.Semaphore(concurrency)
        stored_before: dict[str, tuple[CustomFieldValue, ...] | None] = {}

        async def read(customer_id: str) -> str | None:
            async with gate:
                before = self._values.get(customer_id)
                try:
                    values = await self.provider.custom_field_values(customer_id)
                except e.NotFoundError:
                    return None
                except e.ConsoleError as exc:
                    log.info("custom field values of a customer could not be read: %s", exc.message)
                    progress.failures += 1
                    return None
            # A value saved meanwhile (the dialog) is newer than this read: keep it.
            if self._values.get(customer_id) is before:
                stored_before[customer_id] = before
                self._store(customer_id, values, show=False)
                return customer_id
            return None

        for start in range(0, len(ids), READ_BATCH):
            batch = ids[start:start + READ_BATCH]
            done = [cid for cid in await asyncio.gather(*(read(cid) for cid in batch)) if cid is not None]
            positions = [p for p in map(index.position, done) if p is not None]
            index.refresh_keys(positions)
            progress.read += len(batch)
            if on_progress is not None:
                on_progress(progress)
        index.repack()
        return progress

    async def save_values(self, customer: Customer, changes: Mapping[str, Any]) -> Customer:
        """Write changed values (None or blank deletes) of `customer`, as the dialog read it.

        Each write carries the version the dialog read; if someone changed a value since, this
        raises StaleVersionError with `current` (the customer and its values as they are now).
        Returns the customer carrying its values as saved.
        """
        values = {v.key: v for v in customer.custom_fields}
        for key, new in changes.items():
            definition = self.definition(key)
            if definition is not None and definition.read_only:
                raise e.InvalidInputError(f"{definition.name} can only be read by this application; "
                                          "nothing was sent.", provider=self.provider.name)
            old = values.get(key)
            try:
                if is_blank(new):
                    if old is not None:
                        await self.customers.write(
                            WriteRecord(WriteOp.DELETE_CUSTOM_FIELD, customer.id, {column_key(key): None},
                                        target=key),
                            partial(self.provider.delete_custom_field_value, customer, key))
                    values.pop(key, None)
                else:
                    wanted = CustomFieldValue(key=key, value=new, version=old.version if old else None)
                    values[key] = await self.customers.write(
                        WriteRecord(WriteOp.SET_CUSTOM_FIELD, customer.id, {column_key(key): new}, target=key),
                        partial(self.provider.set_custom_field_value, customer, wanted,
                                idempotency_key=self.customers.new_idempotency_key()))
            except e.NotFoundError:
                if not is_blank(new):
                    raise
                values.pop(key, None)   # already gone: what was asked for
            except e.ConflictError as exc:
                if isinstance(exc, e.DuplicateError):
                    raise
                current = await self.read_values(customer)
                name = definition.name if definition is not None else key
                raise e.StaleVersionError(f"Someone else changed {name} after you opened this customer; "
                                          "it was not saved.", current=current, provider=self.provider.name,
                                          code=exc.code) from exc
            self._store(customer.id, tuple(values.values()))
        return replace(customer, custom_fields=tuple(values.values()))


def _definition_record(definition: CustomFieldDefinition) -> dict[str, Any]:
    return {"name": definition.name, "type": definition.type.value, "description": definition.description,
            "options": [o.name for o in definition.options]}
