"""Clover Platform REST API v3 customers client (`/v3/merchants/{mId}/customers`).

Chosen over the e-commerce API because only v3 can list, filter, create without a card and
delete (shared/api/clover.md §0). Nested emails, phones and addresses are changed through their
own sub-resources; the client keeps itself under Clover's per-token limits (5 in flight, 16 per
second) and still honours a 429's Retry-After.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from console.domain import errors as e
from console.domain.capabilities import (
    Capabilities,
    CollectionSpec,
    ColumnSpec,
    DashboardLinks,
    FieldKind,
    FieldSpec,
    SearchKey,
)
from console.domain.changes import CustomerChanges
from console.domain.customer import ADDRESS_PREFIX, Address, ContactPoint, Customer, PaymentMethod
from console.domain.query import CustomerQuery, TextMatch
from console.domain.validation import digits
from console.providers.base import CustomerProvider, Page, ProviderConfig
from console.providers.http import HttpCore, Reply, RequestLimiter, item_path, status_error
from console.providers.registry import CredentialField, OptionField, ProviderInfo
from console.providers.wire_reading import field_of, read_model

NAME = "Clover"
_CUSTOMERS = "/customers"
SANDBOX_URL = "https://apisandbox.dev.clover.com"
PRODUCTION_URLS = {"na": "https://api.clover.com", "eu": "https://api.eu.clover.com", "la": "https://api.la.clover.com"}
PAGE_SIZE = 100
# A server search (exact email, phone or name, or a date range) stops after this many full pages:
# no lookup should match 10,000 customers, and a server that pages forever must not hang the app.
MAX_SEARCH_PAGES = 100
MAX_IN_FLIGHT = 5
MAX_PER_SECOND = 16
# Counted over a little more than a second: requests reach Clover after varying delays.
RATE_WINDOW_S = 1.1
EXPAND = "addresses,emailAddresses,phoneNumbers,cards,metadata"

_NEW = "First contact details"
_ADDRESS_FIELDS = (
    FieldSpec(key="line1", label="Address line 1", required=True, max_length=127),
    FieldSpec(key="line2", label="Address line 2", max_length=127),
    FieldSpec(key="line3", label="Address line 3", max_length=127),
    FieldSpec(key="city", label="City", required=True, max_length=127),
    FieldSpec(key="state", label="State", required=True, max_length=127),
    FieldSpec(key="postal_code", label="Zip", required=True, max_length=10),
    FieldSpec(key="country", label="Country", required=True, pattern="[A-Z]{2}",
              pattern_message="Two capital letters (ISO 3166 code), e.g. US.", placeholder="US"),
)

CAPABILITIES = Capabilities(
    provider="clover",
    display_name=NAME,
    fields=(
        FieldSpec(key="given_name", label="First name", max_length=64),
        FieldSpec(key="family_name", label="Last name", max_length=64),
        FieldSpec(key="company", label="Business name", max_length=127),
        FieldSpec(key="birthday", label="Date of birth", kind=FieldKind.DATE, allow_no_year=True,
                  placeholder="YYYY-MM-DD or MM-DD"),
        FieldSpec(key="note", label="Note", kind=FieldKind.MULTILINE, max_length=2000),
        FieldSpec(key="marketing_allowed", label="Marketing allowed", kind=FieldKind.BOOL,
                  help="Clover honours this only for its own apps; others' changes may be ignored."),
        # On a new customer the first email, phone and address go in with the create; after that
        # they are edited on their own tabs (Clover's sub-resources).
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, section=_NEW, create_only=True),
        FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, section=_NEW, create_only=True),
        *(spec.model_copy(update={"key": ADDRESS_PREFIX + spec.key, "section": _NEW, "required": False,
                                  "create_only": True}) for spec in _ADDRESS_FIELDS),
    ),
    required_one_of=(("given_name", "family_name", "company", "email", "phone"),),
    columns=(
        ColumnSpec(key="name", label="Name", width=200),
        ColumnSpec(key="company", label="Business", width=170),
        ColumnSpec(key="email", label="Email", width=230, tooltip="The primary email address"),
        ColumnSpec(key="phone", label="Phone", width=140, tooltip="The first phone number"),
        ColumnSpec(key="address.city", label="City", width=130),
        ColumnSpec(key="created_at", label="Customer since", width=140),
    ),
    search_fields=("name", "company", "email", "phone", "address.city"),
    server_exact=frozenset({SearchKey.EMAIL, SearchKey.PHONE, SearchKey.NAME}),
    collections=(
        CollectionSpec(kind="addresses", label="Addresses",
                       columns=(ColumnSpec(key="one_line", label="Address", width=360),),
                       fields=_ADDRESS_FIELDS, can_add=True, can_edit=True, can_delete=True, max_items=100),
        CollectionSpec(kind="emails", label="Email addresses",
                       columns=(ColumnSpec(key="value", label="Email", width=300),),
                       fields=(FieldSpec(key="value", label="Email", kind=FieldKind.EMAIL, required=True),),
                       can_add=True, can_edit=True, can_delete=True, can_set_default=True,
                       default_label="Primary", max_items=100),
        CollectionSpec(kind="phones", label="Phone numbers",
                       columns=(ColumnSpec(key="value", label="Phone", width=200),),
                       fields=(FieldSpec(key="value", label="Phone", kind=FieldKind.PHONE, required=True),),
                       can_add=True, can_edit=True, can_delete=True, max_items=100),
        CollectionSpec(kind="payment_methods", label="Cards",
                       columns=(ColumnSpec(key="masked", label="Card", width=200),
                                ColumnSpec(key="first6", label="First 6", width=80),
                                ColumnSpec(key="expiry", label="Expires", width=80)),
                       note="Saved cards are shown masked and cannot be changed here."),
    ),
    # No documented page per customer: the regional Merchant Dashboard (wave2-facts.md §2).
    dashboard=DashboardLinks(home={
        "production": "https://www.clover.com/dashboard",
        "production/eu": "https://www.eu.clover.com/dashboard",
        "production/la": "https://www.la.clover.com/dashboard",
        "sandbox": "https://sandbox.dev.clover.com/dashboard"}),
)

# -- wire models (lenient) ------------------------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _WireAddress(_Wire):
    id: str | None = None
    address1: str | None = None
    address2: str | None = None
    address3: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None


class _WireEmail(_Wire):
    id: str | None = None
    emailAddress: str
    primaryEmail: bool | None = None


class _WirePhone(_Wire):
    id: str | None = None
    phoneNumber: str


class _WireCard(_Wire):
    id: str
    first6: str | None = None
    last4: str | None = None
    expirationDate: str | None = None
    cardType: str | None = None
    firstName: str | None = None
    lastName: str | None = None


class _WireMetadata(_Wire):
    businessName: str | None = None
    note: str | None = None
    dobYear: int | None = None
    dobMonth: int | None = None
    dobDay: int | None = None


class _Elements(_Wire):
    elements: list[Any] = []


class _WireCustomer(_Wire):
    id: str
    firstName: str | None = None
    lastName: str | None = None
    marketingAllowed: bool | None = None
    customerSince: int | None = None
    addresses: _Elements | None = None
    emailAddresses: _Elements | None = None
    phoneNumbers: _Elements | None = None
    cards: _Elements | None = None
    metadata: _WireMetadata | None = None


# -- mapping --------------------------------------------------------------------------------------

_ADDRESS_TO_WIRE = {"line1": "address1", "line2": "address2", "line3": "address3", "city": "city",
                    "state": "state", "postal_code": "zip", "country": "country"}


def _items(model: type[_Wire], box: _Elements | None, at: str) -> list[Any]:
    return [read_model(model, item, provider=NAME, what="a customer", at=f"{at}.{i}")
            for i, item in enumerate(box.elements if box else [])]


def _birthday(meta: _WireMetadata | None) -> str | None:
    if meta is None or not meta.dobMonth or not meta.dobDay:
        return None
    day = f"{meta.dobMonth:02d}-{meta.dobDay:02d}"
    return f"{meta.dobYear:04d}-{day}" if meta.dobYear else day


def _card(card: _WireCard) -> PaymentMethod:
    expiry = card.expirationDate or ""
    month = int(expiry[:2]) if len(expiry) == 4 and expiry.isdigit() else None
    year = 2000 + int(expiry[2:]) if month else None
    holder = " ".join(p for p in (card.firstName, card.lastName) if p) or None
    first6 = card.first6 if card.first6 and len(card.first6) == 6 and card.first6.isdigit() else None
    last4 = card.last4[-4:] if card.last4 and card.last4.isdigit() else None
    return PaymentMethod(id=card.id, brand=(card.cardType or "Card").replace("_", " ").title(), last4=last4,
                         first6=first6, exp_month=month, exp_year=year, holder_name=holder)


def customer_from_wire(data: Any) -> Customer:
    """A domain customer from Clover's JSON (nested parts only where they were expanded)."""
    wire = read_model(_WireCustomer, data, provider=NAME, what="a customer", at="customer")
    addresses = tuple(Address(id=a.id, line1=a.address1, line2=a.address2, line3=a.address3, city=a.city,
                              state=a.state, postal_code=a.zip, country=a.country)
                      for a in _items(_WireAddress, wire.addresses, "addresses"))
    emails = tuple(ContactPoint(id=m.id, value=m.emailAddress, is_primary=bool(m.primaryEmail))
                   for m in _items(_WireEmail, wire.emailAddresses, "emailAddresses"))
    phones = tuple(ContactPoint(id=p.id, value=p.phoneNumber) for p in _items(_WirePhone, wire.phoneNumbers,
                                                                             "phoneNumbers"))
    try:
        cards = tuple(_card(c) for c in _items(_WireCard, wire.cards, "cards"))
    except ValueError as exc:
        raise e.ProtocolError("Clover sent a card we cannot read.", field="cards", provider=NAME) from exc
    primary = next((m for m in emails if m.is_primary), emails[0] if emails else None)
    meta = wire.metadata
    extra: dict[str, Any] = {}
    if wire.marketingAllowed is not None:
        extra["marketing_allowed"] = wire.marketingAllowed
    since = datetime.fromtimestamp(wire.customerSince / 1000, UTC) if wire.customerSince else None
    return Customer(id=wire.id, given_name=wire.firstName, family_name=wire.lastName,
                    company=meta.businessName if meta else None, email=primary.value if primary else None,
                    phone=phones[0].value if phones else None, address=addresses[0] if addresses else None,
                    addresses=addresses, emails=emails, phones=phones, note=meta.note if meta else None,
                    birthday=_birthday(meta), created_at=since, payment_methods=cards, extra=extra)


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _address_body(values: Mapping[str, Any], *, updating: bool = False) -> dict[str, Any]:
    """An address's wire fields. On an update a blank part is sent as "", which clears it at Clover;
    left out, Clover would keep the old value while the dialog said "Saved"."""
    return {_ADDRESS_TO_WIRE[k]: _clean(v) if v is not None else "" for k, v in values.items()
            if k in _ADDRESS_TO_WIRE and (updating or v not in (None, ""))}


