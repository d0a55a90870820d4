"""Square's cards on file in the emulator: the Web Payments SDK card form as a plain page, and the Cards API.

The page stands in for `payments.card()` + `card.tokenize()`: it turns a typed test card into a
one-time nonce (`cnon:...`) bound to the masked card and sends the browser back with `source_id`.
`POST /v2/cards` (CreateCard) and the deprecated `POST /v2/customers/{id}/cards` take those nonces
and Square's documented sandbox nonces (developer.squareup.com/docs/devtools/sandbox/payments).

Declines: the sandbox test values (CVV 911, postal code 99999, expiry 01/40, card 4000 0000 0000
0002 or 0010) tokenize, and the card-on-file call then refuses them. CreateCard answers every such
refusal with one general INVALID_CARD_DATA error, as Square does on purpose (its developer forum,
"How to simulate error for creating card"); the deprecated endpoint names the reason as the
Payments API does ("Authorization error: 'CVV_FAILURE'").
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

import httpx

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
from console.sandbox.rest import random_id
from console.sandbox.square.wire import (
    SquareError,
    bad_request,
    bool_param,
    customer_not_found,
    error,
    expect_str,
    json_object,
    not_found,
    query_params,
    reject_unknown,
)

Record = dict[str, Any]

CARD_PAGE = "/web-payments-sdk/card"
CARDS_PAGE_SIZE = 25
IDEMPOTENCY_KEY_MAX = 45

_BRANDS = {"visa": "VISA", "mastercard": "MASTERCARD", "amex": "AMERICAN_EXPRESS", "discover": "DISCOVER",
           "diners": "DISCOVER_DINERS", "jcb": "JCB", "unionpay": "CHINA_UNIONPAY", "other": "OTHER_BRAND"}
_PAYMENT_METHOD_ERROR = "PAYMENT_METHOD_ERROR"
# Square's documented sandbox nonces and the decline each stands for (None: accepted).
SANDBOX_NONCES: dict[str, str | None] = {
    "cnon:card-nonce-ok": None,
    "cnon:card-nonce-declined": "GENERIC_DECLINE",
    "cnon:card-nonce-rejected-cvv": "CVV_FAILURE",
    "cnon:card-nonce-rejected-postalcode": "ADDRESS_VERIFICATION_FAILURE",
    "cnon:card-nonce-rejected-expiration": "INVALID_EXPIRATION",
}
ALREADY_USED_NONCE = "cnon:card-nonce-already-used"
# The card a documented sandbox nonce stands for (a Visa test card).
_SANDBOX_CARD = MaskedCard(first6="411111", last4="1111", brand="visa", exp_month=12, exp_year=2030)
# Typed test values that tokenize but are then refused on file, and how.
_DECLINED_NUMBERS = {"4000000000000002": "GENERIC_DECLINE", "4000000000000010": "GENERIC_DECLINE"}


def _typed_decline(digits: str, cvv: str, postal_code: str, month: int, year: int) -> str | None:
    if digits in _DECLINED_NUMBERS:
        return _DECLINED_NUMBERS[digits]
    if cvv == "911":
        return "CVV_FAILURE"
    if postal_code == "99999":
        return "ADDRESS_VERIFICATION_FAILURE"
    if (month, year) == (1, 2040):
        return "INVALID_EXPIRATION"
    return None


def _fingerprint(merchant_id: str, card: MaskedCard) -> str:
    # From the masked parts only: a hash of the full number could be reversed by trying numbers.
    seen = f"{merchant_id}:{card.first6}:{card.last4}:{card.exp_month}:{card.exp_year}"
    return "sq-1-" + hashlib.sha256(seen.encode()).hexdigest()[:48]


def token_used() -> SquareError:
    return bad_request("CARD_TOKEN_USED", "Card nonce already used; please request new nonce.", "source_id")


def invalid_card_data(field: str) -> SquareError:
    return bad_request("INVALID_CARD_DATA", "Invalid card data.", field)


def declined(code: str) -> SquareError:
    return SquareError(400, [error(code, f"Authorization error: '{code}'", category=_PAYMENT_METHOD_ERROR)])


class SquareCards:
    """The card page, nonces and card-on-file routes, mixed into `SquareEmulator` (which supplies the rest)."""

    _customers: dict[str, Record]
    _cards: dict[str, Record]
    _nonces: dict[str, Record]
    _merchant_id: str
    _ids: Any
    now: Callable[..., Any]
    _once: Callable[..., dict[str, Any]]
    _changed: Callable[[], None]
    _demo_secret: Callable[..., str]
    _lock: Any

    # -- what the Web Payments SDK is set up with -----------------------------------------------

    @property
    def application_id(self) -> str:
        return f"sandbox-sq0idb-{self._demo_secret('application', 22)}"

    @property
    def location_id(self) -> str:
        return f"L{self._demo_secret('location', 12).upper()}"

    def connection_info(self, base_url: str) -> dict[str, str]:
        return {**super().connection_info(base_url),  # type: ignore[misc]
                "application_id": self.application_id, "location_id": self.location_id}

    def cards_of(self, customer_id: str) -> list[Record]:
        """The customer's enabled cards (for tests and tools)."""
        with self._lock:
            return [c for c in self._cards.values() if c["customer_id"] == customer_id and c["enabled"]]

    # -- the card page (no bearer token: a browser opens it) ------------------------------------

    def _route(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.rstrip("/") == CARD_PAGE:
            return self._card_page(request)
        return super()._route(request)  # type: ignore[misc]

    def _record(self, request: httpx.Request, body: bytes) -> None:
        # What a person typed into the card page is never kept, not even in the request log.
        if request.url.path.rstrip("/") == CARD_PAGE:
            request, body = unrecorded(request), b""
        super()._record(request, body)  # type: ignore[misc]

    def _card_page(self, request: httpx.Request) -> httpx.Response:
        if request.method not in ("GET", "POST"):
            return error_page("Use GET or POST.", 405)
        fields = typed_fields(request)
        hidden = hidden_fields(fields)
        return_url = hidden.get("return_url", "")
        if hidden.get("application_id") != self.application_id:
            return error_page("InvalidApplicationIdError: the application ID is not valid for this account.")
        if hidden.get("location_id") != self.location_id:
            return error_page("InvalidLocationIdError: the location ID is not valid for this account.")
        if not is_web_return(return_url):
            return error_page("The page was opened without a return address.")
        title = "Add a card (Square sandbox)"
        if request.method == "GET" or "card_number" not in fields:  # a card is taken from a POST only
            return card_page(title, CARD_PAGE, hidden, postal_code=True)
        try:
            typed = read_card(fields, self.now().date())
        except CardRefused as refused:
            return card_page(title, CARD_PAGE, hidden, str(refused), status=422, postal_code=True)
        card = typed.masked
        decline = _typed_decline(typed.digits, typed.cvv, typed.postal_code, card.exp_month, card.exp_year)
        nonce = f"cnon:{random_id(self._ids, 25)}"
        self._nonces[nonce] = {"card": card, "decline": decline, "fingerprint": _fingerprint(self._merchant_id, card)}
        return back_to(return_url, {"source_id": nonce})

    # -- nonces ---------------------------------------------------------------------------------

    def _spend(self, nonce: str, field: str) -> Record:
        """The card a nonce stands for, using it up (documented sandbox nonces may be used again)."""
        if nonce == ALREADY_USED_NONCE:
            raise token_used()
        if nonce in SANDBOX_NONCES:
            return {"card": _SANDBOX_CARD, "decline": SANDBOX_NONCES[nonce],
                    "fingerprint": _fingerprint(self._merchant_id, _SANDBOX_CARD)}
        found = self._nonces.pop(nonce, None)
        if found is None:
            # Spent, or never made here: Square cannot tell a used nonce from one it does not know.
            if nonce.startswith("cnon:"):
                raise token_used()
            raise invalid_card_data(field)
        return found

    def _new_card(self, customer_id: str, tokenized: Record, extra: Record) -> Record:
        card: MaskedCard = tokenized["card"]
        record: Record = {
            "id": f"ccof:{random_id(self._ids, 24)}", "card_brand": _BRANDS[card.brand], "last_4": card.last4,
            "exp_month": card.exp_month, "exp_year": card.exp_year, **extra,
            "fingerprint": tokenized["fingerprint"], "customer_id": customer_id,
            "merchant_id": self._merchant_id, "enabled": True, "card_type": "CREDIT",
            "prepaid_type": "NOT_PREPAID", "bin": card.first6, "version": 1,
        }
        self._cards[record["id"]] = record
        self._changed()
        return record

    # -- the Cards API --------------------------------------------------------------------------

    def _cards_route(self, request: httpx.Request, rest: list[str]) -> dict[str, Any]:
        """/v2/cards[...]: CreateCard, ListCards, RetrieveCard, DisableCard."""
        method = request.method
        if not rest and method == "POST":
            return self._create_card(request)
        if not rest and method == "GET":
            return self._list_cards(request)
        if len(rest) == 1 and rest[0] and method == "GET":
            query_params(request, ())
            return {"card": self._existing_card(rest[0])}
        if len(rest) == 2 and rest[0] and rest[1] == "disable" and method == "POST":
            return {"card": self._disable(self._existing_card(rest[0]))}
        raise not_found(f"API endpoint for URL path `{request.url.path}` and HTTP method `{method}` is not found.")

    def _existing_card(self, card_id: str) -> Record:
        card = self._cards.get(card_id)
        if card is None:
            raise not_found(f"Card with ID `{card_id}` not found.")
        return card

    def _create_card(self, request: httpx.Request) -> dict[str, Any]:
        body = json_object(request)
        reject_unknown(body, {"idempotency_key", "source_id", "verification_token", "card"})
        for name in ("idempotency_key", "source_id", "card"):
            if body.get(name) in (None, ""):
                raise bad_request("MISSING_REQUIRED_PARAMETER", f"Missing required parameter `{name}`.", name)
        key = expect_str(body["idempotency_key"], "idempotency_key")
        if len(key) > IDEMPOTENCY_KEY_MAX:
            raise bad_request("VALUE_TOO_LONG", f"`idempotency_key` must be at most {IDEMPOTENCY_KEY_MAX} "
                              "characters.", "idempotency_key")
        source = expect_str(body["source_id"], "source_id")
        wanted = body["card"]
        if not isinstance(wanted, dict):
            raise bad_request("EXPECTED_OBJECT", "Expected `card` to be an object.", "card")
        reject_unknown(wanted, {"customer_id", "cardholder_name", "billing_address", "reference_id"}, "card.")
        customer_id = wanted.get("customer_id")
        if not customer_id:
            raise bad_request("MISSING_REQUIRED_PARAMETER", "Missing required parameter `card.customer_id`.",
                              "card.customer_id")
        content = {k: v for k, v in body.items() if k != "idempotency_key"}
        return self._once("card", key, content, functools.partial(self._created_card, source, wanted))

    def _created_card(self, source: str, wanted: Record) -> dict[str, Any]:
        customer_id = expect_str(wanted["customer_id"], "card.customer_id")
        if customer_id not in self._customers:
            raise SquareError(404, [customer_not_found(customer_id)])
        tokenized = self._spend(source, "source_id")
        if tokenized["decline"] is not None:
            raise invalid_card_data("source_id")
        extra = {k: wanted[k] for k in ("cardholder_name", "billing_address", "reference_id") if wanted.get(k)}
        return {"card": self._new_card(customer_id, tokenized, extra)}

    def _list_cards(self, request: httpx.Request) -> dict[str, Any]:
        params = query_params(request, ("cursor", "customer_id", "include_disabled", "reference_id", "sort_order"))
        order = params.get("sort_order", "ASC")
        if order not in ("ASC", "DESC"):
            raise bad_request("INVALID_SORT_ORDER", f"`{order}` is not a valid sort_order.", "sort_order")
        disabled_too = bool_param(params, "include_disabled")
        cards = [c for c in self._cards.values()
                 if (c["enabled"] or disabled_too)
                 and params.get("customer_id", c["customer_id"]) == c["customer_id"]
                 and params.get("reference_id", c.get("reference_id")) == c.get("reference_id")]
        if order == "DESC":
            cards.reverse()
        start = 0
        if params.get("cursor"):
            try:
                start = int(params["cursor"].removeprefix("cards-"))
            except ValueError:
                raise bad_request("INVALID_CURSOR", "The cursor is not valid.", "cursor") from None
        answer: dict[str, Any] = {}
        page = cards[start:start + CARDS_PAGE_SIZE]
        if page:
            answer["cards"] = page
        if start + CARDS_PAGE_SIZE < len(cards):
            answer["cursor"] = f"cards-{start + CARDS_PAGE_SIZE}"
        return answer

    def _disable(self, card: Record) -> Record:
        if not card["enabled"]:  # disabling twice changes nothing
            return card
        disabled = {**card, "enabled": False, "version": card["version"] + 1}
        self._cards[card["id"]] = disabled
        self._changed()
        return disabled

    # -- the deprecated Customers API card endpoints -------------------------------------------

    def _create_customer_card(self, request: httpx.Request, customer_id: str) -> dict[str, Any]:
        body = json_object(request)
        reject_unknown(body, {"card_nonce", "billing_address", "cardholder_name", "verification_token"})
        if body.get("card_nonce") in (None, ""):
            raise bad_request("MISSING_REQUIRED_PARAMETER", "Missing required parameter `card_nonce`.", "card_nonce")
        nonce = expect_str(body["card_nonce"], "card_nonce")
        if customer_id not in self._customers:
            raise SquareError(404, [customer_not_found(customer_id)])
        # Documented as idempotent by nonce: the same nonce returns the card its first call made.
        return self._once("customer-card", f"{customer_id}:{nonce}", body,
                          functools.partial(self._created_customer_card, customer_id, nonce, body))

    def _created_customer_card(self, customer_id: str, nonce: str, body: Record) -> dict[str, Any]:
        tokenized = self._spend(nonce, "card_nonce")
        if tokenized["decline"] is not None:
            raise declined(tokenized["decline"])
        extra = {k: body[k] for k in ("cardholder_name", "billing_address") if body.get(k)}
        card = self._new_card(customer_id, tokenized, extra)
        return {"card": {k: card[k] for k in ("id", "card_brand", "last_4", "exp_month", "exp_year",
                                               "cardholder_name", "billing_address") if k in card}}

    def _delete_customer_card(self, request: httpx.Request, customer_id: str, card_id: str) -> dict[str, Any]:
        query_params(request, ())
        if customer_id not in self._customers:
            raise SquareError(404, [customer_not_found(customer_id)])
        card = self._cards.get(card_id)
        if card is None or card["customer_id"] != customer_id or not card["enabled"]:
            raise not_found(f"Card with ID `{card_id}` not found.")
        self._disable(card)
        return {}
