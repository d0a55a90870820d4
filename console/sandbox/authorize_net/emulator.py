"""Authorize.net's CIM API emulated in memory: one POST URL speaking JSON and XML.

Answers come in the request's format, start with a UTF-8 byte-order mark (XML ones then with the
service's exact declaration; a request with a DOCTYPE is E00003) and use HTTP 200 with
`messages.resultCode`; requests are validated against the schema's element order and lengths
(E00003 with a validator-style text); the limits (10 payment profiles, 100 shipping addresses),
the duplicate rules (E00039), masked card data and E00040 for unknown ids follow the fact sheet.
Accept Customer's hosted `addPayment` page (hosted_form.py) is served here too, as plain HTML, and
getCustomerPaymentProfileList lists the cards expiring in a month (expiring.py).
"""

from __future__ import annotations

import random
import threading
from typing import Any, ClassVar

import httpx

from console.sandbox.authorize_net.expiring import expiring_cards
from console.sandbox.authorize_net.hosted_form import ADD_PAYMENT_PATH, HostedPages, redacted_form
from console.sandbox.authorize_net.schema import REQUESTS, SchemaViolation, check
from console.sandbox.authorize_net.seed import seed_profiles, seed_transactions
from console.sandbox.authorize_net.wire import (
    ADDRESS_KEYS,
    BOM,
    ERROR_DEFAULTS,
    MAX_PAYMENT_PROFILES,
    MAX_SHIPPING_ADDRESSES,
    OK,
    PATH,
    AnetError,
    Record,
    address_of,
    answer,
    as_list,
    card_facts,
    masked_payment,
    masked_profile,
    not_found,
    parse_request,
    response_name,
    truthy,
)
from console.sandbox.base import Emulator


