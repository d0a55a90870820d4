"""The contract every provider client fulfils, so services and UI never branch on a provider's name.

Operations a provider lacks raise `NotSupportedError` naming the provider; the UI reads
`Capabilities` first and does not offer them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from console.domain.capabilities import Capabilities, CollectionKind, SearchKey
from console.domain.card_forms import CardFormCompletion, HostedCardForm
from console.domain.changes import CustomerChanges
from console.domain.custom_fields import CustomFieldDefinition, CustomFieldValue
from console.domain.customer import Customer, Group
from console.domain.errors import ConsoleError, NotSupportedError
from console.domain.query import CustomerQuery, TextMatch
from console.providers.changes import ChangePage, scan_changes

if TYPE_CHECKING:
    import httpx

Environment = Literal["demo", "sandbox", "production"]


@dataclass(frozen=True, slots=True)
class Page:
    """One batch of customers as it arrived; `total` is the provider's count when it gives one."""

    customers: list[Customer]
    cursor: str | None = None
    total: int | None = None
    # Failures that did not stop the listing (e.g. one profile that could not be fetched).
    failures: list[ConsoleError] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """Everything a client needs to reach one account: where, as whom, and its options."""

    base_url: str
    credentials: Mapping[str, str]
    environment: Environment = "sandbox"
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BulkResult:
    """Per-item outcome of a multi-customer operation: a customer, None (deleted) or an error."""

    succeeded: dict[str, Customer | None]
    failed: dict[str, ConsoleError]


