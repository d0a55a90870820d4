"""The columns of a customer export: where each row came from, every domain field under the shared
headers of console/domain/customer_columns.py, each provider's own fields under their labels, and the
lists a customer has (shipping addresses, more emails and phones, tax ids, cards masked) flattened
into numbered columns, as many as the exported customers need."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from console.domain.capabilities import Capabilities
from console.domain.custom_fields import CUSTOM_PREFIX, CustomFieldDefinition
from console.domain.customer import ADDRESS_PREFIX, Address, Customer, field_getter
from console.domain.customer_columns import (
    ACCOUNT,
    CORE_COLUMNS,
    CREATED,
    CUSTOMER_ID,
    PROVIDER,
    UPDATED,
    header_for,
)
from console.services.busy_worker import busy_worker


@dataclass(frozen=True, slots=True, eq=False)
class ExportSource:
    """The account exported customers come from: its name, its provider's, and what that provider declares.

    Compared by identity: one per account, shared by its records."""

    account: str
    provider: str
    capabilities: Capabilities
    custom_fields: tuple[CustomFieldDefinition, ...] = ()


Record = tuple[ExportSource, Customer]
Getter = Callable[[ExportSource, Customer], Any]


@dataclass(frozen=True, slots=True)
class ExportColumn:
    """One column: `key` names it for choosing (a field key, or e.g. 'shipping_addresses.1.city')."""

    key: str
    header: str
    value: Getter
    # How a plain value is read in bulk: ("attr", name), ("address", part), ("extra", key) or ("source",
    # attribute of the ExportSource); None when only `value` can read it (see customer_export.row_chunks).
    plain: tuple[str, str] | None = None


GROUPS = "Groups"
# Address parts as numbered columns name them ("Shipping address 1 line 1"), in reading order.
ADDRESS_PARTS: tuple[tuple[str, str], ...] = (
    ("first_name", "first name"), ("last_name", "last name"), ("company", "company"), ("line1", "line 1"),
    ("line2", "line 2"), ("line3", "line 3"), ("city", "city"), ("state", "state"),
    ("postal_code", "postal code"), ("country", "country"), ("phone", "phone"), ("fax", "fax"), ("email", "email"))
# Keys a provider declares that an origin column already holds.
_ORIGIN_KEYS = frozenset({"id", "created_at", "updated_at"})
_CORE_KEYS = frozenset(key for key, _ in CORE_COLUMNS)
_ATTRIBUTES = frozenset(f.name for f in fields(Customer))
_DERIVED = frozenset({"name", "full_name", "card_expires", "display_name"})


def _field(key: str) -> Getter:
    get = field_getter(key)
    return lambda _source, customer: get(customer)


def _plain(key: str) -> tuple[str, str] | None:
    """Where a field key's value lies, for reading many at once (as `field_getter` decides it)."""
    if key.startswith(ADDRESS_PREFIX):
        return ("address", key[len(ADDRESS_PREFIX):])
    if key.startswith(CUSTOM_PREFIX) or key in _DERIVED:
        return None
    return ("attr", key) if key in _ATTRIBUTES else ("extra", key)


def field_column(key: str, header: str) -> ExportColumn:
    """A column of one field key (see `Customer.value`)."""
    return ExportColumn(key, header, _field(key), _plain(key))


def origin_columns() -> list[ExportColumn]:
    return [ExportColumn("origin.account", ACCOUNT, lambda source, _c: source.account, ("source", "account")),
            ExportColumn("origin.provider", PROVIDER, lambda source, _c: source.provider, ("source", "provider")),
            field_column("id", CUSTOMER_ID), field_column("created_at", CREATED),
            field_column("updated_at", UPDATED)]


# -- the lists, flattened ----------------------------------------------------------------------
def other_addresses(customer: Customer) -> tuple[Address, ...]:
    """Addresses besides the main one (which the core address columns hold)."""
    return tuple(a for a in customer.addresses if a != customer.address)


def other_emails(customer: Customer) -> list[str]:
    return [p.value for p in customer.emails if p.value != customer.email]


def other_phones(customer: Customer) -> list[str]:
    return [p.value for p in customer.phones if p.value != customer.phone]


def _card(customer: Customer, n: int) -> str | None:
    if n >= len(customer.payment_methods):
        return None
    method = customer.payment_methods[n]   # masked: brand, last four and expiry only
    expiry = method.expiry()
    return f"{method.masked()} exp {expiry}" if expiry else method.masked()


def _tax_id(customer: Customer, n: int) -> str | None:
    return f"{customer.tax_ids[n].type} {customer.tax_ids[n].value}" if n < len(customer.tax_ids) else None


def _item(text: Callable[[Customer, int], str | None], n: int) -> Getter:
    return lambda _source, customer: text(customer, n)


