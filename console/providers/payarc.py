"""PayArc customers API client (`/v1/customers`) and its mapping to domain customers.

PayArc documents form-encoded bodies (its SDKs send JSON; the server takes both), pages with
`page`/`limit` inside a `{data, meta.pagination}` envelope, updates with PATCH, and has no
idempotency keys and no server-side customer search (shared/api/payarc.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, field_validator

from console.domain import errors as e
from console.domain.capabilities import (
    Capabilities,
    CollectionSpec,
    ColumnSpec,
    DashboardLinks,
    FieldKind,
    FieldSpec,
)
from console.domain.changes import CustomerChanges
from console.domain.customer import ADDRESS_PREFIX, Address, Customer, PaymentMethod
from console.providers.base import CustomerProvider, Page, ProviderConfig
from console.providers.http import HttpCore, Reply, item_path, parse_retry_after, status_error
from console.providers.registry import CredentialField, OptionField, ProviderInfo
from console.providers.wire_reading import field_of, read_model

NAME = "PayArc"
_CUSTOMERS = "/customers"
PRODUCTION_URL = "https://api.payarc.net/v1"
SANDBOX_URL = "https://testapi.payarc.net/v1"
PAGE_SIZE = 100

_LETTERS = "[A-Za-z ]+"
_LETTERS_MESSAGE = ("Letters and spaces only: PayArc refuses apostrophes, hyphens, accents and digits "
                    "(type O'Brien as OBrien).")
_ADDRESS = "Address"
_INVOICES = "Invoices"

CAPABILITIES = Capabilities(
    provider="payarc",
    display_name=NAME,
    fields=(
        # PayArc keeps one name; it lives in given_name so the table's name column reads it.
        FieldSpec(key="given_name", label="Name", min_length=3, max_length=50, pattern=_LETTERS,
                  pattern_message=_LETTERS_MESSAGE, clearable=False),
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, max_length=40, clearable=False),
        FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, min_digits=2, max_digits=11,
                  digits_only=True, clearable=False, placeholder="5417543010",
                  help="2 to 11 digits, nothing else: PayArc refuses spaces, dashes and '+'."),
        FieldSpec(key="description", label="Description", min_length=5, max_length=50, clearable=False),
        FieldSpec(key="send_email_address", label="Send invoices to", kind=FieldKind.EMAIL, section=_INVOICES,
                  min_length=5, max_length=40, clearable=False),
        FieldSpec(key="cc_email_address", label="Copy invoices to", kind=FieldKind.EMAIL, section=_INVOICES,
                  min_length=5, max_length=40, clearable=False),
        FieldSpec(key="address.line1", label="Address line 1", section=_ADDRESS, min_length=5, max_length=50,
                  clearable=False),
        FieldSpec(key="address.line2", label="Address line 2", section=_ADDRESS, min_length=5, max_length=50,
                  clearable=False),
        FieldSpec(key="address.city", label="City", section=_ADDRESS, min_length=2, max_length=50,
                  pattern=_LETTERS, pattern_message="Letters and spaces only.", clearable=False),
        FieldSpec(key="address.state", label="State", section=_ADDRESS, min_length=2, max_length=50,
                  pattern=_LETTERS, pattern_message="Letters and spaces only.", clearable=False),
        FieldSpec(key="address.postal_code", label="Zip", section=_ADDRESS, max_length=10, pattern="[0-9-]+",
                  pattern_message="Digits and hyphens only, e.g. 10469-2345.", clearable=False),
        FieldSpec(key="address.country", label="Country", section=_ADDRESS, min_length=2, max_length=50,
                  pattern="[A-Za-z ]+", pattern_message="Letters and spaces only, e.g. US.", clearable=False),
    ),
    columns=(
        ColumnSpec(key="name", label="Name", width=200),
        ColumnSpec(key="email", label="Email", width=230),
        ColumnSpec(key="phone", label="Phone", width=130),
        ColumnSpec(key="description", label="Description", width=220),
        ColumnSpec(key="address.city", label="City", width=130),
        ColumnSpec(key="created_at", label="Created", width=140),
    ),
    name_fields=("full_name", "email", "phone", "description"),
    search_fields=("name", "email", "phone", "description", "address.city"),
    collections=(
        CollectionSpec(kind="payment_methods", label="Cards",
                       columns=(ColumnSpec(key="masked", label="Card", width=180),
                                ColumnSpec(key="expiry", label="Expires", width=80),
                                ColumnSpec(key="holder_name", label="Card holder", width=180)),
                       note="Cards are attached through PayArc's card tokens; the console shows them "
                            "masked and never takes card numbers."),
    ),
    # No documented page per customer (wave2-facts.md §2).
    dashboard=DashboardLinks(home={"production": "https://dashboard.payarc.net",
                                   "sandbox": "https://testdashboard.payarc.net"}),
)

# -- wire models (lenient) ------------------------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


_BRANDS = {"V": "Visa", "M": "Mastercard", "R": "Discover", "X": "American Express"}


def _timestamp(value: Any) -> datetime | None:
    """PayArc answers epoch seconds or 'YYYY-MM-DD HH:MM:SS' (no zone; UTC is assumed)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ValueError("not a timestamp")


