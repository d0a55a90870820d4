"""Digital River API customers client (`/customers`) and its mapping to domain customers.

One host for test and live: the secret key's prefix decides (`sk_test_` is test). Customers have
no top-level name or phone, only shipping ones; update is POST; lists page with `startingAfter`
and `hasMore`; there are no idempotency keys, so a create sends an id of ours and a retry that
meets 409 reads that id back (shared/api/digital-river.md).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from console.domain import errors as e
from console.domain.capabilities import (
    ActionSpec,
    Capabilities,
    Choice,
    CollectionSpec,
    ColumnSpec,
    Confirm,
    DashboardLinks,
    FieldKind,
    FieldSpec,
    SearchKey,
    StatusFilterSpec,
)
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import ADDRESS_PREFIX, Address, Customer, PaymentMethod, TaxId
from console.domain.query import CustomerQuery
from console.providers.base import CustomerProvider, Environment, Page, ProviderConfig
from console.providers.http import HttpCore, Reply, item_path, parse_retry_after, status_error
from console.providers.registry import CredentialField, ProviderInfo
from console.providers.wire_reading import field_of, read_model

NAME = "Digital River"
_CUSTOMERS = "/customers"
BASE_URL = "https://api.digitalriver.com"
API_VERSION = "2021-12-13"   # pinned: tax identifiers and request shapes depend on the account's version
PAGE_SIZE = 100
ID_MAX = 40

_SHIPPING = "Shipping"
_SETTINGS = "Settings"
STATUS_ERASURE = "Erasure requested"
STATUS_DISABLED = "Disabled"

CAPABILITIES = Capabilities(
    provider="digital-river",
    display_name=NAME,
    fields=(
        # The customer's own id (Customer.id), so an existing customer shows it, read-only.
        FieldSpec(key="id", label="Customer id", create_only=True, max_length=ID_MAX,
                  pattern=r"[A-Za-z0-9._:-]+", pattern_message="Letters, digits and . _ : - only.",
                  help="Optional: your own id for this customer (at most 40 characters). Left empty, "
                       "the console makes one."),
        # Top-level email and locale are non-nullable strings in UpdateCustomerRequest: once set, Digital
        # River offers no way to clear them (the shipping fields are nullable and can be cleared).
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, clearable=False,
                  help="Digital River allows several customers with the same email."),
        FieldSpec(key="type", label="Type", kind=FieldKind.CHOICE, default="individual",
                  choices=(Choice(value="individual", label="Individual"), Choice(value="business", label="Business"))),
        FieldSpec(key="locale", label="Locale", pattern="[a-z]{2}_[A-Z]{2}", clearable=False,
                  pattern_message="Language and country, e.g. en_US or de_DE.", placeholder="en_US"),
        FieldSpec(key="enabled", label="Enabled (may place orders)", kind=FieldKind.BOOL, default=True,
                  confirm=Confirm(value=False, message="Disabling this customer blocks new orders for them "
                                                       "until they are enabled again. Disable them?")),
        FieldSpec(key="given_name", label="Name", section=_SHIPPING),
        FieldSpec(key="company", label="Organization", section=_SHIPPING),
        FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, section=_SHIPPING),
        FieldSpec(key="shipping_email", label="Email for shipping", kind=FieldKind.EMAIL, section=_SHIPPING),
        FieldSpec(key="address.line1", label="Address line 1", section=_SHIPPING),
        FieldSpec(key="address.line2", label="Address line 2", section=_SHIPPING),
        FieldSpec(key="address.city", label="City", section=_SHIPPING),
        FieldSpec(key="address.state", label="State / region", section=_SHIPPING),
        FieldSpec(key="address.postal_code", label="Postal code", section=_SHIPPING),
        FieldSpec(key="address.country", label="Country", section=_SHIPPING, pattern="[A-Z]{2}",
                  pattern_message="Two capital letters (ISO 3166 code), e.g. US; needed with any address.",
                  placeholder="US"),
        FieldSpec(key="metadata", label="Metadata", kind=FieldKind.KEY_VALUE, section=_SETTINGS,
                  max_entries=20, max_key_length=40, max_value_length=500,
                  help="At most 20 pairs; keys up to 40 and values up to 500 characters. No personal data."),
    ),
    columns=(
        ColumnSpec(key="name", label="Name", width=200, tooltip="The shipping name (or organization)"),
        ColumnSpec(key="email", label="Email", width=230),
        ColumnSpec(key="phone", label="Phone", width=140),
        ColumnSpec(key="type", label="Type", width=90),
        ColumnSpec(key="status", label="Status", width=140),
        ColumnSpec(key="created_at", label="Created", width=140),
    ),
    name_fields=("full_name", "company", "email", "phone"),
    name_source="From the shipping name, else the organization",
    search_fields=("name", "company", "email", "phone", "status"),
    server_exact=frozenset({SearchKey.EMAIL}),
    idempotent_create=True,   # through the id the client sends with every create
    collections=(
        CollectionSpec(kind="tax_ids", label="Tax identifiers",
                       columns=(ColumnSpec(key="type", label="Type", width=100),
                                ColumnSpec(key="value", label="Value", width=200),
                                ColumnSpec(key="state", label="State", width=100)),
                       fields=(FieldSpec(key="type", label="Type", required=True, placeholder="de",
                                         help="Digital River's type code, e.g. de, gb, eu_vat."),
                               FieldSpec(key="value", label="Value", required=True, placeholder="DE123456789")),
                       can_add=True, can_delete=True),
        CollectionSpec(kind="payment_methods", label="Payment sources",
                       columns=(ColumnSpec(key="masked", label="Source", width=200),
                                ColumnSpec(key="expiry", label="Expires", width=80),
                                ColumnSpec(key="holder_name", label="Owner", width=180)),
                       can_set_default=True, default_label="Default",
                       note="Sources are attached at checkout; here they are shown masked and one can be "
                            "made the default."),
    ),
    actions=(
        ActionSpec(key="forget", label="Record request to be forgotten…",
                   values={"request_to_be_forgotten": True},
                   confirm="Record that {name} asked to be forgotten? Digital River erases their personal "
                           "data after its retention period. This cannot be undone.",
                   hidden_when={"request_to_be_forgotten": True}),
    ),
    status_filter=StatusFilterSpec(key="status", label="Status", empty_label="Active"),
    # One dashboard for test and live (a toggle in it); no page per customer (wave2-facts.md §2).
    dashboard=DashboardLinks(home={"production": "https://dashboard.digitalriver.com/",
                                   "sandbox": "https://dashboard.digitalriver.com/"}),
)

# -- wire models (lenient) ------------------------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _WireAddress(_Wire):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postalCode: str | None = None
    state: str | None = None
    country: str | None = None


class _WireShipping(_Wire):
    address: _WireAddress | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    organization: str | None = None


class _WireCard(_Wire):
    brand: str | None = None
    lastFourDigits: str | None = None
    expirationMonth: int | None = None
    expirationYear: int | None = None


class _WireOwner(_Wire):
    firstName: str | None = None
    lastName: str | None = None


class _WireSource(_Wire):
    id: str
    type: str | None = None
    creditCard: _WireCard | None = None
    owner: _WireOwner | None = None


class _WireTaxId(_Wire):
    id: str | None = None
    type: str
    value: str
    state: str | None = None


class _WireCustomer(_Wire):
    id: str
    createdTime: datetime | None = None
    updatedTime: datetime | None = None
    email: str | None = None
    shipping: _WireShipping | None = None
    defaultSourceId: str | None = None
    sources: list[_WireSource] = []
    taxIdentifiers: list[_WireTaxId] = []
    requestToBeForgotten: bool = False
    type: str | None = None
    metadata: dict[str, str | bool | int] | None = None
    locale: str | None = None
    enabled: bool | None = None
    liveMode: bool | None = None


def _source(source: _WireSource, default_id: str | None) -> PaymentMethod:
    card = source.creditCard
    holder = " ".join(p for p in (source.owner.firstName, source.owner.lastName) if p) if source.owner else ""
    last4 = card.lastFourDigits[-4:] if card and card.lastFourDigits and card.lastFourDigits.isdigit() else None
    label = re.sub(r"(?<!^)([A-Z])", r" \1", source.type or "source").capitalize()
    return PaymentMethod(id=source.id, kind="card" if card else "other", brand=card.brand if card else None,
                         last4=last4, exp_month=card.expirationMonth if card else None,
                         exp_year=card.expirationYear if card else None, holder_name=holder or None,
                         label=label, is_default=source.id == default_id)


def customer_from_wire(data: Any) -> Customer:
    """A domain customer from Digital River's JSON; unreadable input becomes a ProtocolError."""
    wire = read_model(_WireCustomer, data, provider=NAME, what="a customer", at="customer")
    shipping = wire.shipping or _WireShipping()
    a = shipping.address
    address = Address(line1=a.line1, line2=a.line2, city=a.city, state=a.state, postal_code=a.postalCode,
                      country=a.country) if a else None
    extra: dict[str, Any] = {"request_to_be_forgotten": wire.requestToBeForgotten,
                             "enabled": True if wire.enabled is None else wire.enabled}
    for key, value in (("type", wire.type), ("locale", wire.locale), ("shipping_email", shipping.email),
                       ("live_mode", wire.liveMode)):
        if value is not None:
            extra[key] = value
    if wire.metadata:
        extra["metadata"] = {k: str(v) if not isinstance(v, str) else v for k, v in wire.metadata.items()}
    status = STATUS_ERASURE if wire.requestToBeForgotten else STATUS_DISABLED if not extra["enabled"] else None
    if status:
        extra["status"] = status
    return Customer(
        id=wire.id, given_name=shipping.name, company=shipping.organization, email=wire.email, phone=shipping.phone,
        address=None if address is None or address.is_empty() else address,
        created_at=wire.createdTime, updated_at=wire.updatedTime,
        payment_methods=tuple(_source(s, wire.defaultSourceId) for s in wire.sources),
        tax_ids=tuple(TaxId(id=t.id, type=t.type, value=t.value, state=t.state) for t in wire.taxIdentifiers),
        extra=extra)