def _metadata_body(changes: CustomerChanges) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if changes.touches("company"):
        body["businessName"] = _clean(changes.get("company")) or None
    if changes.touches("note"):
        body["note"] = changes.get("note") or None
    if changes.touches("birthday"):
        parts = [int(p) for p in str(changes.get("birthday") or "").split("-") if p]
        year, month, day = ([None, *parts] if len(parts) == 2 else parts) if parts else (None, None, None)
        body.update(dobYear=year, dobMonth=month, dobDay=day)
    return body


def _customer_body(changes: CustomerChanges) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, wire in (("given_name", "firstName"), ("family_name", "lastName")):
        if changes.touches(key):
            body[wire] = _clean(changes.get(key)) or None
    if changes.touches("marketing_allowed"):
        body["marketingAllowed"] = bool(changes.get("marketing_allowed"))
    return body


def create_body(changes: CustomerChanges) -> dict[str, Any]:
    """A create: the customer with its first email, phone, address and metadata nested."""
    body = {k: v for k, v in _customer_body(changes).items() if v is not None}
    if changes.get("email"):
        body["emailAddresses"] = [{"emailAddress": _clean(changes.get("email")), "primaryEmail": True}]
    if changes.get("phone"):
        body["phoneNumbers"] = [{"phoneNumber": _clean(changes.get("phone"))}]
    address = _address_body({k[len(ADDRESS_PREFIX):]: changes.get(k) for k in changes.touched()
                             if k.startswith(ADDRESS_PREFIX)})
    if address:
        body["addresses"] = [address]
    metadata = {k: v for k, v in _metadata_body(changes).items() if v is not None}
    if metadata:
        body["metadata"] = metadata
    return body


