"""Pure functions between Digital River's JSON and domain customers and errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import ADDRESS_PREFIX, Address, Customer, PaymentMethod, TaxId
from console.providers.digital_river.capabilities import NAME, STATUS_DISABLED, STATUS_ERASURE
from console.providers.digital_river.wire import WireCustomer, WireShipping, WireSource
from console.providers.http import Reply, parse_retry_after, status_error
from console.providers.wire_reading import read_model
from console.providers.wire_values import blank_to_none


def _source(source: WireSource, default_id: str | None) -> PaymentMethod:
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
    wire = read_model(WireCustomer, data, provider=NAME, what="a customer", at="customer")
    shipping = wire.shipping or WireShipping()
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


def write_body(customer: Customer | None, changes: CustomerChanges) -> dict[str, Any]:
    """A create body (customer None) or a sparse update body. Shipping goes whole: it is one object."""
    body: dict[str, Any] = {}
    for key, wire in _TOP_FIELDS.items():
        if changes.touches(key):
            body[wire] = blank_to_none(changes.get(key))
    if changes.touches("metadata"):
        body["metadata"] = dict(changes.get("metadata") or {})
    touched = changes.touched()
    if any(k in _SHIPPING_FIELDS or k.startswith(ADDRESS_PREFIX) for k in touched):
        def current(key: str) -> Any:
            if changes.touches(key):
                return blank_to_none(changes.get(key))
            return customer.value(key) if customer is not None else None

        shipping = {wire: current(key) for key, wire in _SHIPPING_FIELDS.items()}
        address = {wire: current(ADDRESS_PREFIX + key) for key, wire in _ADDRESS_FIELDS.items()}
        if any(address.values()):
            shipping["address"] = {k: v for k, v in address.items() if v is not None}
        body["shipping"] = {k: v for k, v in shipping.items() if v is not None}
    if customer is None:
        body = {k: v for k, v in body.items() if v is not None}
    return body


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
        # `already_exists` is a duplicate id; a source that cannot be saved (in use, not chargeable) is not.
        conflict = e.DuplicateError if code in (None, "already_exists") else e.ConflictError
        return conflict(message, provider=NAME, code=code)
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
