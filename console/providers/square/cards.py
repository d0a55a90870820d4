"""Square cards on file: the Web Payments SDK card form, CreateCard with its token, and ListCards.

The console never sees a card number: the SDK (or, in demo mode and tests, the emulator's plain
card page) turns the card into a one-time `source_id`, and `attach_card` stores it with
`POST /v2/cards` under an idempotency key.

The page's origin: since 2025-10-01 the SDK runs only in a secure context (Web Payments SDK
changelog; `WebSdkEmbedError`). Square allows plain http on localhost for testing only and asks
for an HTTPS page for real payments (payment form "How it works": "must be generated on a webpage
that uses HTTPS ... may be tested with localhost"), so the loopback page serves sandbox accounts,
and production accounts add cards in Square's dashboard (`card_form` says so).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from console.domain import errors as e
from console.domain.capabilities import CollectionKind
from console.domain.card_forms import CardFormCompletion, CardFormKind, HostedCardForm
from console.domain.customer import Customer, PaymentMethod, brand_name
from console.providers.base import ProviderConfig
from console.providers.http import HttpCore, item_path
from console.providers.square.capabilities import NAME
from console.providers.wire_model import WireModel

SDK_URLS = {"sandbox": "https://sandbox.web.squarecdn.com/v1/square.js",
            "production": "https://web.squarecdn.com/v1/square.js"}
# What the SDK loads and talks to, for the loopback page's Content-Security-Policy (Square does not
# document the list; these are the hosts its pages use, per Square's developer forum).
SDK_ORIGINS = {"sandbox": ("https://*.squarecdn.com", "https://js.squareupsandbox.com",
                           "https://pci-connect.squareupsandbox.com", "https://connect.squareupsandbox.com"),
               "production": ("https://*.squarecdn.com", "https://js.squareup.com",
                              "https://pci-connect.squareup.com", "https://connect.squareup.com")}
# The emulator's stand-in for the SDK's card form (console/sandbox/square/cards.py).
EMULATOR_CARD_PAGE = "/web-payments-sdk/card"
IDEMPOTENCY_KEY_MAX = 45
CARDS_PATH = "/v2/cards"

_BRANDS = {"DISCOVER_DINERS": "Diners Club", "CHINA_UNIONPAY": "UnionPay", "OTHER_BRAND": None}
# Square's own wording is for developers; what staff should do instead.
_REFUSALS = {
    "INVALID_CARD_DATA": "Square did not accept the card (Invalid card data). Check the number, expiry, CVV and "
                         "postal code, or use another card.",
    "CARD_TOKEN_USED": "The card form's token was already used. Open the card form again.",
    "GENERIC_DECLINE": "The card was declined. Use another card.",
    "CVV_FAILURE": "The card was declined: the CVV is incorrect.",
    "ADDRESS_VERIFICATION_FAILURE": "The card was declined: the postal code is incorrect.",
    "INVALID_EXPIRATION": "The card was declined: the expiration date is incorrect.",
}


class WireCard(WireModel):
    id: str
    card_brand: str | None = None
    last_4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    cardholder_name: str | None = None
    bin: str | None = None
    enabled: bool = True


def card_from_wire(data: Any) -> PaymentMethod:
    """A masked domain card from Square's `Card` object."""
    try:
        card = WireCard.model_validate(data)
        brand = _BRANDS.get(card.card_brand, card.card_brand) if card.card_brand else None
        last4 = card.last_4[-4:] if card.last_4 and card.last_4.isdigit() else None
        first6 = card.bin if card.bin and len(card.bin) == 6 and card.bin.isdigit() else None
        return PaymentMethod(id=card.id, brand=brand_name(brand) if brand else None, last4=last4, first6=first6,
                             exp_month=card.exp_month, exp_year=card.exp_year, holder_name=card.cardholder_name)
    except (ValidationError, ValueError) as exc:
        raise e.ProtocolError("Square sent a card we cannot read.", field="cards", provider=NAME) from exc


def create_card_body(customer_id: str, source_id: str, idempotency_key: str) -> dict[str, Any]:
    """CreateCard: the token, the customer, and a key that makes a repeat return the first card."""
    if len(idempotency_key) > IDEMPOTENCY_KEY_MAX:  # Square's limit; the same long key maps to the same short one
        idempotency_key = hashlib.sha256(idempotency_key.encode()).hexdigest()[:IDEMPOTENCY_KEY_MAX]
    return {"idempotency_key": idempotency_key, "source_id": source_id, "card": {"customer_id": customer_id}}


