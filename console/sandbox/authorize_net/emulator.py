"""Authorize.net's CIM API emulated in memory: one POST URL speaking JSON and XML.

Answers come in the request's format, start with a UTF-8 byte-order mark (XML ones then with the
service's exact declaration; a request with a DOCTYPE is E00003) and use HTTP 200 with
`messages.resultCode`; requests are validated against the schema's element order and lengths
(E00003 with a validator-style text); the limits (10 payment profiles, 100 shipping addresses),
the duplicate rules (E00039), masked card data and E00040 for unknown ids follow the fact sheet.
"""

from __future__ import annotations

import json
import os
import random
import threading
from typing import Any, ClassVar

import httpx

from console.sandbox.authorize_net import xml_codec
from console.sandbox.authorize_net.schema import REQUESTS, SchemaViolation, check
from console.sandbox.base import Emulator
from console.sandbox.demo_data import generate_people

Record = dict[str, Any]
BOM = b"\xef\xbb\xbf"
PATH = "/xml/v1/request.api"
MAX_PAYMENT_PROFILES = 10
MAX_SHIPPING_ADDRESSES = 100
_CARDS = (("Visa", "4111111111111111"), ("MasterCard", "5424000000000015"), ("AmericanExpress", "370000000000002"),
          ("Discover", "6011000000000012"))
_ADDRESS_KEYS = ("firstName", "lastName", "company", "address", "city", "state", "zip", "country", "phoneNumber",
                 "faxNumber", "email")


# The schema answers a create-from-transaction with the plain create response.
_RESPONSE_NAMES = {"createCustomerProfileFromTransactionRequest": "createCustomerProfileResponse"}


