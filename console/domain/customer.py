"""Customer and the records hanging off it, as every layer above the providers sees them.

These are slotted, frozen pydantic dataclasses rather than `BaseModel`s: the table may hold
100,000 of them, and slots keep each one a few hundred bytes instead of a dict per instance.
Unknown fields are refused (a dataclass constructor takes only declared fields).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import field, fields, replace
from datetime import datetime
from operator import attrgetter
from typing import Any, Literal

from pydantic import ConfigDict, field_validator
from pydantic.dataclasses import dataclass

from console.domain.card_expiry import CardExpiry, card_expiry, soonest_expiry
from console.domain.custom_fields import CUSTOM_PREFIX, CustomFieldValue

_STRICT = ConfigDict(extra="forbid")
_MASKED_DIGITS = re.compile(r"[0-9]{1,4}")
_FIRST_SIX = re.compile(r"[0-9]{6}")


@dataclass(frozen=True, slots=True, config=_STRICT)
class Address:
    """A postal address; `id` and `is_default` are set where the provider keeps several."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    is_default: bool = False

    def is_empty(self) -> bool:
        # The part names are looked up once: dataclasses.fields() on every call cost 10 µs a customer.
        return not any(getattr(self, name) for name in _ADDRESS_PARTS)

    def one_line(self) -> str:
        """The address on one line, for table cells and lists."""
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        parts = [name, self.company, self.line1, self.line2, self.line3, self.city,
                 " ".join(p for p in (self.state, self.postal_code) if p), self.country]
        return ", ".join(p for p in parts if p)


_ADDRESS_PARTS = tuple(f.name for f in fields(Address) if f.name not in ("id", "is_default"))


# Card brands as people write them; providers spell them 'AmericanExpress', 'AMEX', 'MASTER_CARD'...
_BRAND_NAMES = {"americanexpress": "American Express", "amex": "American Express", "visa": "Visa",
                "mastercard": "Mastercard", "mc": "Mastercard", "discover": "Discover", "jcb": "JCB",
                "dinersclub": "Diners Club", "diners": "Diners Club", "unionpay": "UnionPay",
                "chinaunionpay": "UnionPay", "maestro": "Maestro", "interac": "Interac", "eftpos": "eftpos"}


def brand_name(brand: str) -> str:
    """A card brand as shown to people: 'AmericanExpress' and 'AMERICAN_EXPRESS' read 'American Express'."""
    return _BRAND_NAMES.get(re.sub(r"[^a-z]", "", brand.lower()), brand)


@dataclass(frozen=True, slots=True, config=_STRICT)
class PaymentMethod:
    """A stored payment method, masked: at most the first six and last four digits are kept."""

    id: str
    kind: Literal["card", "bank", "wallet", "other"] = "card"
    brand: str | None = None
    last4: str | None = None
    first6: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    holder_name: str | None = None
    label: str | None = None
    is_default: bool = False

    @field_validator("last4")
    @classmethod
    def _last4_is_masked(cls, value: str | None) -> str | None:
        # A full card number must never get this far; refusing it here makes that a bug we see.
        if value is not None and not _MASKED_DIGITS.fullmatch(value):
            raise ValueError("last4 holds at most the last four digits")
        return value

    @field_validator("first6")
    @classmethod
    def _first6_is_iin(cls, value: str | None) -> str | None:
        if value is not None and not _FIRST_SIX.fullmatch(value):
            raise ValueError("first6 holds exactly the first six digits")
        return value

    def expiry(self) -> str:
        """'MM/YY', or '' where the provider gave none (or an impossible one)."""
        expiry = card_expiry(self.exp_month, self.exp_year)
        return str(expiry) if expiry else ""

    def masked(self) -> str:
        """What the UI shows, e.g. 'Visa •••• 1111'."""
        digits = f"•••• {self.last4}" if self.last4 else ""
        name = brand_name(self.brand) if self.brand else self.label or self.kind.title()
        return " ".join(p for p in (name, digits) if p)


@dataclass(frozen=True, slots=True, config=_STRICT)
class ContactPoint:
    """One of several email addresses or phone numbers a provider keeps per customer."""

    id: str | None
    value: str
    is_primary: bool = False


@dataclass(frozen=True, slots=True, config=_STRICT)
class TaxId:
    """A tax identifier attached to a customer (type such as 'de' or 'eu_vat', and its value)."""

    id: str | None
    type: str
    value: str
    state: str | None = None


