"""Square Customers API client (Square-Version 2025-08-20) and its mapping to domain customers.

Wire shapes stay in this module: lenient pydantic models read Square's JSON (unknown fields are
ignored, so a new Square field never breaks the app), pure functions map wire <-> domain.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from console.domain import errors as e
from console.domain.capabilities import (
    Capabilities,
    DashboardLinks,
    FieldKind,
    FieldSpec,
    SearchKey,
    StatusFilterSpec,
)
from console.domain.changes import CustomerChanges
from console.domain.customer import ADDRESS_PREFIX, Address, Customer, Group
from console.domain.query import CustomerQuery, TextMatch, TimeRange
from console.domain.validation import to_e164
from console.providers.base import BulkResult, CustomerProvider, Page, ProviderConfig
from console.providers.http import HttpCore, InFlight, Reply, item_path, parse_retry_after
from console.providers.registry import CredentialField, ProviderInfo
from console.providers.wire_reading import field_of, read_model

SQUARE_VERSION = "2025-08-20"
PRODUCTION_URL = "https://connect.squareup.com"
SANDBOX_URL = "https://connect.squareupsandbox.com"
BULK_LIMIT = 100
PAGE_SIZE = 100
NAME = "Square"
_CUSTOMERS = "/v2/customers"

# -- capabilities ---------------------------------------------------------------------------------

_ADDRESS = "Address"
CAPABILITIES = Capabilities(
    provider="square",
    display_name=NAME,
    fields=(
        FieldSpec(key="given_name", label="First name", max_length=300),
        FieldSpec(key="family_name", label="Last name", max_length=300),
        FieldSpec(key="company", label="Company", max_length=500),
        FieldSpec(key="nickname", label="Nickname", max_length=100),
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, max_length=254),
        FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, min_digits=9, max_digits=16,
                  placeholder="+1 206-555-0100",
                  help="9 to 16 digits, optionally with a leading + and country code."),
        FieldSpec(key="reference_id", label="Reference ID", max_length=100,
                  help="Your own id for this customer, e.g. from your CRM."),
        FieldSpec(key="birthday", label="Birthday", kind=FieldKind.DATE, allow_no_year=True,
                  placeholder="YYYY-MM-DD or MM-DD"),
        FieldSpec(key="note", label="Note", kind=FieldKind.MULTILINE),
        FieldSpec(key="address.line1", label="Address line 1", section=_ADDRESS),
        FieldSpec(key="address.line2", label="Address line 2", section=_ADDRESS),
        FieldSpec(key="address.line3", label="Address line 3", section=_ADDRESS),
        FieldSpec(key="address.city", label="City", section=_ADDRESS),
        FieldSpec(key="address.state", label="State / region", section=_ADDRESS),
        FieldSpec(key="address.postal_code", label="Postal code", section=_ADDRESS),
        FieldSpec(key="address.country", label="Country", section=_ADDRESS, pattern="[A-Z]{2}",
                  pattern_message="Two capital letters (ISO 3166 code), e.g. US or GB.",
                  placeholder="US"),
        FieldSpec(key="eu_vat", label="EU VAT number", section="Square", max_length=20,
                  pattern="[A-Za-z0-9]+", pattern_message="Letters and digits only.",
                  help="Only used by Square for sellers in the EU or the UK."),
        FieldSpec(key="creation_source", label="Created through", section="Square", editable=False),
        FieldSpec(key="email_unsubscribed", label="Unsubscribed from marketing email",
                  kind=FieldKind.BOOL, section="Square", editable=False),
    ),
    required_one_of=(("given_name", "family_name", "company", "email", "phone"),),
    server_exact=frozenset({SearchKey.EMAIL, SearchKey.PHONE, SearchKey.REFERENCE_ID}),
    server_fuzzy=frozenset({SearchKey.EMAIL, SearchKey.PHONE, SearchKey.REFERENCE_ID}),
    versioned=True,
    bulk_limit=BULK_LIMIT,
    groups=True,
    idempotent_create=True,
    status_filter=StatusFilterSpec(key="creation_source", label="Created through", empty_label="Not given"),
    # Deep links are not documented; seen in third-party code (shared/api/wave2-facts.md §2).
    dashboard=DashboardLinks(customer={
        "production": "https://app.squareup.com/dashboard/customers/directory/customer/{id}",
        "sandbox": "https://app.squareupsandbox.com/dashboard/customers/directory/customer/{id}"}),
)

# -- wire models (lenient) ------------------------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _WireAddress(_Wire):
    address_line_1: str | None = None
    address_line_2: str | None = None
    address_line_3: str | None = None
    locality: str | None = None
    administrative_district_level_1: str | None = None
    postal_code: str | None = None
    country: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class _WirePreferences(_Wire):
    email_unsubscribed: bool | None = None


class _WireTaxIds(_Wire):
    eu_vat: str | None = None


class _WireCustomer(_Wire):
    id: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    given_name: str | None = None
    family_name: str | None = None
    nickname: str | None = None
    company_name: str | None = None
    email_address: str | None = None
    address: _WireAddress | None = None
    phone_number: str | None = None
    birthday: str | None = None
    reference_id: str | None = None
    note: str | None = None
    preferences: _WirePreferences | None = None
    creation_source: str | None = None
    group_ids: list[str] | None = None
    segment_ids: list[str] | None = None
    version: int | None = None
    tax_ids: _WireTaxIds | None = None


class _WireError(_Wire):
    category: str = "API_ERROR"
    code: str = "UNKNOWN"
    detail: str | None = None
    field: str | None = None


class _WireGroup(_Wire):
    id: str
    name: str


# -- mapping: wire -> domain ----------------------------------------------------------------------

# Square field name -> domain field key (for writes and for errors that name a field).
_FIELD_TO_WIRE: dict[str, str] = {
    "given_name": "given_name",
    "family_name": "family_name",
    "company": "company_name",
    "nickname": "nickname",
    "email": "email_address",
    "phone": "phone_number",
    "reference_id": "reference_id",
    "birthday": "birthday",
    "note": "note",
}
_ADDRESS_TO_WIRE: dict[str, str] = {
    "line1": "address_line_1",
    "line2": "address_line_2",
    "line3": "address_line_3",
    "city": "locality",
    "state": "administrative_district_level_1",
    "postal_code": "postal_code",
    "country": "country",
}
_WIRE_TO_KEY: dict[str, str] = {
    **{wire: key for key, wire in _FIELD_TO_WIRE.items()},
    **{f"address.{wire}": ADDRESS_PREFIX + key for key, wire in _ADDRESS_TO_WIRE.items()},
    "tax_ids.eu_vat": "eu_vat",
    "eu_vat": "eu_vat",
}
# Errors that name no field but can only be about one.
_CODE_TO_KEY = {"INVALID_EMAIL_ADDRESS": "email", "INVALID_PHONE_NUMBER": "phone", "INVALID_TIME": "birthday"}


def _birthday_from_wire(value: str | None) -> str | None:
    # Square answers 0000-MM-DD for a birthday given without a year; staff typed MM-DD.
    if value and value.startswith("0000-"):
        return value[5:]
    return value


def customer_from_wire(data: Mapping[str, Any]) -> Customer:
    """A domain customer from Square's JSON; unreadable input becomes a ProtocolError."""
    wire = read_model(_WireCustomer, data, provider=NAME, what="a customer", at="customer")
    address = None
    if wire.address is not None:
        a = wire.address
        address = Address(line1=a.address_line_1, line2=a.address_line_2, line3=a.address_line_3,
                          city=a.locality, state=a.administrative_district_level_1,
                          postal_code=a.postal_code, country=a.country)
        if address.is_empty():
            address = None
    extra: dict[str, Any] = {}
    if wire.nickname:
        extra["nickname"] = wire.nickname
    if wire.creation_source:
        extra["creation_source"] = wire.creation_source
    if wire.preferences is not None and wire.preferences.email_unsubscribed is not None:
        extra["email_unsubscribed"] = wire.preferences.email_unsubscribed
    if wire.tax_ids is not None and wire.tax_ids.eu_vat:
        extra["eu_vat"] = wire.tax_ids.eu_vat
    if wire.segment_ids:
        extra["segment_ids"] = tuple(wire.segment_ids)
    return Customer(
        id=wire.id,
        given_name=wire.given_name,
        family_name=wire.family_name,
        company=wire.company_name,
        email=wire.email_address,
        phone=wire.phone_number,
        address=address,
        note=wire.note,
        reference_id=wire.reference_id,
        birthday=_birthday_from_wire(wire.birthday),
        created_at=wire.created_at,
        updated_at=wire.updated_at,
        version=None if wire.version is None else str(wire.version),
        group_ids=tuple(wire.group_ids or ()),
        extra=extra,
    )