class _WireCard(_Wire):
    id: str
    brand: str | None = None
    first6digit: int | str | None = None
    last4digit: int | str | None = None
    exp_month: int | str | None = None
    exp_year: int | str | None = None
    card_holder_name: str | None = None
    is_default: int | bool | None = 0


class _WireCards(_Wire):
    data: list[_WireCard] = []


class _WireCustomer(_Wire):
    customer_id: str | None = None
    id: str | None = None
    name: str | None = None
    email: str | None = None
    description: str | None = None
    send_email_address: str | None = None
    cc_email_address: str | None = None
    phone: int | str | None = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: int | str | None = None
    country: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    card: _WireCards | None = None

    @field_validator("created_at", "updated_at", mode="before")
    @classmethod
    def _time(cls, value: Any) -> datetime | None:
        return _timestamp(value)


def _text(value: int | str | None) -> str | None:
    return None if value is None or value == "" else str(value)


def _card(card: _WireCard) -> PaymentMethod:
    last4 = _text(card.last4digit)
    first6 = _text(card.first6digit)
    return PaymentMethod(
        id=card.id, kind="card", brand=_BRANDS.get(card.brand or "", card.brand),
        last4=last4[-4:] if last4 else None,
        first6=first6 if first6 and len(first6) == 6 and first6.isdigit() else None,
        exp_month=int(card.exp_month) if card.exp_month not in (None, "") else None,
        exp_year=int(card.exp_year) if card.exp_year not in (None, "") else None,
        holder_name=card.card_holder_name, is_default=bool(int(card.is_default or 0)))


def customer_from_wire(data: Any) -> Customer:
    """A domain customer from PayArc's JSON; unreadable input becomes a ProtocolError."""
    wire = read_model(_WireCustomer, data, provider=NAME, what="a customer", at="data")
    # Current answers name the id customer_id; older ones only `id` (beside a numeric real_id).
    customer_id = wire.customer_id or wire.id
    if not customer_id:
        raise e.ProtocolError("PayArc sent a customer without an id.", field="data.customer_id", provider=NAME)
    try:
        cards = tuple(_card(c) for c in (wire.card.data if wire.card else ()))
    except ValueError as exc:
        raise e.ProtocolError("PayArc sent a card we cannot read.", field="data.card", provider=NAME) from exc
    address = Address(line1=wire.address_1, line2=wire.address_2, city=wire.city, state=wire.state,
                      postal_code=_text(wire.zip), country=wire.country)
    extra = {key: value for key, value in (("description", wire.description),
                                           ("send_email_address", wire.send_email_address),
                                           ("cc_email_address", wire.cc_email_address)) if value}
    return Customer(id=customer_id, given_name=wire.name, email=wire.email, phone=_text(wire.phone),
                    address=None if address.is_empty() else address, created_at=wire.created_at,
                    updated_at=wire.updated_at, payment_methods=cards, extra=extra)


# -- mapping: domain -> wire ----------------------------------------------------------------------

_KEY_TO_WIRE = {
    "given_name": "name", "email": "email", "phone": "phone", "description": "description",
    "send_email_address": "send_email_address", "cc_email_address": "cc_email_address",
    ADDRESS_PREFIX + "line1": "address_1", ADDRESS_PREFIX + "line2": "address_2",
    ADDRESS_PREFIX + "city": "city", ADDRESS_PREFIX + "state": "state",
    ADDRESS_PREFIX + "postal_code": "zip", ADDRESS_PREFIX + "country": "country",
}
_WIRE_TO_KEY = {wire: key for key, wire in _KEY_TO_WIRE.items()}


def write_fields(changes: CustomerChanges) -> dict[str, str]:
    """The form fields for a create or a sparse update: non-empty values only (clearing is not documented)."""
    out: dict[str, str] = {}
    for key in sorted(changes.touched()):
        value = changes.get(key)
        if key in _KEY_TO_WIRE and value not in (None, ""):
            out[_KEY_TO_WIRE[key]] = str(value).strip()
    return out


# -- errors ---------------------------------------------------------------------------------------