def web_payments_script(application_id: str, location_id: str) -> str:
    """JS for the loopback page: mount the SDK's card form in `#card-form`, tokenize, hand over `source_id`."""
    ids = f"{json.dumps(application_id)}, {json.dumps(location_id)}"
    return (
        "(async () => {\n"
        "  const box = document.getElementById('card-form');\n"
        "  const note = document.createElement('p'); note.setAttribute('role', 'alert');\n"
        "  const save = document.createElement('button'); save.type = 'button'; save.textContent = 'Save card';\n"
        "  box.after(save, note);\n"
        f"  const payments = Square.payments({ids});\n"
        "  const card = await payments.card();\n"
        "  await card.attach('#card-form');\n"
        "  save.addEventListener('click', async () => {\n"
        "    save.disabled = true;\n"
        "    const result = await card.tokenize();\n"
        "    if (result.status === 'OK') { completeCardForm({source_id: result.token}); return; }\n"
        "    const why = (result.errors || []).map((err) => err.message).join(' ');\n"
        "    note.textContent = why || 'The card was not accepted.';\n"
        "    save.disabled = false;\n"
        "  });\n"
        "})();\n"
    )


def hosted_card_form(customer: Customer, config: ProviderConfig, *, return_url: str,
                     form_origin: str | None) -> HostedCardForm:
    """The Web Payments SDK form for a real account, or the emulator's card page at `form_origin`."""
    application_id = str(config.options.get("application_id") or "").strip()
    location_id = str(config.options.get("location_id") or "").strip()
    title = f"Add a card for {customer.display_name} at Square"
    if form_origin is None and config.environment == "production":
        raise e.NotSupportedError(
            "Square's card form needs an HTTPS page in production, and the console's page is plain http on this "
            "computer. Add the card in Square's dashboard instead.", provider=NAME)
    if not application_id or not location_id:
        raise e.InvalidInputError(
            "Adding a card needs this account's Square application ID and location ID. Enter them in Accounts.",
            field_errors={k: "Required for adding cards." for k, v in
                          (("application_id", application_id), ("location_id", location_id)) if not v},
            provider=NAME)
    if form_origin is not None:
        return HostedCardForm(kind=CardFormKind.SUBMIT, title=title,
                              action=f"{form_origin.rstrip('/')}{EMULATOR_CARD_PAGE}",
                              fields={"application_id": application_id, "location_id": location_id,
                                      "return_url": return_url},
                              origins=(form_origin.rstrip("/"),))
    environment = "production" if config.environment == "production" else "sandbox"
    return HostedCardForm(kind=CardFormKind.SCRIPT, title=title, scripts=(SDK_URLS[environment],),
                          script=web_payments_script(application_id, location_id),
                          origins=SDK_ORIGINS[environment])


def refused_card(exc: e.InvalidInputError) -> e.ConsoleError:
    """What staff read when Square refuses the card (the code stays for the log)."""
    message = _REFUSALS.get(exc.code or "")
    if message is None:
        return exc
    return e.InvalidInputError(message, provider=NAME, code=exc.code)


class SquareCards:
    """Cards on file for `SquareProvider` (mixed in; it supplies `http`, `config` and `get`)."""

    config: ProviderConfig
    http: HttpCore

    async def get(self, customer_id: str) -> Customer:
        raise NotImplementedError

    async def card_form(self, customer: Customer, *, return_url: str,
                        form_origin: str | None = None) -> HostedCardForm:
        return hosted_card_form(customer, self.config, return_url=return_url, form_origin=form_origin)

    async def attach_card(self, customer: Customer, completion: CardFormCompletion, *,
                          idempotency_key: str) -> Customer:
        source_id = completion.fields.get("source_id", "").strip()
        if not source_id:
            raise e.ProtocolError("Square's card form came back without a card token.", field="source_id",
                                  provider=NAME)
        body = create_card_body(customer.id, source_id, idempotency_key)
        try:
            # The idempotency key makes a repeat after a lost answer return the first card, so it may be retried.
            await self.http.request("POST", CARDS_PATH, json_body=body, retry=True)
        except e.InvalidInputError as exc:
            raise refused_card(exc) from exc
        return await self.get(customer.id)

    async def cards(self, customer_id: str) -> tuple[PaymentMethod, ...]:
        """The customer's enabled cards on file (ListCards, every page)."""
        found: list[PaymentMethod] = []
        cursor: str | None = None
        while True:
            params = {"customer_id": customer_id, **({"cursor": cursor} if cursor else {})}
            reply = await self.http.request("GET", CARDS_PATH, params=params, retry=True)
            body = reply.body if isinstance(reply.body, Mapping) else {}
            items = body.get("cards") or []
            if not isinstance(items, list):
                raise e.ProtocolError("Square sent 'cards' that is not a list.", field="cards", provider=NAME)
            found.extend(card_from_wire(item) for item in items)
            cursor = body.get("cursor") or None
            if not cursor:
                return tuple(found)

    async def with_cards(self, customer: Customer) -> Customer:
        return replace(customer, payment_methods=await self.cards(customer.id))

    async def _delete_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
        # Only cards are deletable (capabilities); Square disables a card rather than deleting it.
        # Disabling is idempotent at Square, so a repeat after a lost answer is harmless.
        with contextlib.suppress(e.NotFoundError):  # already gone, which is what was asked
            await self.http.request("POST", f"{item_path(CARDS_PATH, item_id)}/disable", retry=True)
        return await self.get(customer.id)
