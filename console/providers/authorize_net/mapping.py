"""Pure functions between Authorize.net's JSON and domain customers and errors.

Request elements must come in the XSD's order (the server converts JSON to XML and validates
it), and an error is `messages.resultCode == "Error"` inside HTTP 200.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import Address, Customer, PaymentMethod
from console.providers.authorize_net.capabilities import NAME
from console.providers.authorize_net.wire import WireAddress, WirePaymentProfile, WireProfile
from console.providers.http import Reply, status_error
from console.providers.wire_reading import read_model
from console.providers.wire_values import blank_to_none

_DUPLICATE_ID = re.compile(r"ID\s+(\d+)")
# customerAddressType's elements in schema order, each with the Address attribute it carries.
_ADDRESS_ELEMENTS = (("firstName", "first_name"), ("lastName", "last_name"), ("company", "company"),
                     ("address", "line1"), ("city", "city"), ("state", "state"), ("zip", "postal_code"),
                     ("country", "country"), ("phoneNumber", "phone"), ("faxNumber", "fax"), ("email", "email"))
ADDRESS_PARTS = tuple(part for _, part in _ADDRESS_ELEMENTS)


def listed(value: Any) -> Any:
    """A repeated element comes as an array, or as one object when there is one."""
    return [value] if isinstance(value, Mapping) else value


def _address(a: WireAddress) -> Address:
    return Address(id=a.customerAddressId, first_name=a.firstName, last_name=a.lastName, company=a.company,
                   line1=a.address, city=a.city, state=a.state, postal_code=a.zip, country=a.country,
                   phone=a.phoneNumber, fax=a.faxNumber, email=a.email)


def with_default_shipping(customer: Customer, address_id: str) -> Customer:
    """`customer` with the shipping address `address_id` marked as the default (and no other)."""
    return replace(customer, shipping_addresses=tuple(replace(a, is_default=a.id == address_id)
                                                      for a in customer.shipping_addresses))


def payment_method(p: WirePaymentProfile) -> PaymentMethod:
    """A masked domain card (or bank account) from a payment profile as read."""
    holder = " ".join(x for x in ((p.billTo.firstName, p.billTo.lastName) if p.billTo else ()) if x) or None
    card, bank = (p.payment.creditCard, p.payment.bankAccount) if p.payment else (None, None)
    if card is not None:
        month = year = None
        if card.expirationDate and re.fullmatch(r"\d{4}-\d{2}", card.expirationDate):
            year, month = int(card.expirationDate[:4]), int(card.expirationDate[5:])
        digits = card.cardNumber[-4:]
        issuer = card.issuerNumber if card.issuerNumber and re.fullmatch(r"\d{6}", card.issuerNumber) else None
        return PaymentMethod(id=p.customerPaymentProfileId, kind="card", brand=card.cardType,
                             last4=digits if digits.isdigit() else None, first6=issuer, exp_month=month,
                             exp_year=year, holder_name=holder, is_default=bool(p.defaultPaymentProfile))
    digits = bank.accountNumber[-4:] if bank else ""
    return PaymentMethod(id=p.customerPaymentProfileId, kind="bank" if bank else "other",
                         label=(bank.bankName or "Bank account") if bank else None,
                         last4=digits if digits.isdigit() else None, holder_name=holder or (bank.nameOnAccount
                                                                                             if bank else None),
                         is_default=bool(p.defaultPaymentProfile))


def customer_from_wire(profile: Any) -> Customer:
    """A domain customer from a `customerProfileMaskedType` object."""
    if isinstance(profile, Mapping):
        profile = {**profile, "paymentProfiles": listed(profile.get("paymentProfiles") or []),
                   "shipToList": listed(profile.get("shipToList") or [])}
    wire = read_model(WireProfile, profile, provider=NAME, what="a customer profile", at="profile")
    methods = tuple(payment_method(p) for p in wire.paymentProfiles)
    default = next((m for m in methods if m.is_default), None)
    default_wire = next((p for p in wire.paymentProfiles if p.defaultPaymentProfile), None)
    extra: dict[str, Any] = {}
    if wire.description:
        extra["description"] = wire.description
    if wire.profileType:
        extra["profile_type"] = wire.profileType
    if default is not None:
        extra["card_summary"] = default.masked()
    if default_wire is not None and default_wire.billTo is not None:
        name = " ".join(x for x in (default_wire.billTo.firstName, default_wire.billTo.lastName) if x)
        if name:
            extra["bill_to_name"] = name
        bill_to = _address(default_wire.billTo)
        if where := replace(bill_to, first_name=None, last_name=None).one_line():
            extra["bill_to_address"] = where
        if bill_to.phone:
            extra["bill_to_phone"] = bill_to.phone
    shipping = tuple(_address(a) for a in wire.shipToList)
    return Customer(id=wire.customerProfileId, email=wire.email, reference_id=wire.merchantCustomerId,
                    payment_methods=methods, shipping_addresses=shipping, extra=extra)


# -- requests: element order follows AnetApiSchema.xsd ---------------------------------------------

def ordered(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The elements that have a value, in the order given (the schema's sequence order)."""
    return {name: value for name, value in pairs if value is not None and value != ""}


