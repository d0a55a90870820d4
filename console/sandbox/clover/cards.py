"""Clover's cards on file in the emulator: the hosted iframe as a plain page, the token endpoint, and the
Ecommerce customer call that saves a token on a customer (shared/api/clover.md §7).

Served at the same origin as Platform v3: `/v1/tokens` (token host, `apikey` header with the public
Ecommerce key) and `/v1/customers/{id}` (Ecommerce host, the private key as bearer token). A token
(`clv_...`) is used once and keeps only the masked card. Clover's documented test cards decline on
the Ecommerce call: 4005 5717 0222 2222 (declined) and 4005 5780 0333 3335 (partial approval, which
the Ecommerce API declines) (docs.clover.com "Test card numbers").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from console.sandbox.base import json_response
from console.sandbox.card_entry import (
    CardRefused,
    MaskedCard,
    back_to,
    card_page,
    error_page,
    hidden_fields,
    is_web_return,
    read_card,
    typed_fields,
    unrecorded,
)
from console.sandbox.refusal import Refusal
from console.sandbox.rest import ALPHANUMERIC, bearer_token, path_after, random_id, request_fields

Record = dict[str, Any]

CARD_PAGE = "/clover-iframe/card"
TOKENS = "/v1/tokens"
ECOMMERCE_CUSTOMERS = "/v1/customers"
DECLINED_NUMBERS = frozenset({"4005571702222222", "4005578003333335"})
_CARD_TYPES = {"visa": "VISA", "mastercard": "MC", "amex": "AMEX", "discover": "DISCOVER", "diners": "DINERS_CLUB",
               "jcb": "JCB", "unionpay": "CHINA_UNION_PAY", "other": "UNKNOWN"}
_REFUSED_PARTS = {"number": ("invalid_number", "card.number"), "expiry": ("invalid_expiry_month", "card.exp_month"),
                  "cvv": ("invalid_cvc", "card.cvv")}
DECLINE_MESSAGE = "Transaction declined, please use a different card."


def ecommerce_error(status: int, kind: str, code: str, message: str, param: str | None = None,
                    **extra: str) -> Refusal:
    """The Ecommerce API's Stripe-like error body."""
    error = {"type": kind, "code": code, "message": message, **({"param": param} if param else {}), **extra}
    return Refusal(status, {"error": error})