class AuthorizeNetEmulator(Emulator):
    """Customer profiles, payment profiles and shipping addresses of one Authorize.net merchant."""

    provider: ClassVar[str] = "authorize-net"
    default_customers: ClassVar[int] = 600
    routed_methods: ClassVar[frozenset[str]] = frozenset({"POST"})  # the API is one POST URL

    def __init__(self, **kwargs: Any) -> None:
        self._flight = threading.Lock()
        self.in_flight = 0
        self.peak_in_flight = 0
        self.hosted_pages = HostedPages()  # Accept Customer's tokens: short-lived, so never saved
        super().__init__(**kwargs)
        self.base_url += PATH  # the API is one URL

    # -- state ----------------------------------------------------------------------------------

    def _seed_state(self, rng: random.Random, count: int) -> None:
        self._next_id = 1_900_000_000 + int(rng.random() * 10_000_000)
        self._customers = seed_profiles(rng, count, self._new_id)
        self._transactions = seed_transactions(random.Random(f"anet-transactions-{self.seed}"))

    def _new_id(self) -> str:
        self._next_id += 1 + int(self._ids.random() * 50)
        return str(self._next_id)

    def _dump_state(self) -> dict[str, Any]:
        return {"profiles": list(self._customers.values()), "transactions": self._transactions,
                "next_id": self._next_id}

    def _load_state(self, state: dict[str, Any]) -> None:
        self._customers = {p["customerProfileId"]: p for p in state["profiles"]}
        self._transactions = dict(state["transactions"])
        self._next_id = int(state["next_id"])

    def _demo_credentials(self) -> dict[str, str]:
        return {"login_id": f"demo{self._demo_secret('login', 8)}", "transaction_key": self._demo_secret("key", 16)}

    def connection_info(self, base_url: str) -> dict[str, str]:
        # Clients are configured with the API's one URL.
        url = base_url.rstrip("/")
        return super().connection_info(url if url.endswith(PATH) else url + PATH)

    # Authorize.net's customers are its customer profiles.
    profile = Emulator.customer

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

    def _rate_limited_response(self, retry_after: str) -> httpx.Response:
        # Authorize.net publishes no limits; a proxy in front answers 429 (as one integrator reports).
        return httpx.Response(429, headers={"retry-after": retry_after, "content-type": "text/plain"},
                              content=b"Too Many Requests")

    def _server_error_response(self, status: int) -> httpx.Response:
        return httpx.Response(status, headers={"content-type": "text/html"},
                              content=b"<html><body><h1>Service Unavailable</h1></body></html>")

    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        # Authorize.net's generic error envelope, in the format the request asked for (XML, the API's
        # own, unless it sent JSON); the HTTP status says what went wrong, `message` is not sent.
        as_xml = "json" not in request.headers.get("content-type", "")
        error = AnetError("E00001", "An error occurred during processing. Please try again.")
        return answer(status, as_xml, "ErrorResponse", {}, error.messages, {})

    def _record(self, request: httpx.Request, body: bytes) -> None:
        # The hosted card page's form carries a card number and code, which are never kept.
        super()._record(request, redacted_form(body) if request.url.path.rstrip("/") == ADD_PAYMENT_PATH
                              else body)

    def _route(self, request: httpx.Request) -> httpx.Response:
        # Not a RestEmulator: credentials travel inside the envelope, and every answer is 200 in the request's format.
        if request.method == "POST" and request.url.path.rstrip("/") == ADD_PAYMENT_PATH:
            return self.hosted_pages.page(request, self.now(), self._save_hosted_card)
        if request.method != "POST" or request.url.path.rstrip("/") != PATH:
            return httpx.Response(404, content=b"Not Found")
        content = request.content.removeprefix(BOM).strip()
        as_xml = "xml" in request.headers.get("content-type", "") or content.startswith(b"<")
        name, body = "ErrorResponse", None
        try:
            name, body = parse_request(content, as_xml)
            if name not in REQUESTS:
                raise AnetError("E00004", "The name of the requested API method is invalid.")
            try:
                check(name, name, body)
            except SchemaViolation as violation:
                raise AnetError("E00003", str(violation)) from None
            self._authenticate(body["merchantAuthentication"])
            result, messages = getattr(self, "_" + name.removesuffix("Request"))(body), OK
        except AnetError as error:
            result, messages = {**ERROR_DEFAULTS.get(name, {}), **error.body}, error.messages
        ref = {"refId": body["refId"]} if isinstance(body, dict) and body.get("refId") else {}
        return answer(200, as_xml, response_name(name) if name in REQUESTS else "ErrorResponse", ref, messages, result)

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
        profile = self._customers.get(str(body.get("customerProfileId")))
        if profile is None:
            raise not_found()
        return profile

    # -- customer profiles ----------------------------------------------------------------------

    def _authenticateTest(self, body: Record) -> Record:
        return {}

    def _getCustomerProfileIds(self, body: Record) -> Record:
        return {"ids": list(self._customers)}

    def _getCustomerProfile(self, body: Record) -> Record:
        if body.get("customerProfileId"):
            profile = self._profile_of(body)
        else:
            wanted = [(k, str(body[k]).lower()) for k in ("merchantCustomerId", "email") if body.get(k)]
            if not wanted:
                raise AnetError("E00014", "A required field is not present: customerProfileId.")
            found = [p for p in self._customers.values() if all((p.get(k) or "").lower() == v for k, v in wanted)]
            if not found:
                raise not_found()
            profile = found[0]
        return {"profile": masked_profile(profile, unmask=truthy(body.get("unmaskExpirationDate")),
                                          issuer=truthy(body.get("includeIssuerInfo")))}

    def _check_duplicate(self, values: Record, ignore: str | None = None) -> None:
        key = tuple((values.get(k) or "").lower() for k in ("merchantCustomerId", "description", "email"))
        for profile in self._customers.values():
            if (profile.get("email") or "").lower() != key[2]:
                continue   # most profiles differ here: the whole key is built only for the few that do not
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
        self._customers[pid] = profile
        self._changed()
        return {"customerProfileId": pid,
                "customerPaymentProfileIdList": [p["customerPaymentProfileId"] for p in payments],
                "customerShippingAddressIdList": [a["customerAddressId"] for a in shipping],
                "validationDirectResponseList": []}

    def _payment_from_request(self, wire: Record) -> Record:
        card = ((wire.get("payment") or {}).get("creditCard")) or {}
        facts = card_facts(str(card.get("cardNumber") or ""))
        return {"customerPaymentProfileId": self._new_id(), "customerType": wire.get("customerType"),
                "billTo": address_of(wire.get("billTo") or {}), **facts,
                "expiration": str(card.get("expirationDate") or "XXXX"),
                "defaultPaymentProfile": truthy(wire.get("defaultPaymentProfile"))}

    def _createCustomerProfile(self, body: Record) -> Record:
        wire = body["profile"]
        payments = [self._payment_from_request(p) for p in as_list(wire.get("paymentProfiles"))]
        if len(payments) > MAX_PAYMENT_PROFILES:
            raise AnetError("E00042", f"You cannot add more than {MAX_PAYMENT_PROFILES} payment profiles.")
        if payments and not any(p["defaultPaymentProfile"] for p in payments):
            payments[0]["defaultPaymentProfile"] = True
        shipping = [{"customerAddressId": self._new_id(), **address_of(a)} for a in as_list(wire.get("shipToList"))]
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
        self._customers[profile["customerProfileId"]] = updated
        self._changed()
        return {}

    def _deleteCustomerProfile(self, body: Record) -> Record:
        profile = self._profile_of(body)
        del self._customers[profile["customerProfileId"]]
        self._changed()
        return {}

    # -- payment profiles -----------------------------------------------------------------------

    def _replace(self, profile: Record, **changes: Any) -> None:
        """Store `profile` with `changes` (profiles are replaced, never edited in place)."""
        self._customers[profile["customerProfileId"]] = {**profile, **changes}
        self._changed()

    def _payment_of(self, profile: Record, payment_id: Any) -> tuple[int, Record]:
        for index, payment in enumerate(profile["paymentProfiles"]):
            if payment["customerPaymentProfileId"] == str(payment_id):
                return index, payment
        raise not_found()

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
        self._replace(profile, paymentProfiles=[*payments, payment])
        return {"customerProfileId": profile["customerProfileId"],
                "customerPaymentProfileId": payment["customerPaymentProfileId"]}

    def _getCustomerPaymentProfile(self, body: Record) -> Record:
        profile = self._profile_of(body)
        _, payment = self._payment_of(profile, body.get("customerPaymentProfileId"))
        return {"paymentProfile": masked_payment(profile, payment,
                                                 unmask=truthy(body.get("unmaskExpirationDate")),
                                                 issuer=truthy(body.get("includeIssuerInfo")))}

    def _updateCustomerPaymentProfile(self, body: Record) -> Record:
        profile = self._profile_of(body)
        wire = body["paymentProfile"]
        index, payment = self._payment_of(profile, wire.get("customerPaymentProfileId"))
        card = ((wire.get("payment") or {}).get("creditCard")) or {}
        number = str(card.get("cardNumber") or "")
        if number == f"XXXX{payment['last4']}":
            kept = {k: payment[k] for k in ("cardType", "last4", "issuer")}
        else:
            kept = card_facts(number)
        expiration = str(card.get("expirationDate") or "XXXX")
        # The whole payment profile is replaced: what was left out is gone.
        updated = {"customerPaymentProfileId": payment["customerPaymentProfileId"],
                   "customerType": wire.get("customerType"), "billTo": address_of(wire.get("billTo") or {}),
                   **kept, "expiration": payment["expiration"] if expiration == "XXXX" else expiration,
                   "defaultPaymentProfile": truthy(wire.get("defaultPaymentProfile"))}
        payments = list(profile["paymentProfiles"])
        if updated["defaultPaymentProfile"]:
            payments = [dict(p, defaultPaymentProfile=False) for p in payments]
        payments[index] = updated
        self._replace(profile, paymentProfiles=payments)
        return {}

    def _getCustomerPaymentProfileList(self, body: Record) -> Record:
        return expiring_cards(self._customers.values(), body)

    # -- Accept Customer (the hosted form) -------------------------------------------------------

    def _getHostedProfilePage(self, body: Record) -> Record:
        profile = self._profile_of(body)
        return {"token": self.hosted_pages.issue(profile["customerProfileId"], body.get("hostedProfileSettings"),
                                                 self.now())}

    def _save_hosted_card(self, profile_id: str, payment_profile: Record) -> None:
        """What the hosted page does with a card it accepted: the API's own create, limits and duplicates included."""
        self._createCustomerPaymentProfile({"customerProfileId": profile_id, "paymentProfile": payment_profile})

    def _deleteCustomerPaymentProfile(self, body: Record) -> Record:
        profile = self._profile_of(body)
        index, _ = self._payment_of(profile, body.get("customerPaymentProfileId"))
        payments = [p for i, p in enumerate(profile["paymentProfiles"]) if i != index]
        self._replace(profile, paymentProfiles=payments)
        return {}

    # -- shipping addresses ---------------------------------------------------------------------

    def _address_index(self, profile: Record, address_id: Any) -> int:
        for index, address in enumerate(profile["shipToList"]):
            if address["customerAddressId"] == str(address_id):
                return index
        raise not_found()

    @staticmethod
    def _check_address_duplicate(profile: Record, address: Record, ignore: str | None = None) -> None:
        keys = ("firstName", "lastName", "address", "zip", "phoneNumber")
        for existing in profile["shipToList"]:
            if existing["customerAddressId"] != ignore and all(existing.get(k) == address.get(k) for k in keys):
                raise AnetError("E00039", "A duplicate customer shipping address already exists.")

    def _createCustomerShippingAddress(self, body: Record) -> Record:
        profile = self._profile_of(body)
        address = {"customerAddressId": self._new_id(), **address_of(body["address"])}
        self._check_address_duplicate(profile, address)
        if len(profile["shipToList"]) >= MAX_SHIPPING_ADDRESSES:
            raise AnetError("E00043", f"You cannot add more than {MAX_SHIPPING_ADDRESSES} shipping addresses.")
        default = profile.get("defaultShippingAddressId")
        if truthy(body.get("defaultShippingAddress")) or default is None:
            default = address["customerAddressId"]
        self._replace(profile, shipToList=[*profile["shipToList"], address], defaultShippingAddressId=default)
        return {"customerProfileId": profile["customerProfileId"], "customerAddressId": address["customerAddressId"]}

    def _getCustomerShippingAddress(self, body: Record) -> Record:
        profile = self._profile_of(body)
        address = profile["shipToList"][self._address_index(profile, body.get("customerAddressId"))]
        return {"defaultShippingAddress": profile.get("defaultShippingAddressId") == address["customerAddressId"],
                "address": {**{k: address[k] for k in ADDRESS_KEYS if address.get(k)},
                            "customerAddressId": address["customerAddressId"]}}

    def _updateCustomerShippingAddress(self, body: Record) -> Record:
        profile = self._profile_of(body)
        wire = body["address"]
        index = self._address_index(profile, wire.get("customerAddressId"))
        address = {"customerAddressId": str(wire["customerAddressId"]), **address_of(wire)}
        self._check_address_duplicate(profile, address, ignore=address["customerAddressId"])
        shipping = list(profile["shipToList"])
        shipping[index] = address
        default = address["customerAddressId"] if truthy(body.get("defaultShippingAddress")) \
            else profile.get("defaultShippingAddressId")
        self._replace(profile, shipToList=shipping, defaultShippingAddressId=default)
        return {}

    def _deleteCustomerShippingAddress(self, body: Record) -> Record:
        profile = self._profile_of(body)
        index = self._address_index(profile, body.get("customerAddressId"))
        removed = profile["shipToList"][index]["customerAddressId"]
        shipping = [a for i, a in enumerate(profile["shipToList"]) if i != index]
        default = profile.get("defaultShippingAddressId")
        if default == removed:
            default = shipping[0]["customerAddressId"] if shipping else None
        self._replace(profile, shipToList=shipping, defaultShippingAddressId=default)
        return {}