@dataclass(frozen=True, slots=True, config=_STRICT)
class Group:
    """A named group (Square customer group) that customers can belong to."""

    id: str
    name: str


ADDRESS_PREFIX = "address."

# What `Customer.value()` answers for keys that are not stored but derived.
_DERIVED = {"name", "full_name", "card_expires"}


@dataclass(frozen=True, slots=True, config=_STRICT)
class Customer:
    """A customer profile at one provider, mapped from that provider's wire format."""

    id: str
    given_name: str | None = None
    family_name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    address: Address | None = None
    shipping_addresses: tuple[Address, ...] = ()
    addresses: tuple[Address, ...] = ()
    emails: tuple[ContactPoint, ...] = ()
    phones: tuple[ContactPoint, ...] = ()
    note: str | None = None
    reference_id: str | None = None
    birthday: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: str | None = None
    payment_methods: tuple[PaymentMethod, ...] = ()
    tax_ids: tuple[TaxId, ...] = ()
    group_ids: tuple[str, ...] = ()
    # Square's custom attributes, read separately from the profile (empty until they are).
    custom_fields: tuple[CustomFieldValue, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        # No generator: the table derives names for 100,000 customers when it sorts by name.
        given, family = self.given_name, self.family_name
        if given and family:
            return f"{given} {family}"
        return given or family or ""

    @property
    def card_expires(self) -> CardExpiry | None:
        """The soonest expiry among the customer's cards (None when no card gives one)."""
        return soonest_expiry(self.payment_methods)

    @property
    def display_name(self) -> str:
        """The name the table shows, derived from the fields the customer has."""
        return display_name(self)

    def value(self, key: str) -> Any:
        """The value behind a field key: an attribute, `address.<part>`, or a provider extra."""
        if key in _DERIVED:
            return self.display_name if key == "name" else getattr(self, key)
        if key.startswith(ADDRESS_PREFIX):
            return getattr(self.address, key[len(ADDRESS_PREFIX):], None) if self.address else None
        if key in _CUSTOMER_FIELDS:
            return getattr(self, key)
        if key.startswith(CUSTOM_PREFIX):
            return self.custom_value(key[len(CUSTOM_PREFIX):])
        return self.extra.get(key)

    def custom_value(self, definition_key: str) -> Any:
        """The value of one custom field, or None when the customer has none."""
        for entry in self.custom_fields:
            if entry.key == definition_key:
                return entry.value
        return None

    def with_changes(self, **changes: Any) -> Customer:
        return replace(self, **changes)


_CUSTOMER_FIELDS = frozenset(f.name for f in fields(Customer))

DEFAULT_NAME_FIELDS: tuple[str, ...] = ("full_name", "company", "email", "phone", "reference_id")


def display_name(customer: Customer, keys: Sequence[str] = DEFAULT_NAME_FIELDS) -> str:
    """The first non-empty of `keys` (field keys), else the provider id in brackets."""
    return display_name_getter(tuple(keys))(customer)


def field_getter(key: str) -> Callable[[Customer], Any]:
    """A function answering `customer.value(key)`, with the key's kind decided once.

    For bulk reads (sort keys, search keys, table cells over many customers), where deciding
    per call whether a key is derived, an address part, a field or an extra costs more than the read.
    """
    if key == "name":
        return attrgetter("display_name")
    if key in _DERIVED or key in _CUSTOMER_FIELDS:
        return attrgetter(key)
    if key.startswith(ADDRESS_PREFIX):
        part = key[len(ADDRESS_PREFIX):]

        def address_part(customer: Customer) -> Any:
            address = customer.address
            return getattr(address, part, None) if address else None

        return address_part
    if key.startswith(CUSTOM_PREFIX):
        definition_key = key[len(CUSTOM_PREFIX):]

        def custom(customer: Customer) -> Any:
            return customer.custom_value(definition_key)

        return custom

    def extra(customer: Customer) -> Any:
        return customer.extra.get(key)

    return extra


@functools.cache
def display_name_getter(keys: tuple[str, ...] = DEFAULT_NAME_FIELDS) -> Callable[[Customer], str]:
    """`display_name(customer, keys)` as a function of the customer, for bulk reads (one per `keys`)."""
    getters = tuple(field_getter(key) for key in keys)

    def name(customer: Customer) -> str:
        for get in getters:
            value = get(customer)
            if value:
                return value if type(value) is str else str(value)
        return f"({customer.id})"

    return name