# -- mapping: domain -> wire ----------------------------------------------------------------------

_SHIPPING_FIELDS = {"given_name": "name", "company": "organization", "phone": "phone", "shipping_email": "email"}
_ADDRESS_FIELDS = {"line1": "line1", "line2": "line2", "city": "city", "state": "state", "postal_code": "postalCode",
                   "country": "country"}
_TOP_FIELDS = {"email": "email", "type": "type", "locale": "locale", "enabled": "enabled",
               "request_to_be_forgotten": "requestToBeForgotten"}
_PARAMETER_TO_KEY = {
    "id": "id", **{wire: key for key, wire in _TOP_FIELDS.items()},
    **{f"shipping.{wire}": key for key, wire in _SHIPPING_FIELDS.items()},
    **{f"shipping.address.{wire}": ADDRESS_PREFIX + key for key, wire in _ADDRESS_FIELDS.items()},
    "shipping.address": "address.country",
}


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def write_body(customer: Customer | None, changes: CustomerChanges) -> dict[str, Any]:
    """A create body (customer None) or a sparse update body. Shipping goes whole: it is one object."""
    body: dict[str, Any] = {}
    for key, wire in _TOP_FIELDS.items():
        if changes.touches(key):
            body[wire] = _blank_to_none(changes.get(key))
    if changes.touches("metadata"):
        body["metadata"] = dict(changes.get("metadata") or {})
    touched = changes.touched()
    if any(k in _SHIPPING_FIELDS or k.startswith(ADDRESS_PREFIX) for k in touched):
        def current(key: str) -> Any:
            if changes.touches(key):
                return _blank_to_none(changes.get(key))
            return customer.value(key) if customer is not None else None

        shipping = {wire: current(key) for key, wire in _SHIPPING_FIELDS.items()}
        address = {wire: current(ADDRESS_PREFIX + key) for key, wire in _ADDRESS_FIELDS.items()}
        if any(address.values()):
            shipping["address"] = {k: v for k, v in address.items() if v is not None}
        body["shipping"] = {k: v for k, v in shipping.items() if v is not None}
    if customer is None:
        body = {k: v for k, v in body.items() if v is not None}
    return body