def map_error(reply: Reply) -> e.ConsoleError | None:
    """The domain error for a PayArc reply (Laravel-style bodies), or None when it succeeded."""
    if reply.status < 400:
        return None
    body = reply.body if isinstance(reply.body, Mapping) else {}
    message = body.get("message") if isinstance(body.get("message"), str) else None
    if reply.status == 422:
        field_errors: dict[str, str] = {}
        errors = body.get("errors")
        if isinstance(errors, Mapping):
            for wire_field, texts in errors.items():
                text = texts[0] if isinstance(texts, list) and texts else texts
                field_errors[_WIRE_TO_KEY.get(str(wire_field), str(wire_field))] = str(text)
        return e.InvalidInputError(message or "PayArc refused the values.", field_errors=field_errors,
                                   provider=NAME, code="422")
    if reply.status == 401:
        return e.AuthenticationError("PayArc refused the access token. Check it, and that it belongs to "
                                     "this environment (test and production tokens differ).", provider=NAME)
    if reply.status == 404:
        return e.NotFoundError(message or "PayArc has no such customer.", provider=NAME)
    if reply.status == 429:
        return e.RateLimitedError("PayArc asks us to slow down.", provider=NAME,
                                  retry_after=parse_retry_after(reply.headers.get("retry-after")))
    return status_error(reply, NAME, message if reply.status < 500 else None)


# -- the client -----------------------------------------------------------------------------------


class PayArcProvider(CustomerProvider):
    """Customers of one PayArc merchant account."""

    capabilities = CAPABILITIES

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        super().__init__(config, client)
        token = config.credentials.get("token", "")
        self.json_bodies = config.options.get("body_encoding") == "json"
        self.http = HttpCore(client, provider=NAME, base_url=config.base_url, map_error=map_error,
                             headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def _customer(self, body: Any) -> Customer:
        if not isinstance(body, Mapping) or not isinstance(body.get("data"), Mapping):
            raise e.ProtocolError("PayArc's answer has no customer in it.", field="data", provider=NAME)
        return customer_from_wire(body["data"])

    def _body(self, fields: dict[str, str]) -> dict[str, Any]:
        return {"json_body": fields} if self.json_bodies else {"form": fields}

    async def test_connection(self) -> None:
        await self.list_page(1, limit=1)

    async def list_page(self, page: int, *, limit: int = PAGE_SIZE) -> tuple[Page, int]:
        """One page of customers and the number of pages there are."""
        reply = await self.http.request("GET", "/customers", params={"page": page, "limit": limit}, retry=True)
        items = field_of(reply.body, "data", list, provider=NAME, required=True)
        meta = field_of(reply.body, "meta", Mapping, provider=NAME) or {}
        pagination = field_of(meta, "pagination", Mapping, provider=NAME) or {}
        total = field_of(pagination, "total", int, provider=NAME)
        pages = field_of(pagination, "total_pages", int, provider=NAME)
        customers = [customer_from_wire(item) for item in items]
        if pages is None:  # without pagination meta, a short page is the last one
            pages = page if len(items) < limit else page + 1
        return Page(customers, total=total), pages

    async def iter_pages(self, *, page_size: int | None = None) -> AsyncIterator[Page]:
        number = 1
        while True:
            page, pages = await self.list_page(number, limit=page_size or PAGE_SIZE)
            yield page
            if number >= pages or not page.customers:
                return
            number += 1

    async def get(self, customer_id: str) -> Customer:
        reply = await self.http.request("GET", item_path(_CUSTOMERS, customer_id), retry=True)
        return self._customer(reply.body)

    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        # No idempotency keys at PayArc: never repeated here; the services read back a lost answer.
        reply = await self.http.request("POST", "/customers", **self._body(write_fields(changes)))
        return self._customer(reply.body)

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        # Setting the same values twice changes nothing, so a repeated PATCH is harmless.
        reply = await self.http.request("PATCH", item_path(_CUSTOMERS, customer.id), retry=True,
                                        **self._body(write_fields(changes)))
        return self._customer(reply.body)

    async def delete(self, customer: Customer) -> None:
        await self.http.request("DELETE", item_path(_CUSTOMERS, customer.id), retry=True)


def _base_url(environment: str, options: Mapping[str, Any]) -> str:
    return PRODUCTION_URL if environment == "production" else SANDBOX_URL


INFO = ProviderInfo(
    key="payarc",
    capabilities=CAPABILITIES,
    client=PayArcProvider,
    credentials=(CredentialField(key="token", label="API access token",
                                 help="The Secret Key under API in the PayArc dashboard; test and "
                                      "production tokens are different."),),
    base_url=_base_url,
    options=(OptionField(key="body_encoding", label="Request bodies",
                         choices=(("form", "Form-encoded (as PayArc documents)"), ("json", "JSON (as the SDKs send)")),
                         default="form"),),
)
