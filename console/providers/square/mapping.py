"""Pure functions between Square's JSON and domain customers, queries and errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import ADDRESS_PREFIX, Address, Customer
from console.domain.query import CustomerQuery, TextMatch, TimeRange
from console.domain.rfc3339 import rfc3339
from console.domain.validation import to_e164
from console.providers.http import Reply, parse_retry_after
from console.providers.square.capabilities import NAME
from console.providers.square.wire import WireCustomer, WireError
from console.providers.wire_reading import read_model
from console.providers.wire_values import stripped

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
    wire = read_model(WireCustomer, data, provider=NAME, what="a customer", at="customer")
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

def create_body(changes: CustomerChanges) -> dict[str, Any]:
    """The CreateCustomer fields for a new customer (without the idempotency key)."""
    body: dict[str, Any] = {}
    address: dict[str, Any] = {}
    for key, value in changes.values.items():
        if key in _FIELD_TO_WIRE:
            body[_FIELD_TO_WIRE[key]] = stripped(value)
        elif key.startswith(ADDRESS_PREFIX) and key[len(ADDRESS_PREFIX):] in _ADDRESS_TO_WIRE:
            address[_ADDRESS_TO_WIRE[key[len(ADDRESS_PREFIX):]]] = stripped(value)
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
        value = stripped(changes.get(key))
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
        out["start_at"] = rfc3339(span.start)
    if span.end is not None:
        out["end_at"] = rfc3339(span.end)
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


def errors_of(body: Any) -> list[WireError]:
    if not isinstance(body, Mapping) or not isinstance(body.get("errors"), list):
        return []
    out = []
    for item in body["errors"]:
        try:
            out.append(WireError.model_validate(item))
        except ValidationError:
            continue
    return out


def _field_key(error: WireError) -> str | None:
    if error.field:
        name = error.field.removeprefix("customer.")
        return _WIRE_TO_KEY.get(name, name)
    return _CODE_TO_KEY.get(error.code)


def error_from_errors(errors: Sequence[WireError], status: int, retry_after: float | None = None
                      ) -> e.ConsoleError:
    """One domain error for Square's `errors` array (per item in bulk answers, or a whole reply)."""
    first = errors[0] if errors else WireError(detail=None)
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
    errors = errors_of(reply.body)
    if reply.status < 400 and not errors:
        return None
    return error_from_errors(errors, reply.status, parse_retry_after(reply.headers.get("retry-after")))