_SUB_RESOURCES = {"addresses": "addresses", "emails": "email_addresses", "phones": "phone_numbers"}


def _item_body(kind: str, values: Mapping[str, Any], *, updating: bool = False) -> dict[str, Any]:
    if kind == "addresses":
        return _address_body(values, updating=updating)
    if kind == "emails":
        return {"emailAddress": _clean(values.get("value"))}
    return {"phoneNumber": _clean(values.get("value"))}


def map_error(reply: Reply) -> e.ConsoleError | None:
    """The domain error for a Clover reply (`{"message": ...}` bodies), or None when it succeeded."""
    if reply.status < 400:
        return None
    body = reply.body if isinstance(reply.body, Mapping) else {}
    message = body.get("message") if isinstance(body.get("message"), str) else None
    if reply.status == 401:
        return e.AuthenticationError("Clover refused the API token for this merchant. Check the token, the "
                                     "merchant id, and the region and environment it belongs to.", provider=NAME)
    if reply.status == 400 and message:
        # Clover's messages name the field first ("firstName: ..."); put it on that field where we can.
        wire_field, _, rest = message.partition(":")
        key = _WIRE_FIELD_TO_KEY.get(wire_field.strip())
        return e.InvalidInputError(message, field_errors={key: rest.strip() or message} if key else {},
                                   provider=NAME, code="400")
    return status_error(reply, NAME, message if 400 <= reply.status < 500 and reply.status not in (401, 429) else None)