def _rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- errors ---------------------------------------------------------------------------------------


def map_error(reply: Reply) -> e.ConsoleError | None:
    """The domain error for a Digital River reply (`{type, errors: [...]}`), or None when it succeeded."""
    if reply.status < 400:
        return None
    body = reply.body if isinstance(reply.body, Mapping) else {}
    items = [i for i in (body.get("errors") or []) if isinstance(i, Mapping)] if isinstance(body.get("errors"),
                                                                                             list) else []
    first = items[0] if items else {}
    message = str(first.get("message") or f"Digital River answered HTTP {reply.status}.")
    code = str(first.get("code")) if first.get("code") else None
    if reply.status == 401:
        return e.AuthenticationError("Digital River refused the secret key. Check it, and that it is a "
                                     "confidential key (sk_...).", provider=NAME, code=code)
    if reply.status == 404:
        return e.NotFoundError(message, provider=NAME, code=code)
    if reply.status == 409:
        return e.DuplicateError(message, provider=NAME, code=code)
    if reply.status == 429:
        return e.RateLimitedError("Digital River asks us to slow down.", provider=NAME,
                                  retry_after=parse_retry_after(reply.headers.get("retry-after")))
    if reply.status == 400:
        field_errors: dict[str, str] = {}
        for item in items:
            parameter = str(item.get("parameter") or "")
            key = _PARAMETER_TO_KEY.get(parameter) or ("metadata" if parameter.startswith("metadata") else None)
            if key:
                field_errors.setdefault(key, str(item.get("message") or item.get("code")))
        return e.InvalidInputError(message, field_errors=field_errors, provider=NAME, code=code)
    return status_error(reply, NAME, None if reply.status >= 500 else message)


