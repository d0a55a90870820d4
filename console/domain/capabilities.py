"""What a provider can do, declared as data: the dialog, the validators and the table read it.

A rule is written once, here, as a `FieldSpec`; the edit dialog builds its widgets from the
specs, `console.domain.validation` checks values against them, and providers never need the UI
to branch on their name.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from console.domain.card_forms import CardFormSpec


class FieldKind(StrEnum):
    TEXT = "text"
    MULTILINE = "multiline"
    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"            # a birthday: YYYY-MM-DD, or MM-DD where `allow_no_year`
    CHOICE = "choice"
    BOOL = "bool"
    KEY_VALUE = "key_value"  # metadata: str -> str


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Choice(_Frozen):
    value: str
    label: str


class Confirm(_Frozen):
    """Ask before saving when a field is set to `value` (e.g. disabling a customer)."""

    value: Any
    message: str


class FieldSpec(_Frozen):
    """One editable (or shown read-only) field and its rules."""

    key: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    section: str = "Customer"
    required: bool = False
    editable: bool = True
    create_only: bool = False
    clearable: bool = True
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str | None = None
    # Phone numbers: how many digits, and whether spaces, dashes, brackets and '+' may be typed.
    min_digits: int | None = None
    max_digits: int | None = None
    digits_only: bool = False
    allow_no_year: bool = False
    choices: tuple[Choice, ...] = ()
    max_entries: int | None = None          # KEY_VALUE
    max_key_length: int | None = None       # KEY_VALUE
    max_value_length: int | None = None     # KEY_VALUE
    confirm: Confirm | None = None
    default: Any = None                     # what a new customer's form starts with
    placeholder: str | None = None
    help: str | None = None


class ColumnSpec(_Frozen):
    """A table column: `key` is a field key understood by `Customer.value`, or an item attribute."""

    key: str
    label: str
    width: int = 160
    tooltip: str | None = None
    hidden_by_default: bool = False   # offered in the column chooser, shown once asked for


class CollectionKind(StrEnum):
    """The lists of records a customer can have; each value is the `Customer` attribute holding them.

    The values are also what settings, drafts and the UI store, so they never change.
    """

    PAYMENT_METHODS = "payment_methods"
    SHIPPING_ADDRESSES = "shipping_addresses"
    ADDRESSES = "addresses"
    EMAILS = "emails"
    PHONES = "phones"
    TAX_IDS = "tax_ids"


class CollectionSpec(_Frozen):
    """A list of records on a customer (shipping addresses, cards, emails...) and what staff may do."""

    kind: CollectionKind
    label: str                     # the tab: plural, e.g. "Shipping addresses"
    item_label: str = ""           # one item, e.g. "shipping address"; derived from `label` when empty
    columns: tuple[ColumnSpec, ...]
    fields: tuple[FieldSpec, ...] = ()   # what the add/edit form asks for; empty = read-only
    can_add: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_set_default: bool = False
    default_label: str = "Default"
    max_items: int | None = None
    note: str | None = None
    on_create: bool = False        # items may be planned in a new customer's dialog (sent after the create)
    # A listing does not say which item is the default: the dialog reads the customer when it opens.
    default_from_detail: bool = False

    @property
    def noun(self) -> str:
        """One item, lower case: 'Addresses' -> 'address', 'Phone numbers' -> 'phone number'."""
        if self.item_label:
            return self.item_label
        label = self.label.lower()
        for plural, singular in (("sses", "ss"), ("ies", "y"), ("s", "")):
            if label.endswith(plural):
                return label[: -len(plural)] + singular
        return label


class ActionSpec(_Frozen):
    """A one-click update offered on a customer, e.g. recording a request to be forgotten."""

    key: str
    label: str
    values: dict[str, Any]
    confirm: str                   # '{name}' is replaced with the customer's display name
    hidden_when: dict[str, Any] = {}


class CreateFromSpec(_Frozen):
    """Making a customer from something the provider already has, e.g. a transaction id."""

    label: str                     # menu text, e.g. "New from transaction…"
    prompt: str                    # what to type, e.g. "Transaction id"
    pattern: str | None = None
    pattern_message: str | None = None


class StatusNote(_Frozen):
    """A standing fact staff must see before editing (shown atop the dialog) when field `key` holds `value`."""

    key: str
    value: Any
    message: str


class StatusFilterSpec(_Frozen):
    """A provider field the table can be filtered on (Digital River's status, Square's creation source)."""

    key: str                       # a field key understood by `Customer.value`
    label: str                     # e.g. "Status"
    empty_label: str               # what a customer without a value is, e.g. "Active"


class DashboardLinks(_Frozen):
    """Where the provider's own web dashboard is, as URL templates by environment.

    Keys are an environment ("production", "sandbox"), optionally with a region option value
    ("production/eu"). `customer` templates hold `{id}`; `home` is the dashboard's start page.
    """

    customer: dict[str, str] = {}
    home: dict[str, str] = {}


class SearchKey(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    REFERENCE_ID = "reference_id"
    NAME = "name"


DEFAULT_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(key="name", label="Name", width=200),
    ColumnSpec(key="company", label="Company", width=170),
    ColumnSpec(key="email", label="Email", width=230),
    ColumnSpec(key="phone", label="Phone", width=140),
    ColumnSpec(key="reference_id", label="Reference ID", width=120),
    ColumnSpec(key="created_at", label="Created", width=140),
)


class Capabilities(_Frozen):
    """Everything the UI and services need to know about one provider."""

    provider: str
    display_name: str
    fields: tuple[FieldSpec, ...]
    required_one_of: tuple[tuple[str, ...], ...] = ()
    # (given, needed): once any `given` field has a value, every `needed` one must have one too (an
    # address the provider takes only whole, say).
    required_together: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    columns: tuple[ColumnSpec, ...] = DEFAULT_COLUMNS
    name_fields: tuple[str, ...] = ("full_name", "company", "email", "phone", "reference_id")
    name_source: str | None = None        # shown as the Name column's tooltip
    search_fields: tuple[str, ...] = ("name", "company", "email", "phone", "reference_id")
    # Which text filters `CustomerProvider.search` accepts as exact and as partial matches; it
    # refuses the others before anything is sent.
    server_exact: frozenset[SearchKey] = frozenset()
    server_fuzzy: frozenset[SearchKey] = frozenset()
    versioned: bool = False
    bulk_limit: int = 0
    groups: bool = False
    collections: tuple[CollectionSpec, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    create_from: CreateFromSpec | None = None
    idempotent_create: bool = False
    status_filter: StatusFilterSpec | None = None
    status_notes: tuple[StatusNote, ...] = ()
    dashboard: DashboardLinks = DashboardLinks()
    # Cards on file added through the provider's hosted form (None: the console cannot add cards).
    card_form: CardFormSpec | None = None
    # Square's customer custom attributes: definitions the seller manages and values per customer.
    custom_fields: bool = False

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def has_field(self, key: str) -> bool:
        return any(spec.key == key for spec in self.fields)

    def collection(self, kind: str) -> CollectionSpec:
        for spec in self.collections:
            if spec.kind == kind:
                return spec
        raise KeyError(kind)

    def sections(self) -> list[str]:
        """Dialog sections in first-use order."""
        seen: dict[str, None] = {}
        for spec in self.fields:
            seen.setdefault(spec.section, None)
        return list(seen)