def address_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """A customerAddressType in schema order."""
    return ordered([(element, blank_to_none(values.get(part))) for element, part in _ADDRESS_ELEMENTS])


def profile_values(customer: Customer | None, changes: CustomerChanges) -> dict[str, Any]:
    """merchantCustomerId, description and email as they should be after `changes`."""
    def value(key: str) -> Any:
        if changes.touches(key):
            return blank_to_none(changes.get(key))
        return customer.value(key) if customer is not None else None

    return {"merchantCustomerId": value("reference_id"), "description": value("description"),
            "email": value("email"), "profileType": value("profile_type")}


# -- errors ---------------------------------------------------------------------------------------

_FIELD_WORDS = {"merchantCustomerId": "reference_id", "description": "description", "email": "email",
                "profileType": "profile_type"}
_RETRYABLE = {"E00001", "E00053", "E00104"}


def error_from_messages(code: str, text: str) -> e.ConsoleError:
    """The domain error for an Authorize.net message code and text."""
    # A login id or key of the wrong shape fails schema validation (E00003) before authentication.
    bad_credentials = code == "E00003" and any(w in text for w in (":transactionKey'", ":name'"))
    if code in ("E00005", "E00006", "E00007", "E00008") or bad_credentials:
        return e.AuthenticationError("Authorize.net refused the API Login ID or Transaction Key. Check them, and "
                                     "that they belong to this environment (sandbox or production).",
                                     provider=NAME, code=code)
    if code in ("E00040", "E00098"):
        return e.NotFoundError(text or "The record cannot be found.", provider=NAME, code=code)
    if code == "E00039":
        found = _DUPLICATE_ID.search(text)
        return e.DuplicateError(text, existing_id=found.group(1) if found else None, provider=NAME, code=code)
    if code in _RETRYABLE:
        return e.UnavailableError(f"Authorize.net is busy or failed ({code}). Try again shortly.", provider=NAME,
                                  code=code)
    if code in ("E00003", "E00013", "E00014", "E00015", "E00016", "E00041"):
        fields = {key: text for word, key in _FIELD_WORDS.items() if f"'{word}'" in text or f":{word}'" in text
                  or text.startswith(word)}
        if code == "E00041":
            fields = dict.fromkeys(("description", "email", "reference_id"), "One of these must have a value.")
        return e.InvalidInputError(text, field_errors=fields, provider=NAME, code=code)
    if code in ("E00042", "E00043"):
        return e.InvalidInputError(text, provider=NAME, code=code)
    if code in ("E00105", "E00106", "E00107"):
        return e.ConflictError(text, provider=NAME, code=code)
    return e.ConsoleError(f"Authorize.net refused the request ({code}): {text}", provider=NAME, code=code)


def map_error(reply: Reply) -> e.ConsoleError | None:
    """Errors live in `messages` even with HTTP 200; other statuses are transport trouble."""
    if reply.status == 429 or reply.status >= 500:
        return status_error(reply, NAME)
    messages = reply.body.get("messages") if isinstance(reply.body, Mapping) else None
    if not isinstance(messages, Mapping) or messages.get("resultCode") not in ("Ok", "Error"):
        return e.ProtocolError("Authorize.net's answer has no result code.", field="messages.resultCode",
                               provider=NAME)
    if messages["resultCode"] == "Ok":
        return None
    items = listed(messages.get("message") or [])
    first = items[0] if isinstance(items, list) and items and isinstance(items[0], Mapping) else {}
    return error_from_messages(str(first.get("code") or "E00001"), str(first.get("text") or ""))


def created_id(body: Any) -> str:
    new_id = body.get("customerProfileId") if isinstance(body, Mapping) else None
    if not isinstance(new_id, str | int) or not str(new_id).isdigit():
        raise e.ProtocolError("Authorize.net did not say which profile it created.", field="customerProfileId",
                              provider=NAME)
    return str(new_id)


def bill_to_values(bill_to: Mapping[str, Any]) -> dict[str, Any]:
    wire = read_model(WireAddress, bill_to, provider=NAME, what="a bill-to address", at="paymentProfile.billTo")
    address = _address(wire)
    return {f: getattr(address, f) for f in ADDRESS_PARTS}