class CustomerProvider(ABC):
    """Async operations on one provider account's customers."""

    capabilities: ClassVar[Capabilities]

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        self.config = config
        self.client = client

    @property
    def name(self) -> str:
        return self.capabilities.display_name

    def _unsupported(self, what: str) -> NotSupportedError:
        return NotSupportedError(f"{what} is not supported by {self.name}.", provider=self.name)

    # -- reading ---------------------------------------------------------------------------
    @abstractmethod
    async def test_connection(self) -> None:
        """Raise the matching `ConsoleError` unless the credentials and endpoint work."""

    @abstractmethod
    def iter_pages(self, *, page_size: int | None = None) -> AsyncIterator[Page]:
        """Every customer of the account, page by page, in the provider's default order."""

    async def search(self, query: CustomerQuery) -> list[Customer]:
        """Customers matching `query`, using only what the provider's server can filter on.

        Text filters are checked here against `capabilities.server_exact` / `server_fuzzy`, so what
        a provider declares is what it accepts; the provider's `_search` sends the rest.
        """
        for key in SearchKey:
            match: TextMatch | None = getattr(query, key.value)
            if match is None:
                continue
            declared = self.capabilities.server_exact if match.exact else self.capabilities.server_fuzzy
            if key not in declared:
                how = "Exact" if match.exact else "Partial"
                raise self._unsupported(f"{how} search by {key.value.replace('_', ' ')} on the server")
        return await self._search(query)

    async def _search(self, query: CustomerQuery) -> list[Customer]:
        raise self._unsupported("Server-side search")

    @abstractmethod
    async def get(self, customer_id: str) -> Customer:
        """One customer, fully (with its sub-records)."""

    # -- incremental refresh (console/providers/changes.py) --------------------------------
    # Whether the provider can ask for customers changed since a time (Square, Digital River);
    # without one, `changes_since` is a full listing that the service compares with what it holds.
    changed_since_query: ClassVar[bool] = False
    # Whether `changes_since` sees edits of customers the workspace already holds (Authorize.net's
    # profiles carry no updated time, so only its new and deleted profiles are found).
    changes_include_edits: ClassVar[bool] = True

    def changes_since(self, cursor: str | None, known_ids: Collection[str]) -> AsyncIterator[ChangePage]:
        """Customers created or changed and ids deleted since `cursor` (None: a full listing).

        `known_ids` are the account's ids in the workspace, for providers that find deletions by
        asking after them or by their absence. The last page is `complete` and holds the next cursor.
        """
        return scan_changes(self.iter_pages(), known_ids)

    # -- writing ---------------------------------------------------------------------------
    @abstractmethod
    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        """A new customer from the dialog's values; the key makes a retried create safe where possible."""

    async def create_from(self, reference: str, *, idempotency_key: str) -> Customer:
        """A new customer made from a provider record (capabilities.create_from)."""
        raise self._unsupported("Creating a customer from a reference")

    @abstractmethod
    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        """Apply `changes` to `customer`, guarding with its version where the provider has one."""

    @abstractmethod
    async def delete(self, customer: Customer) -> None:
        """Delete `customer` (with its version where the provider checks one)."""

    @property
    def account_concurrency(self) -> int | None:
        """How many requests the account's own settings allow at once (None: it has no such option)."""
        return None

    # -- bulk writes (capabilities.bulk_limit > 0; up to that many per call) -------------------
    async def create_many(self, items: Mapping[str, CustomerChanges]) -> BulkResult:
        """Create customers together; `items` maps each one's idempotency key to its values."""
        raise self._unsupported("Creating customers in bulk")

    async def update_many(self, items: Sequence[tuple[Customer, CustomerChanges]]) -> BulkResult:
        """Update customers together, each guarded by its version; results keyed by customer id."""
        raise self._unsupported("Updating customers in bulk")

    async def get_many(self, customer_ids: Sequence[str]) -> BulkResult:
        """Read customers together; results keyed by customer id."""
        raise self._unsupported("Reading customers in bulk")

    async def delete_many(self, customers: Sequence[Customer]) -> BulkResult:
        """Delete several customers; providers with a bulk endpoint override this."""
        result = BulkResult(succeeded={}, failed={})
        for customer in customers:
            try:
                await self.delete(customer)
            except ConsoleError as exc:
                result.failed[customer.id] = exc
            else:
                result.succeeded[customer.id] = None
        return result

    # -- groups (capabilities.groups) -------------------------------------------------------
    async def list_groups(self) -> list[Group]:
        raise self._unsupported("Customer groups")

    async def add_to_group(self, customer: Customer, group_id: str) -> None:
        raise self._unsupported("Customer groups")

    async def remove_from_group(self, customer: Customer, group_id: str) -> None:
        raise self._unsupported("Customer groups")

    # -- collections (capabilities.collections): each returns the customer as it now is -----
    # The public methods check the kind and the operation against the declared `CollectionSpec`,
    # so an unknown or undeclared kind or operation is refused in this one place; providers
    # implement the underscored methods, with the typed kind, only for what they declare
    # (tests/providers/test_declarations.py checks that they do).
    async def add_item(self, customer: Customer, kind: CollectionKind | str, values: Mapping[str, Any]) -> Customer:
        return await self._add_item(customer, self._check_collection(kind, "can_add", "Adding"), values)

    async def update_item(self, customer: Customer, kind: CollectionKind | str, item_id: str,
                          values: Mapping[str, Any]) -> Customer:
        return await self._update_item(customer, self._check_collection(kind, "can_edit", "Editing"), item_id, values)

    async def delete_item(self, customer: Customer, kind: CollectionKind | str, item_id: str) -> Customer:
        return await self._delete_item(customer, self._check_collection(kind, "can_delete", "Deleting"), item_id)

    async def set_default_item(self, customer: Customer, kind: CollectionKind | str, item_id: str) -> Customer:
        checked = self._check_collection(kind, "can_set_default", "Choosing the default of")
        return await self._set_default_item(customer, checked, item_id)

    def _check_collection(self, kind: CollectionKind | str, operation: str, what: str) -> CollectionKind:
        spec = next((c for c in self.capabilities.collections if c.kind == kind), None)
        if spec is None or not getattr(spec, operation):
            raise self._unsupported(f"{what} {str(kind).replace('_', ' ')}")
        return spec.kind

    async def _add_item(self, customer: Customer, kind: CollectionKind, values: Mapping[str, Any]) -> Customer:
        raise NotImplementedError(f"{type(self).__name__} declares adding {kind} but does not implement it")

    async def _update_item(self, customer: Customer, kind: CollectionKind, item_id: str,
                           values: Mapping[str, Any]) -> Customer:
        raise NotImplementedError(f"{type(self).__name__} declares editing {kind} but does not implement it")

    async def _delete_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
        raise NotImplementedError(f"{type(self).__name__} declares deleting {kind} but does not implement it")

    async def _set_default_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
        raise NotImplementedError(f"{type(self).__name__} declares a default {kind} but does not implement it")

    # -- cards on file (capabilities.card_form with hosted=True) ---------------------------
    async def card_form(self, customer: Customer, *, return_url: str,
                        form_origin: str | None = None) -> HostedCardForm:
        """How the loopback page hosts this provider's card form for `customer`.

        `return_url` is the loopback callback (it carries the `state`); the provider's page or the
        page's script returns there. `form_origin` replaces the provider's form host (an emulator's
        address in demo mode and tests).
        """
        raise self._unsupported("Adding a card through a hosted form")

    async def attach_card(self, customer: Customer, completion: CardFormCompletion, *,
                          idempotency_key: str) -> Customer:
        """Attach what the form returned (a token, or nothing where the provider saved the card
        itself) to `customer`; return the customer as it now is, with the new card masked."""
        raise self._unsupported("Adding a card through a hosted form")

    # -- custom fields (capabilities.custom_fields) ----------------------------------------
    async def custom_field_definitions(self) -> list[CustomFieldDefinition]:
        """Every custom field definition of the account, read to the last page."""
        raise self._unsupported("Custom fields")

    async def create_custom_field_definition(self, definition: CustomFieldDefinition, *,
                                             idempotency_key: str) -> CustomFieldDefinition:
        raise self._unsupported("Custom fields")

    async def update_custom_field_definition(self, definition: CustomFieldDefinition, *,
                                             idempotency_key: str) -> CustomFieldDefinition:
        """Change a definition's name, description or options, guarded by its `version`."""
        raise self._unsupported("Custom fields")

    async def delete_custom_field_definition(self, key: str) -> None:
        raise self._unsupported("Custom fields")

    async def custom_field_holders(self, key: str) -> int:
        """How many of the account's customers hold a value of the custom field (asked of the provider)."""
        raise self._unsupported("Counting custom field values")

    async def custom_field_values(self, customer_id: str) -> tuple[CustomFieldValue, ...]:
        """One customer's custom field values, read to the last page."""
        raise self._unsupported("Custom fields")

    async def set_custom_field_value(self, customer: Customer, value: CustomFieldValue, *,
                                     idempotency_key: str) -> CustomFieldValue:
        """Upsert one value; a stale `version` raises `ConflictError` like a stale profile update."""
        raise self._unsupported("Custom fields")

    async def delete_custom_field_value(self, customer: Customer, key: str) -> None:
        raise self._unsupported("Custom fields")

    async def set_custom_field_values(self, values: Sequence[tuple[str, CustomFieldValue]], *,
                                      idempotency_key: str) -> dict[str, ConsoleError | None]:
        """Bulk upsert of (customer id, value) pairs for jobs; per pair, None or its error,
        keyed '<customer id>/<definition key>'."""
        raise self._unsupported("Custom fields")
