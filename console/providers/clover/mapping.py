"""Pure functions between Clover's JSON and domain customers and errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.domain import errors as e
from console.domain.capabilities import CollectionKind
from console.domain.changes import CustomerChanges
from console.domain.customer import ADDRESS_PREFIX, Address, ContactPoint, Customer, PaymentMethod
from console.providers.clover.capabilities import NAME
from console.providers.clover.wire import (
    WireAddress,
    WireCard,
    WireCustomer,
    WireElements,
    WireEmail,
    WireMetadata,
    WirePhone,
)
from console.providers.http import Reply, status_error
from console.providers.wire_model import WireModel
from console.providers.wire_reading import read_model
from console.providers.wire_values import from_epoch, stripped

_ADDRESS_TO_WIRE = {"line1": "address1", "line2": "address2", "line3": "address3", "city": "city",
                    "state": "state", "postal_code": "zip", "country": "country"}


def _items(model: type[WireModel], box: WireElements | None, at: str) -> list[Any]:
    return [read_model(model, item, provider=NAME, what="a customer", at=f"{at}.{i}")
            for i, item in enumerate(box.elements if box else [])]


def _birthday(meta: WireMetadata | None) -> str | None:
    if meta is None or not meta.dobMonth or not meta.dobDay:
        return None
    day = f"{meta.dobMonth:02d}-{meta.dobDay:02d}"
    return f"{meta.dobYear:04d}-{day}" if meta.dobYear else day


def _card(card: WireCard) -> PaymentMethod:
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
    wire = read_model(WireCustomer, data, provider=NAME, what="a customer", at="customer")
    addresses = tuple(Address(id=a.id, line1=a.address1, line2=a.address2, line3=a.address3, city=a.city,
                              state=a.state, postal_code=a.zip, country=a.country)
                      for a in _items(WireAddress, wire.addresses, "addresses"))
    emails = tuple(ContactPoint(id=m.id, value=m.emailAddress, is_primary=bool(m.primaryEmail))
                   for m in _items(WireEmail, wire.emailAddresses, "emailAddresses"))
    phones = tuple(ContactPoint(id=p.id, value=p.phoneNumber) for p in _items(WirePhone, wire.phoneNumbers,
                                                                             "phoneNumbers"))
    try:
        cards = tuple(_card(c) for c in _items(WireCard, wire.cards, "cards"))
    except ValueError as exc:
        raise e.ProtocolError("Clover sent a card we cannot read.", field="cards", provider=NAME) from exc
    primary = next((m for m in emails if m.is_primary), emails[0] if emails else None)
    meta = wire.metadata
    extra: dict[str, Any] = {}
    if wire.marketingAllowed is not None:
        extra["marketing_allowed"] = wire.marketingAllowed
    try:
        since = from_epoch(wire.customerSince, per_second=1000) if wire.customerSince else None
    except ValueError as exc:
        raise e.ProtocolError("Clover sent a 'customer since' time we cannot read.", field="customerSince",
                              provider=NAME) from exc
    return Customer(id=wire.id, given_name=wire.firstName, family_name=wire.lastName,
                    company=meta.businessName if meta else None, email=primary.value if primary else None,
                    phone=phones[0].value if phones else None, address=addresses[0] if addresses else None,
                    addresses=addresses, emails=emails, phones=phones, note=meta.note if meta else None,
                    birthday=_birthday(meta), created_at=since, payment_methods=cards, extra=extra)


def address_body(values: Mapping[str, Any], *, updating: bool = False) -> dict[str, Any]:
    """An address's wire fields. On an update a blank part is sent as "", which clears it at Clover;
    left out, Clover would keep the old value while the dialog said "Saved"."""
    return {_ADDRESS_TO_WIRE[k]: stripped(v) if v is not None else "" for k, v in values.items()
            if k in _ADDRESS_TO_WIRE and (updating or v not in (None, ""))}


def metadata_body(changes: CustomerChanges) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if changes.touches("company"):
        body["businessName"] = stripped(changes.get("company")) or None
    if changes.touches("note"):
        body["note"] = changes.get("note") or None
    if changes.touches("birthday"):
        parts = [int(p) for p in str(changes.get("birthday") or "").split("-") if p]
        year, month, day = ([None, *parts] if len(parts) == 2 else parts) if parts else (None, None, None)
        body.update(dobYear=year, dobMonth=month, dobDay=day)
    return body


def customer_body(changes: CustomerChanges) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, wire in (("given_name", "firstName"), ("family_name", "lastName")):
        if changes.touches(key):
            body[wire] = stripped(changes.get(key)) or None
    if changes.touches("marketing_allowed"):
        body["marketingAllowed"] = bool(changes.get("marketing_allowed"))
    return body


def create_body(changes: CustomerChanges) -> dict[str, Any]:
    """A create: the customer with its first email, phone, address and metadata nested."""
    body = {k: v for k, v in customer_body(changes).items() if v is not None}
    if changes.get("email"):
        body["emailAddresses"] = [{"emailAddress": stripped(changes.get("email")), "primaryEmail": True}]
    if changes.get("phone"):
        body["phoneNumbers"] = [{"phoneNumber": stripped(changes.get("phone"))}]
    address = address_body({k[len(ADDRESS_PREFIX):]: changes.get(k) for k in changes.touched()
                             if k.startswith(ADDRESS_PREFIX)})
    if address:
        body["addresses"] = [address]
    metadata = {k: v for k, v in metadata_body(changes).items() if v is not None}
    if metadata:
        body["metadata"] = metadata
    return body


def item_body(kind: CollectionKind, values: Mapping[str, Any], *, updating: bool = False) -> dict[str, Any]:
    """What adds or changes one address, email or phone (the kinds Clover lets us change)."""
    if kind is CollectionKind.ADDRESSES:
        return address_body(values, updating=updating)
    if kind is CollectionKind.EMAILS:
        return {"emailAddress": stripped(values.get("value"))}
    return {"phoneNumber": stripped(values.get("value"))}


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