# -- the client -----------------------------------------------------------------------------------


def environment_of_key(credentials: Mapping[str, str]) -> Environment | None:
    """A `sk_test_` key is test (sandbox); any other `sk_` key is live."""
    key = credentials.get("secret_key", "")
    if not key:
        return None
    return "sandbox" if key.startswith("sk_test_") else "production"


class DigitalRiverProvider(CustomerProvider):
    """Customers of one Digital River account (test or live, as its key says)."""

    capabilities = CAPABILITIES

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        super().__init__(config, client)
        key = config.credentials.get("secret_key", "")
        self.http = HttpCore(client, provider=NAME, base_url=config.base_url, map_error=map_error,
                             headers={"Authorization": f"Bearer {key}", "Accept": "application/json",
                                      "DigitalRiver-Version": API_VERSION})

    def _customer(self, body: Any) -> Customer:
        if not isinstance(body, Mapping):
            raise e.ProtocolError("Digital River's answer has no customer in it.", field="customer", provider=NAME)
        return customer_from_wire(body)

    async def test_connection(self) -> None:
        await self.list_page(limit=1)

    async def list_page(self, starting_after: str | None = None, *, limit: int = PAGE_SIZE,
                        filters: Mapping[str, str] | None = None) -> Page:
        params: dict[str, Any] = {"limit": limit, **(filters or {})}
        if starting_after:
            params["startingAfter"] = starting_after
        reply = await self.http.request("GET", "/customers", params=params, retry=True)
        items = field_of(reply.body, "data", list, provider=NAME, required=True)
        more = field_of(reply.body, "hasMore", bool, provider=NAME)
        customers = [customer_from_wire(item) for item in items]
        return Page(customers, cursor=customers[-1].id if more and customers else None)

    async def _all(self, filters: Mapping[str, str] | None = None, page_size: int = PAGE_SIZE) -> AsyncIterator[Page]:
        cursor: str | None = None
        while True:
            page = await self.list_page(cursor, limit=page_size, filters=filters)
            yield page
            if not page.cursor:
                return
            cursor = page.cursor

    def iter_pages(self, *, page_size: int | None = None) -> AsyncIterator[Page]:
        return self._all(page_size=page_size or PAGE_SIZE)

    async def _search(self, query: CustomerQuery) -> list[Customer]:
        filters: dict[str, str] = {}
        if query.email is not None:
            filters["email"] = query.email.value.strip()
        for span, name in ((query.created, "createdTime"), (query.updated, "updatedTime")):
            if span is not None:
                if span.start is not None:
                    filters[f"{name}[gte]"] = _rfc3339(span.start)
                if span.end is not None:
                    filters[f"{name}[lte]"] = _rfc3339(span.end)
        if query.groups or query.creation_sources:
            raise self._unsupported("this filter (the search field filters what is loaded)")
        return [c async for page in self._all(filters) for c in page.customers]

    async def forgotten(self) -> list[Customer]:
        """Customers with a recorded request to be forgotten."""
        return [c async for page in self._all({"requestToBeForgotten": "true"}) for c in page.customers]

    async def get(self, customer_id: str) -> Customer:
        reply = await self.http.request("GET", item_path(_CUSTOMERS, customer_id), retry=True)
        return self._customer(reply.body)

    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        own_id = _blank_to_none(changes.get("id"))
        # Without idempotency keys, our own id makes a repeated create meet 409 instead of a twin.
        customer_id = own_id or f"cc-{idempotency_key}"[:ID_MAX]
        body = {"id": customer_id, **write_body(None, changes)}
        try:
            reply = await self.http.request("POST", "/customers", json_body=body, retry=True)
        except e.DuplicateError as exc:
            existing = await self.get(customer_id)
            if all(same_value(existing.value(k), changes.get(k)) for k in changes.touched() if k != "id"):
                return existing  # our own earlier attempt (its answer was lost), or the very same customer
            raise e.DuplicateError(f"A customer with the id {customer_id} already exists.", provider=NAME,
                                   existing_id=customer_id, code=exc.code) from exc
        return self._customer(reply.body)

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        body = write_body(customer, changes)
        # The same values set twice change nothing, so the POST may be repeated.
        reply = await self.http.request("POST", item_path(_CUSTOMERS, customer.id), json_body=body, retry=True)
        return self._customer(reply.body)

    async def delete(self, customer: Customer) -> None:
        await self.http.request("DELETE", item_path(_CUSTOMERS, customer.id), retry=True)

    # -- tax identifiers and payment sources --------------------------------------------------

    async def _add_item(self, customer: Customer, kind: str, values: Mapping[str, Any]) -> Customer:
        made = await self.http.request("POST", "/tax-identifiers", json_body={
            "type": str(values.get("type", "")).strip(), "value": str(values.get("value", "")).strip()})
        tax_id = field_of(made.body, "id", str, provider=NAME, required=True)
        await self.http.request("POST", item_path(f"{item_path(_CUSTOMERS, customer.id)}/tax-identifiers", tax_id),
                                retry=True)
        return await self.get(customer.id)

    async def _delete_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        with contextlib.suppress(e.NotFoundError):  # already gone, which is what was asked
            await self.http.request("DELETE", item_path("/tax-identifiers", item_id), retry=True)
        return await self.get(customer.id)

    async def _set_default_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        reply = await self.http.request("POST", item_path(_CUSTOMERS, customer.id),
                                        json_body={"defaultSourceId": item_id}, retry=True)
        return self._customer(reply.body)


INFO = ProviderInfo(
    key="digital-river",
    capabilities=CAPABILITIES,
    client=DigitalRiverProvider,
    credentials=(CredentialField(key="secret_key", label="Secret key",
                                 help="A confidential key from the Digital River Dashboard: sk_test_... for test "
                                      "data, sk_... for live. The key decides the environment."),),
    base_url=lambda environment, options: BASE_URL,
    environment_from_credentials=environment_of_key,
)