# -- mapping: domain -> wire ----------------------------------------------------------------------


def _wire_value(key: str, value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def create_body(changes: CustomerChanges) -> dict[str, Any]:
    """The CreateCustomer fields for a new customer (without the idempotency key)."""
    body: dict[str, Any] = {}
    address: dict[str, Any] = {}
    for key, value in changes.values.items():
        if key in _FIELD_TO_WIRE:
            body[_FIELD_TO_WIRE[key]] = _wire_value(key, value)
        elif key.startswith(ADDRESS_PREFIX) and key[len(ADDRESS_PREFIX):] in _ADDRESS_TO_WIRE:
            address[_ADDRESS_TO_WIRE[key[len(ADDRESS_PREFIX):]]] = _wire_value(key, value)
        elif key == "eu_vat":
            body["tax_ids"] = {"eu_vat": value}
    if address:
        body["address"] = address
    return body


def update_body(customer: Customer, changes: CustomerChanges) -> dict[str, Any]:
    """A sparse UpdateCustomer body: changed keys only, null to remove, with the version."""
    body: dict[str, Any] = {}
    address: dict[str, Any] = {}
    for key in sorted(changes.touched()):
        value = _wire_value(key, changes.get(key))
        if key in _FIELD_TO_WIRE:
            body[_FIELD_TO_WIRE[key]] = value
        elif key.startswith(ADDRESS_PREFIX) and key[len(ADDRESS_PREFIX):] in _ADDRESS_TO_WIRE:
            address[_ADDRESS_TO_WIRE[key[len(ADDRESS_PREFIX):]]] = value
        elif key == "eu_vat":
            body["tax_ids"] = {"eu_vat": value}
    if address:
        # Sub-fields merge on Square's side; when every part the customer has is cleared, drop it whole.
        remaining = {part: getattr(customer.address, part) for part in _ADDRESS_TO_WIRE
                     if customer.address is not None and getattr(customer.address, part)
                     and not changes.touches(ADDRESS_PREFIX + part)}
        if all(v is None for v in address.values()) and not remaining:
            body["address"] = None
        else:
            body["address"] = address
    if customer.version is not None:
        body["version"] = int(customer.version)
    return body


def _rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text_filter(match: TextMatch, *, phone: bool = False) -> dict[str, str]:
    if match.exact:
        value = match.value.strip()
        if phone:
            # Square compares exact phone filters in E.164 and rejects other forms.
            value = to_e164(value) or value
        return {"exact": value}
    return {"fuzzy": match.value.strip()}


def _time_range(span: TimeRange) -> dict[str, str]:
    out = {}
    if span.start is not None:
        out["start_at"] = _rfc3339(span.start)
    if span.end is not None:
        out["end_at"] = _rfc3339(span.end)
    return out


def search_query(query: CustomerQuery) -> dict[str, Any]:
    """The `query` object of SearchCustomers for a domain query."""
    if query.name is not None:
        raise e.NotSupportedError("Square cannot search by name on the server; use the search field.",
                                  provider=NAME)
    flt: dict[str, Any] = {}
    if query.email is not None:
        flt["email_address"] = _text_filter(query.email)
    if query.phone is not None:
        flt["phone_number"] = _text_filter(query.phone, phone=True)
    if query.reference_id is not None:
        flt["reference_id"] = _text_filter(query.reference_id)
    if query.created is not None:
        flt["created_at"] = _time_range(query.created)
    if query.updated is not None:
        flt["updated_at"] = _time_range(query.updated)
    if query.groups is not None:
        groups = {name: list(ids) for name, ids in
                  (("any", query.groups.any), ("all", query.groups.all), ("none", query.groups.none)) if ids}
        if groups:
            flt["group_ids"] = groups
    if query.creation_sources:
        flt["creation_source"] = {"values": list(query.creation_sources),
                                  "rule": "EXCLUDE" if query.exclude_creation_sources else "INCLUDE"}
    out: dict[str, Any] = {}
    if flt:
        out["filter"] = flt
    if query.sort != "default" or query.descending:
        out["sort"] = {"field": "CREATED_AT" if query.sort == "created_at" else "DEFAULT",
                       "order": "DESC" if query.descending else "ASC"}
    return out


# -- errors ---------------------------------------------------------------------------------------


def _errors_of(body: Any) -> list[_WireError]:
    if not isinstance(body, Mapping) or not isinstance(body.get("errors"), list):
        return []
    out = []
    for item in body["errors"]:
        try:
            out.append(_WireError.model_validate(item))
        except ValidationError:
            continue
    return out


def _field_key(error: _WireError) -> str | None:
    if error.field:
        name = error.field.removeprefix("customer.")
        return _WIRE_TO_KEY.get(name, name)
    return _CODE_TO_KEY.get(error.code)


def error_from_errors(errors: Sequence[_WireError], status: int, retry_after: float | None = None
                      ) -> e.ConsoleError:
    """One domain error for Square's `errors` array (per item in bulk answers, or a whole reply)."""
    first = errors[0] if errors else _WireError(detail=None)
    detail = first.detail or f"Square answered HTTP {status} ({first.code})."
    codes = {err.code for err in errors}
    if status == 401 or (first.category == "AUTHENTICATION_ERROR" and status != 403):
        return e.AuthenticationError("Square refused the access token. Check that it is right, not "
                                     "expired, and meant for this environment (sandbox or production).",
                                     provider=NAME, code=first.code)
    if status == 403 or "INSUFFICIENT_SCOPES" in codes or "FORBIDDEN" in codes:
        return e.PermissionDeniedError("The Square token lacks a permission this needs "
                                       "(CUSTOMERS_READ / CUSTOMERS_WRITE).", provider=NAME, code=first.code)
    if status == 429 or "RATE_LIMITED" in codes:
        return e.RateLimitedError("Square asks us to slow down.", retry_after=retry_after, provider=NAME,
                                  code=first.code)
    if status >= 500 or first.category == "API_ERROR":
        return e.UnavailableError(f"Square is having trouble ({first.code}). Try again shortly.",
                                  provider=NAME, code=first.code)
    if "NOT_FOUND" in codes or status == 404:
        return e.NotFoundError(detail, provider=NAME, code="NOT_FOUND")
    if "VERSION_MISMATCH" in codes:
        return e.StaleVersionError("Someone else changed this customer after you opened it.",
                                   provider=NAME, code="VERSION_MISMATCH")
    if "IDEMPOTENCY_KEY_REUSED" in codes or status == 409:
        return e.ConflictError(detail, provider=NAME, code=first.code)
    field_errors: dict[str, str] = {}
    for err in errors:
        key = _field_key(err)
        if key is not None:
            field_errors.setdefault(key, err.detail or err.code.replace("_", " ").capitalize())
    return e.InvalidInputError(detail, field_errors=field_errors, provider=NAME, code=first.code)


def map_error(reply: Reply) -> e.ConsoleError | None:
    """The domain error for a Square reply, or None when it succeeded."""
    errors = _errors_of(reply.body)
    if reply.status < 400 and not errors:
        return None
    return error_from_errors(errors, reply.status, parse_retry_after(reply.headers.get("retry-after")))


# -- the client -----------------------------------------------------------------------------------

SortField = Literal["DEFAULT", "CREATED_AT"]
SortOrder = Literal["ASC", "DESC"]


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _list_params(cursor: str | None, limit: int | None, sort_field: SortField, sort_order: SortOrder,
                 count: bool) -> dict[str, Any]:
    """ListCustomers query parameters, leaving out the ones at Square's defaults."""
    params: dict[str, Any] = {}
    if cursor:
        params["cursor"] = cursor
    if limit is not None:
        params["limit"] = limit
    if sort_field != "DEFAULT":
        params["sort_field"] = sort_field
    if sort_order != "ASC":
        params["sort_order"] = sort_order
    if count:
        params["count"] = "true"
    return params


class SquareProvider(CustomerProvider):
    """Customers of one Square seller account."""

    capabilities = CAPABILITIES

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        super().__init__(config, client)
        token = config.credentials.get("token", "")
        self.http = HttpCore(client, provider=NAME, base_url=config.base_url, map_error=map_error,
                             headers={"Authorization": f"Bearer {token}", "Square-Version": SQUARE_VERSION,
                                      "Accept": "application/json"})

    def _customers(self, body: Any, key: str = "customers") -> list[Customer]:
        items = body.get(key) or [] if isinstance(body, Mapping) else None
        if not isinstance(items, list):
            raise e.ProtocolError(f"Square sent '{key}' that is not a list.", field=key, provider=NAME)
        return [customer_from_wire(item) for item in items]

    def _customer(self, body: Any) -> Customer:
        if not isinstance(body, Mapping) or not isinstance(body.get("customer"), Mapping):
            raise e.ProtocolError("Square's answer has no customer in it.", field="customer", provider=NAME)
        return customer_from_wire(body["customer"])

    async def test_connection(self) -> None:
        await self.list_page(limit=1)

    async def list_page(self, cursor: str | None = None, *, limit: int | None = None,
                        sort_field: SortField = "DEFAULT", sort_order: SortOrder = "ASC",
                        count: bool = False) -> Page:
        """One ListCustomers page."""
        return self._list_page(await self._list_body(_list_params(cursor, limit, sort_field, sort_order, count)))

    async def _list_body(self, params: dict[str, Any], on_sent: Callable[[], None] | None = None) -> Any:
        reply = await self.http.request("GET", "/v2/customers", params=params, retry=True, on_sent=on_sent)
        return reply.body

    def _list_page(self, body: Any) -> Page:
        total = field_of(body, "count", int, provider=NAME)
        return Page(self._customers(body), cursor=self._cursor(body), total=total)

    def _cursor(self, body: Any) -> str | None:
        return field_of(body, "cursor", str, provider=NAME) or None

    async def iter_pages(self, *, page_size: int | None = None, sort_field: SortField = "DEFAULT",
                         sort_order: SortOrder = "ASC") -> AsyncIterator[Page]:
        limit = page_size or PAGE_SIZE

        def request(cursor: str | None) -> InFlight[Any]:
            params = _list_params(cursor, limit, sort_field, sort_order, count=cursor is None)
            return InFlight(lambda on_sent: self._list_body(params, on_sent))

        pending: InFlight[Any] | None = request(None)
        try:
            while pending is not None:
                body = await pending
                cursor = self._cursor(body)
                # Square's cursor makes pages strictly sequential: the next page is asked for before
                # this one is read, and reading it (and filling the table) waits until that request
                # is on the wire, so the work overlaps the network wait instead of delaying it (P4).
                pending = request(cursor) if cursor else None
                if pending is not None:
                    await pending.sent()
                yield self._list_page(body)
        finally:
            if pending is not None:  # stopped early: nothing is awaited here (see authorize_net)
                pending.abandon()

    async def search_page(self, query: CustomerQuery, cursor: str | None = None, *,
                          limit: int | None = None, count: bool = False) -> Page:
        """One SearchCustomers page."""
        body: dict[str, Any] = {}
        if cursor:
            body["cursor"] = cursor
        if limit is not None:
            body["limit"] = limit
        q = search_query(query)
        if q:
            body["query"] = q
        if count:
            body["count"] = True
        # Search is a read even though it is a POST, so retrying it is harmless.
        reply = await self.http.request("POST", "/v2/customers/search", json_body=body, retry=True)
        total = field_of(reply.body, "count", int, provider=NAME)
        return Page(self._customers(reply.body), cursor=field_of(reply.body, "cursor", str, provider=NAME) or None,
                    total=total)

    async def _search(self, query: CustomerQuery) -> list[Customer]:
        found: list[Customer] = []
        cursor: str | None = None
        while True:
            page = await self.search_page(query, cursor)
            found.extend(page.customers)
            if not page.cursor:
                return found
            cursor = page.cursor

    async def get(self, customer_id: str) -> Customer:
        reply = await self.http.request("GET", item_path(_CUSTOMERS, customer_id), retry=True)
        return self._customer(reply.body)

    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        body = {"idempotency_key": idempotency_key, **create_body(changes)}
        # The idempotency key makes a repeated create return the first result, so retrying is safe.
        reply = await self.http.request("POST", "/v2/customers", json_body=body, retry=True)
        return self._customer(reply.body)

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        body = update_body(customer, changes)
        # With the version in the body a repeat after a lost answer fails as VERSION_MISMATCH
        # instead of applying twice, so the retry is safe; without it PUT is idempotent anyway.
        reply = await self.http.request("PUT", item_path(_CUSTOMERS, customer.id), json_body=body, retry=True)
        return self._customer(reply.body)

    async def delete(self, customer: Customer) -> None:
        params = {"version": customer.version} if customer.version is not None else None
        await self.http.request("DELETE", item_path(_CUSTOMERS, customer.id), params=params, retry=True)

    # -- bulk ---------------------------------------------------------------------------------

    def _bulk(self, body: Any, keys: Sequence[str], result: BulkResult, *, deleted: bool) -> None:
        responses = body.get("responses") if isinstance(body, Mapping) else None
        if not isinstance(responses, Mapping):
            raise e.ProtocolError("Square's bulk answer has no 'responses' map.", field="responses",
                                  provider=NAME)
        for key in keys:
            item = responses.get(key)
            if not isinstance(item, Mapping):
                result.failed[key] = e.ProtocolError(f"Square's bulk answer says nothing about {key}.",
                                                     field=f"responses.{key}", provider=NAME)
            elif item.get("errors"):
                result.failed[key] = error_from_errors(_errors_of(item), 400)
            elif deleted:
                result.succeeded[key] = None
            else:
                result.succeeded[key] = self._customer(item)

    async def create_many(self, items: Mapping[str, CustomerChanges]) -> BulkResult:
        """BulkCreateCustomers; `items` maps an idempotency key to each new customer's values."""
        result = BulkResult(succeeded={}, failed={})
        keys = list(items)
        for chunk in _chunks(keys, BULK_LIMIT):
            body = {"customers": {key: create_body(items[key]) for key in chunk}}
            reply = await self.http.request("POST", "/v2/customers/bulk-create", json_body=body, retry=True)
            self._bulk(reply.body, chunk, result, deleted=False)
        return result

    async def update_many(self, items: Sequence[tuple[Customer, CustomerChanges]]) -> BulkResult:
        """BulkUpdateCustomers, each with its own version."""
        result = BulkResult(succeeded={}, failed={})
        for chunk in _chunks(list(items), BULK_LIMIT):
            body = {"customers": {customer.id: update_body(customer, changes) for customer, changes in chunk}}
            reply = await self.http.request("POST", "/v2/customers/bulk-update", json_body=body, retry=True)
            self._bulk(reply.body, [customer.id for customer, _ in chunk], result, deleted=False)
        return result

    async def delete_many(self, customers: Sequence[Customer]) -> BulkResult:
        result = BulkResult(succeeded={}, failed={})
        for chunk in _chunks([c.id for c in customers], BULK_LIMIT):
            reply = await self.http.request("POST", "/v2/customers/bulk-delete",
                                            json_body={"customer_ids": list(chunk)}, retry=True)
            self._bulk(reply.body, chunk, result, deleted=True)
        return result

    async def get_many(self, customer_ids: Sequence[str]) -> BulkResult:
        result = BulkResult(succeeded={}, failed={})
        for chunk in _chunks(list(customer_ids), BULK_LIMIT):
            reply = await self.http.request("POST", "/v2/customers/bulk-retrieve",
                                            json_body={"customer_ids": list(chunk)}, retry=True)
            self._bulk(reply.body, chunk, result, deleted=False)
        return result

    # -- groups -------------------------------------------------------------------------------

    async def list_groups(self) -> list[Group]:
        groups: list[Group] = []
        cursor: str | None = None
        while True:
            params = {"limit": 50, **({"cursor": cursor} if cursor else {})}
            reply = await self.http.request("GET", "/v2/customers/groups", params=params, retry=True)
            for item in reply.body.get("groups") or []:
                try:
                    wire = _WireGroup.model_validate(item)
                except ValidationError as exc:
                    raise e.ProtocolError("Square sent a customer group we cannot read.", field="groups",
                                          provider=NAME) from exc
                groups.append(Group(id=wire.id, name=wire.name))
            cursor = reply.body.get("cursor")
            if not cursor:
                return groups

    async def add_to_group(self, customer: Customer, group_id: str) -> None:
        await self.http.request("PUT", _membership_path(customer, group_id), retry=True)

    async def remove_from_group(self, customer: Customer, group_id: str) -> None:
        await self.http.request("DELETE", _membership_path(customer, group_id), retry=True)


def _membership_path(customer: Customer, group_id: str) -> str:
    return item_path(f"{item_path(_CUSTOMERS, customer.id)}/groups", group_id)


def _base_url(environment: str, options: Mapping[str, Any]) -> str:
    return PRODUCTION_URL if environment == "production" else SANDBOX_URL


INFO = ProviderInfo(
    key="square",
    capabilities=CAPABILITIES,
    client=SquareProvider,
    credentials=(CredentialField(key="token", label="Access token",
                                 help="A personal access token or OAuth token from the Square "
                                      "Developer Dashboard (sandbox tokens work only on sandbox)."),),
    base_url=_base_url,
)
