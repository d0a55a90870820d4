"""Authorize.net wire facts the emulator needs: the one URL, answers in the request's format, errors, masked views."""

from __future__ import annotations

import json
from typing import Any

import httpx

from console.sandbox.authorize_net import xml_codec
from console.sandbox.card_entry import brand_of
from console.sandbox.refusal import Refusal

Record = dict[str, Any]
BOM = b"\xef\xbb\xbf"
PATH = "/xml/v1/request.api"
MAX_PAYMENT_PROFILES = 10
MAX_SHIPPING_ADDRESSES = 100
CARDS = (("Visa", "4111111111111111"), ("MasterCard", "5424000000000015"), ("AmericanExpress", "370000000000002"),
         ("Discover", "6011000000000012"))
ADDRESS_KEYS = ("firstName", "lastName", "company", "address", "city", "state", "zip", "country", "phoneNumber",
                "faxNumber", "email")
OK = {"resultCode": "Ok", "message": [{"code": "I00001", "text": "Successful."}]}
# Required xs:int elements of a response, which the service's serializer writes even in an error
# answer (a value type has no "absent") [inferred], so that answer still fits the schema.
ERROR_DEFAULTS: dict[str, Record] = {"getCustomerPaymentProfileListRequest": {"totalNumInResultSet": 0}}
# The schema answers a create-from-transaction with the plain create response.
_RESPONSE_NAMES = {"createCustomerProfileFromTransactionRequest": "createCustomerProfileResponse"}


class AnetError(Refusal):
    """An error answer: HTTP 200 (as all of Authorize.net's) with `messages.resultCode` Error, this code and text.

    `body` holds the result fields the error answer still carries (E00039 names the duplicate).
    """

    def __init__(self, code: str, text: str, extra: Record | None = None) -> None:
        super().__init__(200, extra or {})
        self.code = code
        self.text = text

    @property
    def messages(self) -> Record:
        return {"resultCode": "Error", "message": [{"code": self.code, "text": self.text}]}


def not_found() -> AnetError:
    return AnetError("E00040", "The record cannot be found.")


def response_name(request_name: str) -> str:
    """The response element that answers `request_name`."""
    return _RESPONSE_NAMES.get(request_name, request_name.removesuffix("Request") + "Response")


def answer(status: int, as_xml: bool, name: str, ref: Record, messages: Record, result: Record) -> httpx.Response:
    """An answer in the request's format, starting with the byte-order mark as Authorize.net's do."""
    if as_xml:
        # The schema puts refId and messages first.
        payload = BOM + xml_codec.render(name, {**ref, "messages": messages, **result})
        return httpx.Response(status, headers={"content-type": "application/xml; charset=utf-8"}, content=payload)
    # JSON answers carry messages last, and no root key.
    document = {**ref, **result, "messages": messages}
    return httpx.Response(status, headers={"content-type": "application/json; charset=utf-8"},
                          content=BOM + json.dumps(document, separators=(",", ":")).encode())


def parse_request(content: bytes, as_xml: bool) -> tuple[str, Any]:
    """The request element's name and body, from XML or JSON (E00003 or E00045 when unreadable)."""
    if as_xml:
        try:
            return xml_codec.parse(content)
        except LookupError:
            raise AnetError("E00045", "The root node does not reference a valid XML namespace.") from None
        except ValueError:
            raise AnetError("E00003", "An error occurred while parsing the XML request.") from None
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise AnetError("E00003", "An error occurred while parsing the JSON request.") from None
    if not isinstance(document, dict) or len(document) != 1:
        raise AnetError("E00003", "An error occurred while parsing the JSON request.")
    ((name, body),) = document.items()
    return name, body


def truthy(value: Any) -> bool:
    return value is True or value in ("true", "1")


def address_of(values: Record) -> Record:
    """The address fields that have a value."""
    return {k: values[k] for k in ADDRESS_KEYS if values.get(k) not in (None, "")}


def as_list(value: Any) -> list[Record]:
    """An element that may occur once or more, as a list (JSON gives one as an object)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def card_facts(number: str) -> Record:
    """The brand, last four digits and issuer number of a full card number (E00003 unless 13 to 16 digits)."""
    if not (number.isdigit() and 13 <= len(number) <= 16):
        raise AnetError("E00003", "cardNumber is required and must be 13 to 16 digits.")
    return {"cardType": card_brand(number), "last4": number[-4:], "issuer": number[:6]}


# Issuer number ranges (first digits, inclusive) of the card types Authorize.net names in `cardType`.
# Authorize.net's `cardType` words for the brands card_entry tells apart.
_CARD_TYPES = {"amex": "AmericanExpress", "jcb": "JCB", "diners": "DinersClub", "discover": "Discover",
               "mastercard": "MasterCard", "visa": "Visa"}


def card_brand(number: str) -> str:
    """Authorize.net's `cardType` for a card number, from its leading digits (Visa when none match)."""
    return _CARD_TYPES.get(brand_of(number), "Visa")


def masked_payment(profile: Record, payment: Record, *, unmask: bool, issuer: bool) -> Record:
    """A stored payment profile as Authorize.net shows it: card number masked, expiry only when unmasked."""
    card: Record = {"cardNumber": f"XXXX{payment['last4']}",
                    "expirationDate": payment["expiration"] if unmask else "XXXX",
                    "cardType": payment["cardType"]}
    if issuer:
        card["issuerNumber"] = payment["issuer"]
    out: Record = {}
    if payment.get("customerType"):
        out["customerType"] = payment["customerType"]
    if payment.get("billTo"):
        out["billTo"] = payment["billTo"]
    out.update({"customerProfileId": profile["customerProfileId"],
                "customerPaymentProfileId": payment["customerPaymentProfileId"]})
    if payment.get("defaultPaymentProfile"):
        out["defaultPaymentProfile"] = True
    out["payment"] = {"creditCard": card}
    return out


def masked_profile(profile: Record, *, unmask: bool, issuer: bool) -> Record:
    """A stored profile as getCustomerProfile answers it."""
    out = {k: profile[k] for k in ("merchantCustomerId", "description", "email") if profile.get(k)}
    out["customerProfileId"] = profile["customerProfileId"]
    payments = [masked_payment(profile, p, unmask=unmask, issuer=issuer) for p in profile["paymentProfiles"]]
    if payments:
        out["paymentProfiles"] = [{k: v for k, v in p.items() if k != "customerProfileId"} for p in payments]
    if profile["shipToList"]:
        out["shipToList"] = [{**{k: a[k] for k in ADDRESS_KEYS if a.get(k)},
                              "customerAddressId": a["customerAddressId"]} for a in profile["shipToList"]]
    if profile.get("profileType"):
        out["profileType"] = profile["profileType"]
    return out