class AnetError(Exception):
    """An error answer: `messages.resultCode` Error with this code and text."""

    def __init__(self, code: str, text: str, extra: Record | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.text = text
        self.extra = extra or {}


def _answer(status: int, as_xml: bool, response_name: str, ref: Record, messages: Record,
            result: Record) -> httpx.Response:
    """An answer in the request's format, starting with the byte-order mark as Authorize.net's do."""
    if as_xml:
        # The schema puts refId and messages first.
        payload = BOM + xml_codec.render(response_name, {**ref, "messages": messages, **result})
        return httpx.Response(status, headers={"content-type": "application/xml; charset=utf-8"}, content=payload)
    # JSON answers carry messages last, and no root key.
    document = {**ref, **result, "messages": messages}
    return httpx.Response(status, headers={"content-type": "application/json; charset=utf-8"},
                          content=BOM + json.dumps(document, separators=(",", ":")).encode())


def _not_found() -> AnetError:
    return AnetError("E00040", "The record cannot be found.")


def _truthy(value: Any) -> bool:
    return value is True or value in ("true", "1")


def _address_of(values: Record) -> Record:
    return {k: values[k] for k in _ADDRESS_KEYS if values.get(k) not in (None, "")}


class AuthorizeNetEmulator(Emulator):
    """Customer profiles, payment profiles and shipping addresses of one Authorize.net merchant."""

    provider: ClassVar[str] = "authorize-net"
    default_customers: ClassVar[int] = 600
    routed_methods: ClassVar[frozenset[str]] = frozenset({"POST"})  # the API is one POST URL

    def __init__(self, **kwargs: Any) -> None:
        self._flight = threading.Lock()
        self.in_flight = 0
        self.peak_in_flight = 0
        super().__init__(**kwargs)
        self.base_url += PATH  # the API is one URL

    # -- state ----------------------------------------------------------------------------------

    def _seed_state(self, rng: random.Random, count: int) -> None:
        self._ids = random.Random(f"authorize-net-ids-{self.seed}")
        self._next_id = 1_900_000_000 + int(rng.random() * 10_000_000)
        profiles: dict[str, Record] = {}
        for index, person in enumerate(generate_people(rng, count)):
            pid = self._new_id()
            name = f"{person.given_name} {person.family_name}"
            a = person.address
            bill_to = _address_of({"firstName": person.given_name[:50], "lastName": person.family_name[:50],
                                   "company": (person.company or "")[:50], "address": a.line1[:60],
                                   "city": a.city[:40], "state": (a.state or "")[:40], "zip": a.postal_code[:20],
                                   "country": a.country, "phoneNumber": person.phone[:25]})
            payments = []
            for number in range(1 + int(rng.random() * 3)):
                brand, card = _CARDS[int(rng.random() * len(_CARDS))]
                payments.append({"customerPaymentProfileId": self._new_id(), "customerType": "individual",
                                 "billTo": bill_to, "cardType": brand, "last4": card[-4:], "issuer": card[:6],
                                 "expiration": f"{2027 + int(rng.random() * 5)}-{1 + int(rng.random() * 12):02d}",
                                 "defaultPaymentProfile": number == 0})
            shipping = [{"customerAddressId": self._new_id(), **bill_to}] if rng.random() < 0.6 else []
            if shipping and rng.random() < 0.3:
                shipping.append({"customerAddressId": self._new_id(), **bill_to, "address": f"PO Box {index + 100}"})
            profiles[pid] = {
                "customerProfileId": pid,
                "merchantCustomerId": (person.reference_id or f"CUST-{10_000 + index}")[:20],
                # A third carry no description, so their name comes from the default card's bill-to.
                "description": name[:255] if index % 3 else None,
                "email": person.email, "profileType": "regular", "paymentProfiles": payments,
                "shipToList": shipping,
                "defaultShippingAddressId": shipping[0]["customerAddressId"] if shipping else None,
            }
        self._profiles = profiles
        self._transactions: dict[str, Record] = {}
        for person in generate_people(random.Random(f"anet-transactions-{self.seed}"), 25):
            brand, card = _CARDS[len(self._transactions) % len(_CARDS)]
            trans_id = str(60_000_000_000 + len(self._transactions) * 7_919 + 1)
            self._transactions[trans_id] = {
                "email": person.email, "description": f"{person.given_name} {person.family_name}"[:255],
                "billTo": _address_of({"firstName": person.given_name[:50], "lastName": person.family_name[:50],
                                       "address": person.address.line1[:60], "city": person.address.city[:40],
                                       "zip": person.address.postal_code[:20], "country": person.address.country}),
                "cardType": brand, "last4": card[-4:], "issuer": card[:6], "expiration": "2029-12"}

    def _new_id(self) -> str:
        self._next_id += 1 + int(self._ids.random() * 50)
        return str(self._next_id)

    def _dump_state(self) -> dict[str, Any]:
        return {"profiles": list(self._profiles.values()), "transactions": self._transactions,
                "next_id": self._next_id}

    def _load_state(self, state: dict[str, Any]) -> None:
        self._profiles = {p["customerProfileId"]: p for p in state["profiles"]}
        self._transactions = dict(state["transactions"])
        self._next_id = int(state["next_id"])
        self._ids = random.Random(os.urandom(16))

    def _demo_credentials(self) -> dict[str, str]:
        return {"login_id": f"demo{self._demo_secret('login', 8)}", "transaction_key": self._demo_secret("key", 16)}

    def connection_info(self, base_url: str) -> dict[str, str]:
        # Clients are configured with the API's one URL.
        url = base_url.rstrip("/")
        return super().connection_info(url if url.endswith(PATH) else url + PATH)

    def profile(self, profile_id: str) -> Record | None:
        """The stored profile (for tests); treat it as read-only."""
        with self._lock:
            return self._profiles.get(profile_id)

    def transaction_ids(self) -> list[str]:
        """Settled transactions a profile can be made from (for tests and the demo)."""
        with self._lock:
            return list(self._transactions)

    # -- concurrency seen (for tests) -----------------------------------------------------------

    def admit(self, request: httpx.Request) -> httpx.Response | None:
        with self._flight:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        return None

    def release(self, request: httpx.Request) -> None:
        with self._flight:
            self.in_flight -= 1

    # -- answers --------------------------------------------------------------------------------

    def _rate_limited_response(self, retry_after: float) -> httpx.Response:
        # Authorize.net publishes no limits; a proxy in front answers 429 (as one integrator reports).
        seconds = str(int(retry_after)) if float(retry_after).is_integer() else f"{retry_after:g}"
        return httpx.Response(429, headers={"retry-after": seconds, "content-type": "text/plain"},
                              content=b"Too Many Requests")

    def _server_error_response(self, status: int) -> httpx.Response:
        return httpx.Response(status, headers={"content-type": "text/html"},
                              content=b"<html><body><h1>Service Unavailable</h1></body></html>")

    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        # Authorize.net's generic error envelope, in the format the request asked for (XML, the API's
        # own, unless it sent JSON); the HTTP status says what went wrong, `message` is not sent.
        as_xml = "json" not in request.headers.get("content-type", "")
        messages = {"resultCode": "Error",
                    "message": [{"code": "E00001", "text": "An error occurred during processing. Please try again."}]}
        return _answer(status, as_xml, "ErrorResponse", {}, messages, {})

    def _route(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or request.url.path.rstrip("/") != PATH:
            return httpx.Response(404, content=b"Not Found")
        content = request.content.removeprefix(BOM).strip()
        as_xml = "xml" in request.headers.get("content-type", "") or content.startswith(b"<")
        name = "ErrorResponse"
        try:
            if as_xml:
                try:
                    name, body = xml_codec.parse(content)
                except LookupError:
                    raise AnetError("E00045", "The root node does not reference a valid XML namespace.") from None
                except ValueError:
                    raise AnetError("E00003", "An error occurred while parsing the XML request.") from None
            else:
                try:
                    document = json.loads(content.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
                    raise AnetError("E00003", "An error occurred while parsing the JSON request.") from None
                if not isinstance(document, dict) or len(document) != 1:
                    raise AnetError("E00003", "An error occurred while parsing the JSON request.")
                ((name, body),) = document.items()
            if name not in REQUESTS:
                raise AnetError("E00004", "The name of the requested API method is invalid.")
            try:
                check(name, name, body)
            except SchemaViolation as violation:
                raise AnetError("E00003", str(violation)) from None
            self._authenticate(body["merchantAuthentication"])
            result = getattr(self, "_" + name.removesuffix("Request"))(body)
            messages = {"resultCode": "Ok", "message": [{"code": "I00001", "text": "Successful."}]}
        except AnetError as error:
            result = error.extra
            messages = {"resultCode": "Error", "message": [{"code": error.code, "text": error.text}]}
        ref = {"refId": body["refId"]} if "body" in locals() and isinstance(body, dict) and body.get("refId") else {}
        response_name = _RESPONSE_NAMES.get(name, name.removesuffix("Request") + "Response") \
            if name in REQUESTS else "ErrorResponse"
        return _answer(200, as_xml, response_name, ref, messages, result)

    def _authenticate(self, auth: Record) -> None:
        given = {"login_id": auth.get("name"), "transaction_key": auth.get("transactionKey")}
        if not given["login_id"]:
            raise AnetError("E00006", "The API user name is invalid or not present.")
        if not given["transaction_key"]:
            raise AnetError("E00005", "The transaction key or API key is invalid or not present.")
        if not self._credentials_accepted(given):
            raise AnetError("E00007", "User authentication failed due to invalid authentication values.")

    # -- views ----------------------------------------------------------------------------------

    def _profile_of(self, body: Record) -> Record:
        profile = self._profiles.get(str(body.get("customerProfileId")))
        if profile is None:
            raise _not_found()
        return profile

    @staticmethod
    def _masked_payment(profile: Record, payment: Record, *, unmask: bool, issuer: bool) -> Record:
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

    def _masked_profile(self, profile: Record, *, unmask: bool, issuer: bool) -> Record:
        out = {k: profile[k] for k in ("merchantCustomerId", "description", "email") if profile.get(k)}
        out["customerProfileId"] = profile["customerProfileId"]
        payments = [self._masked_payment(profile, p, unmask=unmask, issuer=issuer) for p in profile["paymentProfiles"]]
        if payments:
            out["paymentProfiles"] = [{k: v for k, v in p.items() if k != "customerProfileId"} for p in payments]
        if profile["shipToList"]:
            out["shipToList"] = [{**{k: a[k] for k in _ADDRESS_KEYS if a.get(k)},
                                  "customerAddressId": a["customerAddressId"]} for a in profile["shipToList"]]
        if profile.get("profileType"):
            out["profileType"] = profile["profileType"]
        return out

    # -- customer profiles ----------------------------------------------------------------------

    def _authenticateTest(self, body: Record) -> Record:
        return {}

    def _getCustomerProfileIds(self, body: Record) -> Record:
        return {"ids": list(self._profiles)}

    def _getCustomerProfile(self, body: Record) -> Record:
        if body.get("customerProfileId"):
            profile = self._profile_of(body)
        else:
            wanted = [(k, str(body[k]).lower()) for k in ("merchantCustomerId", "email") if body.get(k)]
            if not wanted:
                raise AnetError("E00014", "A required field is not present: customerProfileId.")
            found = [p for p in self._profiles.values() if all((p.get(k) or "").lower() == v for k, v in wanted)]
            if not found:
                raise _not_found()
            profile = found[0]
        return {"profile": self._masked_profile(profile, unmask=_truthy(body.get("unmaskExpirationDate")),
                                                issuer=_truthy(body.get("includeIssuerInfo")))}

    def _check_duplicate(self, values: Record, ignore: str | None = None) -> None:
        key = tuple((values.get(k) or "").lower() for k in ("merchantCustomerId", "description", "email"))
        for profile in self._profiles.values():
            if profile["customerProfileId"] != ignore and key == tuple(
                    (profile.get(k) or "").lower() for k in ("merchantCustomerId", "description", "email")):
                pid = profile["customerProfileId"]
                raise AnetError("E00039", f"A duplicate record with ID {pid} already exists.",
                                {"customerPaymentProfileIdList": [], "customerShippingAddressIdList": [],
                                 "validationDirectResponseList": []})

    def _new_profile(self, values: Record, payments: list[Record], shipping: list[Record]) -> Record:
        if not any(values.get(k) for k in ("merchantCustomerId", "description", "email")):
            raise AnetError("E00041", "One or more fields must contain a value.")
        self._check_duplicate(values)
        pid = self._new_id()
        profile = {"customerProfileId": pid, "merchantCustomerId": values.get("merchantCustomerId") or None,
                   "description": values.get("description") or None, "email": values.get("email") or None,
                   "profileType": values.get("profileType") or "regular", "paymentProfiles": payments,
                   "shipToList": shipping,
                   "defaultShippingAddressId": shipping[0]["customerAddressId"] if shipping else None}
        self._profiles[pid] = profile
        self._changed()
        return {"customerProfileId": pid,
                "customerPaymentProfileIdList": [p["customerPaymentProfileId"] for p in payments],
                "customerShippingAddressIdList": [a["customerAddressId"] for a in shipping],
                "validationDirectResponseList": []}

    def _payment_from_request(self, wire: Record) -> Record:
        card = ((wire.get("payment") or {}).get("creditCard")) or {}
        number = str(card.get("cardNumber") or "")
        if not (number.isdigit() and 13 <= len(number) <= 16):
            raise AnetError("E00003", "cardNumber is required and must be 13 to 16 digits.")
        brand = next((b for b, n in _CARDS if n[0] == number[0]), "Visa")
        return {"customerPaymentProfileId": self._new_id(), "customerType": wire.get("customerType"),
                "billTo": _address_of(wire.get("billTo") or {}), "cardType": brand, "last4": number[-4:],
                "issuer": number[:6], "expiration": str(card.get("expirationDate") or "XXXX"),
                "defaultPaymentProfile": _truthy(wire.get("defaultPaymentProfile"))}

    def _createCustomerProfile(self, body: Record) -> Record:
        wire = body["profile"]
        payments = [self._payment_from_request(p) for p in _as_list(wire.get("paymentProfiles"))]
        if len(payments) > MAX_PAYMENT_PROFILES:
            raise AnetError("E00042", f"You cannot add more than {MAX_PAYMENT_PROFILES} payment profiles.")
        if payments and not any(p["defaultPaymentProfile"] for p in payments):
            payments[0]["defaultPaymentProfile"] = True
        shipping = [{"customerAddressId": self._new_id(), **_address_of(a)} for a in _as_list(wire.get("shipToList"))]
        return self._new_profile(wire, payments, shipping)

    def _createCustomerProfileFromTransaction(self, body: Record) -> Record:
        transaction = self._transactions.get(str(body["transId"]))
        if transaction is None:
            raise AnetError("E00040", "The record cannot be found.")
        customer = body.get("customer") or {}
        values = {"merchantCustomerId": customer.get("merchantCustomerId"),
                  "description": customer.get("description") or transaction["description"],
                  "email": customer.get("email") or transaction["email"], "profileType": body.get("profileType")}
        payment = {"customerPaymentProfileId": self._new_id(), "customerType": "individual",
                   "billTo": transaction["billTo"], "cardType": transaction["cardType"], "last4": transaction["last4"],
                   "issuer": transaction["issuer"], "expiration": transaction["expiration"],
                   "defaultPaymentProfile": True}
        shipping = [{"customerAddressId": self._new_id(), **transaction["billTo"]}]
        return self._new_profile(values, [payment], shipping)

    def _updateCustomerProfile(self, body: Record) -> Record:
        wire = body["profile"]
        profile = self._profile_of(wire)
        if not any(wire.get(k) for k in ("merchantCustomerId", "description", "email")):
            raise AnetError("E00041", "One or more fields must contain a value.")
        self._check_duplicate(wire, ignore=profile["customerProfileId"])
        # Update replaces all three descriptive fields: what is left out is cleared.
        updated = {**profile, **{k: wire.get(k) or None for k in ("merchantCustomerId", "description", "email")}}
        if wire.get("profileType"):
            updated["profileType"] = wire["profileType"]
        self._profiles[profile["customerProfileId"]] = updated
        self._changed()
        return {}

    def _deleteCustomerProfile(self, body: Record) -> Record:
        profile = self._profile_of(body)
        del self._profiles[profile["customerProfileId"]]
        self._changed()
        return {}

    # -- payment profiles -----------------------------------------------------------------------

    def _payment_of(self, profile: Record, payment_id: Any) -> tuple[int, Record]:
        for index, payment in enumerate(profile["paymentProfiles"]):
            if payment["customerPaymentProfileId"] == str(payment_id):
                return index, payment
        raise _not_found()

    def _createCustomerPaymentProfile(self, body: Record) -> Record:
        profile = self._profile_of(body)
        payment = self._payment_from_request(body["paymentProfile"])
        bill = payment["billTo"]
        for existing in profile["paymentProfiles"]:
            same_bill = all(existing["billTo"].get(k) == bill.get(k)
                            for k in ("firstName", "lastName", "address", "zip"))
            if existing["last4"] == payment["last4"] and existing["issuer"] == payment["issuer"] and same_bill:
                raise AnetError("E00039", "A duplicate customer payment profile already exists.",
                                {"customerProfileId": profile["customerProfileId"],
                                 "customerPaymentProfileId": existing["customerPaymentProfileId"]})
        if len(profile["paymentProfiles"]) >= MAX_PAYMENT_PROFILES:
            raise AnetError("E00042", f"You cannot add more than {MAX_PAYMENT_PROFILES} payment profiles.")
        payments = [dict(p, defaultPaymentProfile=False) if payment["defaultPaymentProfile"] else p
                    for p in profile["paymentProfiles"]]
        if not payments:
            payment["defaultPaymentProfile"] = True
        self._profiles[profile["customerProfileId"]] = {**profile, "paymentProfiles": [*payments, payment]}
        self._changed()
        return {"customerProfileId": profile["customerProfileId"],
                "customerPaymentProfileId": payment["customerPaymentProfileId"]}

    def _getCustomerPaymentProfile(self, body: Record) -> Record:
        profile = self._profile_of(body)
        _, payment = self._payment_of(profile, body.get("customerPaymentProfileId"))
        return {"paymentProfile": self._masked_payment(profile, payment,
                                                       unmask=_truthy(body.get("unmaskExpirationDate")),
                                                       issuer=_truthy(body.get("includeIssuerInfo")))}

    def _updateCustomerPaymentProfile(self, body: Record) -> Record:
        profile = self._profile_of(body)
        wire = body["paymentProfile"]
        index, payment = self._payment_of(profile, wire.get("customerPaymentProfileId"))
        card = ((wire.get("payment") or {}).get("creditCard")) or {}
        number = str(card.get("cardNumber") or "")
        if number == f"XXXX{payment['last4']}":
            kept = {k: payment[k] for k in ("cardType", "last4", "issuer")}
        elif number.isdigit() and 13 <= len(number) <= 16:
            kept = {"last4": number[-4:], "issuer": number[:6],
                    "cardType": next((b for b, n in _CARDS if n[0] == number[0]), "Visa")}
        else:
            raise AnetError("E00003", "cardNumber is required and must be 13 to 16 digits.")
        expiration = str(card.get("expirationDate") or "XXXX")
        # The whole payment profile is replaced: what was left out is gone.
        updated = {"customerPaymentProfileId": payment["customerPaymentProfileId"],
                   "customerType": wire.get("customerType"), "billTo": _address_of(wire.get("billTo") or {}),
                   **kept, "expiration": payment["expiration"] if expiration == "XXXX" else expiration,
                   "defaultPaymentProfile": _truthy(wire.get("defaultPaymentProfile"))}
        payments = list(profile["paymentProfiles"])
        if updated["defaultPaymentProfile"]:
            payments = [dict(p, defaultPaymentProfile=False) for p in payments]
        payments[index] = updated
        self._profiles[profile["customerProfileId"]] = {**profile, "paymentProfiles": payments}
        self._changed()
        return {}

    def _deleteCustomerPaymentProfile(self, body: Record) -> Record:
        profile = self._profile_of(body)
        index, _ = self._payment_of(profile, body.get("customerPaymentProfileId"))
        payments = [p for i, p in enumerate(profile["paymentProfiles"]) if i != index]
        self._profiles[profile["customerProfileId"]] = {**profile, "paymentProfiles": payments}
        self._changed()
        return {}

    # -- shipping addresses ---------------------------------------------------------------------

    def _address_index(self, profile: Record, address_id: Any) -> int:
        for index, address in enumerate(profile["shipToList"]):
            if address["customerAddressId"] == str(address_id):
                return index
        raise _not_found()

    @staticmethod
    def _check_address_duplicate(profile: Record, address: Record, ignore: str | None = None) -> None:
        keys = ("firstName", "lastName", "address", "zip", "phoneNumber")
        for existing in profile["shipToList"]:
            if existing["customerAddressId"] != ignore and all(existing.get(k) == address.get(k) for k in keys):
                raise AnetError("E00039", "A duplicate customer shipping address already exists.")

    def _createCustomerShippingAddress(self, body: Record) -> Record:
        profile = self._profile_of(body)
        address = {"customerAddressId": self._new_id(), **_address_of(body["address"])}
        self._check_address_duplicate(profile, address)
        if len(profile["shipToList"]) >= MAX_SHIPPING_ADDRESSES:
            raise AnetError("E00043", f"You cannot add more than {MAX_SHIPPING_ADDRESSES} shipping addresses.")
        default = profile.get("defaultShippingAddressId")
        if _truthy(body.get("defaultShippingAddress")) or default is None:
            default = address["customerAddressId"]
        self._profiles[profile["customerProfileId"]] = {**profile, "shipToList": [*profile["shipToList"], address],
                                                        "defaultShippingAddressId": default}
        self._changed()
        return {"customerProfileId": profile["customerProfileId"], "customerAddressId": address["customerAddressId"]}

    def _getCustomerShippingAddress(self, body: Record) -> Record:
        profile = self._profile_of(body)
        address = profile["shipToList"][self._address_index(profile, body.get("customerAddressId"))]
        return {"defaultShippingAddress": profile.get("defaultShippingAddressId") == address["customerAddressId"],
                "address": {**{k: address[k] for k in _ADDRESS_KEYS if address.get(k)},
                            "customerAddressId": address["customerAddressId"]}}

    def _updateCustomerShippingAddress(self, body: Record) -> Record:
        profile = self._profile_of(body)
        wire = body["address"]
        index = self._address_index(profile, wire.get("customerAddressId"))
        address = {"customerAddressId": str(wire["customerAddressId"]), **_address_of(wire)}
        self._check_address_duplicate(profile, address, ignore=address["customerAddressId"])
        shipping = list(profile["shipToList"])
        shipping[index] = address
        default = address["customerAddressId"] if _truthy(body.get("defaultShippingAddress")) \
            else profile.get("defaultShippingAddressId")
        self._profiles[profile["customerProfileId"]] = {**profile, "shipToList": shipping,
                                                        "defaultShippingAddressId": default}
        self._changed()
        return {}

    def _deleteCustomerShippingAddress(self, body: Record) -> Record:
        profile = self._profile_of(body)
        index = self._address_index(profile, body.get("customerAddressId"))
        removed = profile["shipToList"][index]["customerAddressId"]
        shipping = [a for i, a in enumerate(profile["shipToList"]) if i != index]
        default = profile.get("defaultShippingAddressId")
        if default == removed:
            default = shipping[0]["customerAddressId"] if shipping else None
        self._profiles[profile["customerProfileId"]] = {**profile, "shipToList": shipping,
                                                        "defaultShippingAddressId": default}
        self._changed()
        return {}


def _as_list(value: Any) -> list[Record]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
