"""Pure functions between PayArc's JSON and domain customers and errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import ADDRESS_PREFIX, Address, Customer, PaymentMethod
from console.providers.http import Reply, parse_retry_after, status_error
from console.providers.payarc.capabilities import NAME
from console.providers.payarc.wire import WireCard, WireCustomer
from console.providers.wire_reading import read_model

_BRANDS = {"V": "Visa", "M": "Mastercard", "R": "Discover", "X": "American Express"}


def _text(value: int | str | None) -> str | None:
    return None if value is None or value == "" else str(value)


def _card(card: WireCard) -> PaymentMethod:
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
    wire = read_model(WireCustomer, data, provider=NAME, what="a customer", at="data")
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