def _nth(items: Callable[[Customer], Sequence[Any]], n: int) -> Getter:
    def get(_source: ExportSource, customer: Customer) -> Any:
        values = items(customer)
        return values[n] if n < len(values) else None
    return get


def _address_part(items: Callable[[Customer], Sequence[Address]], n: int, part: str) -> Getter:
    def get(_source: ExportSource, customer: Customer) -> Any:
        addresses = items(customer)
        return getattr(addresses[n], part) if n < len(addresses) else None
    return get


def _shipping(customer: Customer) -> tuple[Address, ...]:
    return customer.shipping_addresses


@dataclass
class _Needs:
    """How many of each list the exported customers hold at most, and which address parts they use."""

    counts: dict[str, int]
    parts: dict[str, set[str]]

    def see(self, kind: str, items: Sequence[Any]) -> None:
        if len(items) > self.counts.get(kind, 0):
            self.counts[kind] = len(items)
        if items and isinstance(items[0], Address):
            used = self.parts.setdefault(kind, set())
            for address in items:
                used.update(part for part, _ in ADDRESS_PARTS if getattr(address, part))


_LISTS: dict[str, Callable[[Customer], Sequence[Any]]] = {
    "shipping_addresses": _shipping, "addresses": other_addresses, "emails": other_emails, "phones": other_phones,
    "tax_ids": lambda c: c.tax_ids, "payment_methods": lambda c: c.payment_methods}


def _needs(customers: Iterable[Customer]) -> _Needs:
    needs = _Needs({}, {})
    for customer in customers:
        for kind, items in _LISTS.items():
            if getattr(customer, kind):   # each kind is also the attribute holding the list
                found = items(customer)
                if found:
                    needs.see(kind, found)
    return needs


def _numbered(needs: _Needs) -> list[ExportColumn]:
    columns: list[ExportColumn] = []
    for kind, title, first in (("shipping_addresses", "Shipping address", 1), ("addresses", "Address", 2)):
        used = needs.parts.get(kind, set())
        for n in range(needs.counts.get(kind, 0)):
            columns += [ExportColumn(f"{kind}.{n + first}.{part}", f"{title} {n + first} {word}",
                                     _address_part(_LISTS[kind], n, part))
                        for part, word in ADDRESS_PARTS if part in used]
    for kind, title in (("emails", "Email"), ("phones", "Phone")):
        # The first is the customer's own email or phone (a core column): the others count from 2.
        columns += [ExportColumn(f"{kind}.{n + 2}", f"{title} {n + 2}", _nth(_LISTS[kind], n))
                    for n in range(needs.counts.get(kind, 0))]
    columns += [ExportColumn(f"tax_ids.{n + 1}", f"Tax ID {n + 1}", _item(_tax_id, n))
                for n in range(needs.counts.get("tax_ids", 0))]
    columns += [ExportColumn(f"payment_methods.{n + 1}", f"Card {n + 1}", _item(_card, n))
                for n in range(needs.counts.get("payment_methods", 0))]
    return columns


# -- the plan ----------------------------------------------------------------------------------
def plan_columns(records: Sequence[Record]) -> list[ExportColumn]:
    """Every column the records can fill, in reading order: origin, core fields, provider fields, groups,
    custom fields, then the numbered lists. Reads every customer once: call it off the event loop."""
    with busy_worker():
        return _plan(records)


def _plan(records: Sequence[Record]) -> list[ExportColumn]:
    sources = list(dict.fromkeys(source for source, _ in records))
    declared = {spec.key: spec.label for source in sources for spec in source.capabilities.fields}
    columns = origin_columns()
    columns += [field_column(key, header) for key, header in CORE_COLUMNS if key in declared]
    columns += [field_column(key, header_for(key, label)) for key, label in declared.items()
                if key not in _CORE_KEYS and key not in _ORIGIN_KEYS]
    if any(source.capabilities.groups for source in sources):
        columns.append(field_column("group_ids", GROUPS))
    named = {CUSTOM_PREFIX + d.key: d.name for source in sources for d in source.custom_fields}
    for _, customer in records:
        for value in customer.custom_fields:
            named.setdefault(CUSTOM_PREFIX + value.key, CUSTOM_PREFIX + value.key)
    columns += [field_column(key, header_for(key, name)) for key, name in named.items()]
    needs = _needs(customer for _, customer in records)
    columns += _numbered(needs)
    return _unique_headers(columns)


def _unique_headers(columns: list[ExportColumn]) -> list[ExportColumn]:
    """Two providers' different fields with one label get the key beside the second's header."""
    seen: set[str] = set()
    unique: list[ExportColumn] = []
    for column in columns:
        header = column.header if column.header not in seen else f"{column.header} ({column.key})"
        seen.add(header)
        unique.append(column if header == column.header else replace(column, header=header))
    return unique