def _uuid_like(hex_digits: str) -> str:
    h = hex_digits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class CloverCards:
    """The iframe page, tokens and the Ecommerce card call, mixed into `CloverEmulator` (which supplies the rest)."""

    _customers: dict[str, Record]
    _tokens: dict[str, Record]
    _merchant_id: str
    _ids: Any
    credentials: dict[str, str] | None
    _changed: Callable[[], None]
    _new_id: Callable[[], str]
    _demo_secret: Callable[..., str]
    _lock: Any

    @property
    def public_key(self) -> str:
        return _uuid_like(self._demo_secret("ecommerce-public", 32))

    def _private_key(self) -> str:
        return _uuid_like(self._demo_secret("ecommerce-private", 32))

    def _key_accepted(self, key: str, given: str | None) -> bool:
        """One credential checked on its own (Platform v3 takes the token, Ecommerce the private key):
        the fixed value if there is one, else anything non-empty."""
        fixed = (self.credentials or {}).get(key)
        return bool(given) and (fixed is None or given == fixed)

    # -- routing before Platform v3's own (which wants a merchant path and its token) ------------

    def _route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.rstrip("/")
        if path == CARD_PAGE:
            return self._card_page(request)
        if path == TOKENS or path_after(request, ECOMMERCE_CUSTOMERS) is not None:
            try:
                return json_response(200, self._ecommerce(request, path))
            except Refusal as refused:
                return json_response(refused.status, refused.body, refused.headers)
        return super()._route(request)  # type: ignore[misc]

    def _record(self, request: httpx.Request, body: bytes) -> None:
        # What a person typed, or a tokenizer was sent, is never kept, not even in the request log.
        if request.url.path.rstrip("/") in (CARD_PAGE, TOKENS):
            request, body = unrecorded(request), b""
        super()._record(request, body)  # type: ignore[misc]

    def _ecommerce(self, request: httpx.Request, path: str) -> Record:
        if path == TOKENS:
            if request.method != "POST":
                raise ecommerce_error(405, "invalid_request_error", "method_not_allowed", "Method Not Allowed")
            if request.headers.get("apikey") != self.public_key:
                raise ecommerce_error(401, "authentication_error", "invalid_key", "Invalid API key.")
            return self._token_from_api(request)
        if not self._key_accepted("ecommerce_private_key", bearer_token(request)):
            raise ecommerce_error(401, "authentication_error", "invalid_key", "Unauthorized")
        parts = path_after(request, ECOMMERCE_CUSTOMERS) or []
        if len(parts) == 1 and request.method == "PUT":
            return self._save_source(request, parts[0])
        if len(parts) == 3 and parts[1] == "sources" and request.method == "DELETE":
            return self._revoke(parts[0], parts[2])
        raise ecommerce_error(404, "invalid_request_error", "not_found", "Not Found")

    # -- tokens ---------------------------------------------------------------------------------

    def _new_token(self, card: MaskedCard, digits: str) -> Record:
        token = f"clv_{random_id(self._ids, 24, ALPHANUMERIC)}"
        self._tokens[token] = {"card": card, "declined": digits in DECLINED_NUMBERS}
        return {"id": token, "object": "token",
                "card": {"exp_month": f"{card.exp_month:02d}", "exp_year": str(card.exp_year),
                         "first6": card.first6, "last4": card.last4, "brand": _CARD_TYPES[card.brand]}}

    def _token_from_api(self, request: httpx.Request) -> Record:
        body = request_fields(request, invalid=ecommerce_error(400, "invalid_request_error", "invalid_request",
                                                               "Invalid JSON"))
        card = body.get("card")
        if not isinstance(card, dict):
            raise ecommerce_error(400, "invalid_request_error", "invalid_request", "card is required", "card")
        fields = {"card_number": str(card.get("number", "")), "exp_month": str(card.get("exp_month", "")),
                  "exp_year": str(card.get("exp_year", "")), "cvv": str(card.get("cvv", ""))}
        try:
            typed = read_card(fields, datetime.now(UTC).date())
        except CardRefused as refused:
            code, param = _REFUSED_PARTS[refused.part]
            raise ecommerce_error(400, "card_error", code, str(refused), param) from None
        return self._new_token(typed.masked, typed.digits)

    def _card_page(self, request: httpx.Request) -> httpx.Response:
        if request.method not in ("GET", "POST"):
            return error_page("Use GET or POST.", 405)
        fields = typed_fields(request)
        hidden = hidden_fields(fields)
        if hidden.get("apikey") != self.public_key or hidden.get("merchant_id") != self._merchant_id:
            return error_page("The iframe was set up with a public key or merchant that does not belong together.",
                              401)
        if not is_web_return(hidden.get("return_url", "")):
            return error_page("The page was opened without a return address.")
        title = "Add a card (Clover sandbox)"
        if request.method == "GET" or "card_number" not in fields:  # a card is taken from a POST only
            return card_page(title, CARD_PAGE, hidden)
        try:
            typed = read_card(fields, datetime.now(UTC).date())
        except CardRefused as refused:
            return card_page(title, CARD_PAGE, hidden, str(refused), status=422)
        token = self._new_token(typed.masked, typed.digits)
        return back_to(hidden["return_url"], {"token": token["id"]})

    # -- the Ecommerce customer call -----------------------------------------------------------

    def _ecommerce_customer(self, customer_id: str) -> Record:
        record = self._customers.get(customer_id)
        if record is None:
            raise ecommerce_error(404, "invalid_request_error", "resource_missing", "Customer not found", "customerId")
        return record

    def _save_source(self, request: httpx.Request, customer_id: str) -> Record:
        record = self._ecommerce_customer(customer_id)
        body = request_fields(request, invalid=ecommerce_error(400, "invalid_request_error", "invalid_request",
                                                               "Invalid JSON"))
        source = body.get("source")
        if not isinstance(source, str) or not source:
            raise ecommerce_error(400, "invalid_request_error", "invalid_request", "source is required", "source")
        if body.get("ecomind", "ecom") not in ("ecom", "moto"):
            raise ecommerce_error(400, "invalid_request_error", "invalid_request", "ecomind must be ecom or moto",
                                  "ecomind")
        tokenized = self._tokens.pop(source, None)
        if tokenized is None:
            # Unknown and spent tokens look alike [inferred: Clover documents no code for a reused token].
            raise ecommerce_error(400, "invalid_request_error", "invalid_request",
                                  "Invalid source: the token is unknown or was already used.", "source")
        if tokenized["declined"]:
            raise ecommerce_error(402, "card_error", "card_declined", DECLINE_MESSAGE, "source",
                                  decline_code="issuer_declined")
        card: MaskedCard = tokenized["card"]
        expiry = f"{card.exp_month:02d}{card.exp_year % 100:02d}"  # Clover's MMYY
        saved = {"id": self._new_id(), "first6": card.first6, "last4": card.last4,
                 "cardType": _CARD_TYPES[card.brand], "expirationDate": expiry,
                 "firstName": record.get("firstName"), "lastName": record.get("lastName"),
                 "token": random_id(self._ids, 24, ALPHANUMERIC), "tokenType": "MULTIPAY",
                 "modifiedTime": int(datetime.now(UTC).timestamp() * 1000)}
        record = {**record, "cards": [*record["cards"], saved]}
        self._customers[customer_id] = record
        self._changed()
        return self._ecommerce_view(record)

    def _revoke(self, customer_id: str, source_id: str) -> Record:
        record = self._ecommerce_customer(customer_id)
        if not any(card["id"] == source_id for card in record["cards"]):
            raise ecommerce_error(404, "invalid_request_error", "resource_missing", "Source not found", "sourceId")
        self._customers[customer_id] = {**record, "cards": [c for c in record["cards"] if c["id"] != source_id]}
        self._changed()
        return {"deleted": True, "id": source_id, "object": "deletedcard"}

    def _ecommerce_view(self, record: Record) -> Record:
        """A customer as the Ecommerce API answers it: the saved cards as source ids only."""
        email = next((m["emailAddress"] for m in record.get("emailAddresses", []) if m.get("primaryEmail")), None)
        name = " ".join(p for p in (record.get("firstName"), record.get("lastName")) if p)
        view: Record = {"id": record["id"], "object": "customer", "created": record["customerSince"],
                        "currency": "USD"}
        if email:
            view["email"] = email
        if name:
            view["name"] = name
        view["sources"] = {"object": "list", "data": [c["id"] for c in record["cards"]], "has_more": False}
        return view