_WIRE_FIELD_TO_KEY = {"firstName": "given_name", "lastName": "family_name", "businessName": "company", "note": "note",
                      "emailAddress": "email", "phoneNumber": "phone",
                      **{wire: ADDRESS_PREFIX + key for key, wire in _ADDRESS_TO_WIRE.items()}}


class CloverProvider(CustomerProvider):
    """Customers of one Clover merchant."""

    capabilities = CAPABILITIES

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        super().__init__(config, client)
        token = config.credentials.get("token", "")
        merchant = str(config.options.get("merchant_id") or config.credentials.get("merchant_id") or "")
        if not merchant:
            raise e.AuthenticationError("This Clover account has no merchant id. Enter it in Accounts.",
                                        provider=NAME)
        self.limiter = RequestLimiter(concurrent=MAX_IN_FLIGHT, per_second=MAX_PER_SECOND, window=RATE_WINDOW_S)
        base_url = item_path(f"{config.base_url.rstrip('/')}/v3/merchants", merchant)
        self.http = HttpCore(client, provider=NAME, base_url=base_url,
                             map_error=map_error, limiter=self.limiter,
                             headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def _customer(self, body: Any) -> Customer:
        if not isinstance(body, Mapping):
            raise e.ProtocolError("Clover's answer has no customer in it.", field="customer", provider=NAME)
        return customer_from_wire(body)

    async def test_connection(self) -> None:
        await self.list_page(0, limit=1)

    async def list_page(self, offset: int, *, limit: int = PAGE_SIZE, filters: tuple[str, ...] = ()) -> Page:
        params: list[tuple[str, str | int]] = [("expand", EXPAND), ("limit", limit), ("offset", offset)]
        params += [("filter", f) for f in filters]
        reply = await self.http.request("GET", "/customers", params=params, retry=True)
        items = field_of(reply.body, "elements", list, provider=NAME) or []
        return Page([customer_from_wire(item) for item in items])

    async def _pages(self, *, limit: int = PAGE_SIZE, filters: tuple[str, ...] = ()) -> AsyncGenerator[Page]:
        offset = 0
        previous: list[str] = []
        while True:
            page = await self.list_page(offset, limit=limit, filters=filters)
            ids = [c.id for c in page.customers]
            if ids and ids == previous:
                # A server that ignores `offset` would otherwise be paged through forever.
                raise e.ProtocolError(f"Clover sent the same page again at offset {offset}; the listing stops "
                                      "there.", field="offset", provider=NAME)
            yield page
            if len(page.customers) < limit:  # no total or cursor: a short page is the last
                return
            previous = ids
            offset += limit

    def iter_pages(self, *, page_size: int | None = None) -> AsyncIterator[Page]:
        return self._pages(limit=page_size or PAGE_SIZE)

    async def _search(self, query: CustomerQuery) -> list[Customer]:
        if query.phone is not None:
            # Clover keeps phones as typed and compares them exactly: ask for the number as typed
            # and as bare digits (Clover's own examples), and merge what either finds.
            typed = query.phone.value.strip()
            found: dict[str, Customer] = {}
            for form in dict.fromkeys((typed, digits(typed))):
                if form:
                    narrowed = query.model_copy(update={"phone": TextMatch(value=form)})
                    found.update((c.id, c) for c in await self._search_once(narrowed))
            return list(found.values())
        return await self._search_once(query)

    async def _search_once(self, query: CustomerQuery) -> list[Customer]:
        filters: list[str] = []
        for match, wire in ((query.email, "emailAddress"), (query.phone, "phoneNumber"), (query.name, "fullName")):
            if match is not None:
                filters.append(f"{wire}={match.value.strip()}")
        if query.created is not None:
            if query.created.start is not None:
                filters.append(f"customerSince>={int(query.created.start.timestamp() * 1000)}")
            if query.created.end is not None:
                filters.append(f"customerSince<={int(query.created.end.timestamp() * 1000)}")
        if query.groups is not None or query.updated is not None or query.creation_sources:
            raise self._unsupported("this filter")
        found: list[Customer] = []
        async with contextlib.aclosing(self._pages(filters=tuple(filters))) as pages:
            async for page in pages:
                found.extend(page.customers)
                if len(found) >= MAX_SEARCH_PAGES * PAGE_SIZE and len(page.customers) == PAGE_SIZE:
                    # A search answers a lookup: part of the matches passed off as all of them would mislead
                    # (a read-back after a lost create, a duplicate check), so the search is refused instead.
                    raise e.ProtocolError(f"Clover kept sending matches past {MAX_SEARCH_PAGES * PAGE_SIZE:,}; "
                                          "the search stopped there. Narrow it down.", field="offset", provider=NAME)
        return found

    async def get(self, customer_id: str) -> Customer:
        reply = await self.http.request("GET", item_path(_CUSTOMERS, customer_id), params={"expand": EXPAND},
                                        retry=True)
        return self._customer(reply.body)

    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        # No idempotency at Clover: sent once; the services read back a create whose answer was lost.
        reply = await self.http.request("POST", "/customers", params={"expand": EXPAND},
                                        json_body=create_body(changes))
        return self._customer(reply.body)

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        # Setting the same values again is harmless, so these POSTs may be retried.
        body = _customer_body(changes)
        if body:
            await self.http.request("POST", item_path(_CUSTOMERS, customer.id), json_body=body, retry=True)
        metadata = _metadata_body(changes)
        if metadata:
            await self.http.request("POST", f"{item_path(_CUSTOMERS, customer.id)}/metadata", json_body=metadata,
                                    retry=True)
        return await self.get(customer.id)

    async def delete(self, customer: Customer) -> None:
        await self.http.request("DELETE", item_path(_CUSTOMERS, customer.id), retry=True)

    # -- addresses, emails and phones: Clover's sub-resources ---------------------------------

    def _path(self, customer: Customer, kind: str, item_id: str | None = None) -> str:
        base = f"{item_path(_CUSTOMERS, customer.id)}/{_SUB_RESOURCES[kind]}"
        return item_path(base, item_id) if item_id else base

    async def _add_item(self, customer: Customer, kind: str, values: Mapping[str, Any]) -> Customer:
        # An add is not repeatable (it would make a second copy), so it is sent once.
        await self.http.request("POST", self._path(customer, kind), json_body=_item_body(kind, values))
        return await self.get(customer.id)

    async def _update_item(self, customer: Customer, kind: str, item_id: str,
                          values: Mapping[str, Any]) -> Customer:
        await self.http.request("POST", self._path(customer, kind, item_id),
                                json_body=_item_body(kind, values, updating=True), retry=True)
        return await self.get(customer.id)

    async def _delete_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        with contextlib.suppress(e.NotFoundError):  # already gone, which is what was asked
            await self.http.request("DELETE", self._path(customer, kind, item_id), retry=True)
        return await self.get(customer.id)

    async def _set_default_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        await self.http.request("POST", self._path(customer, kind, item_id), json_body={"primaryEmail": True},
                                retry=True)
        return await self.get(customer.id)


def _base_url(environment: str, options: Mapping[str, Any]) -> str:
    if environment != "production":
        return SANDBOX_URL
    return PRODUCTION_URLS.get(str(options.get("region") or "na"), PRODUCTION_URLS["na"])


INFO = ProviderInfo(
    key="clover",
    capabilities=CAPABILITIES,
    client=CloverProvider,
    credentials=(CredentialField(key="token", label="API token",
                                 help="An OAuth access token of an app the merchant installed, or in the "
                                      "sandbox a merchant test API token (needs Customers read and write)."),),
    base_url=_base_url,
    options=(
        OptionField(key="merchant_id", label="Merchant id", required=True,
                    help="The 13-character merchant id (in the Clover dashboard's address)."),
        OptionField(key="region", label="Region",
                    choices=(("na", "North America"), ("eu", "Europe"), ("la", "Latin America")), default="na",
                    help="Production only: the sandbox is one host for every region."),
    ),
)

