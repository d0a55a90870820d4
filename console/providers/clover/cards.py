"""Clover cards on file: the hosted iframe tokenizer, and the Ecommerce API that saves its token on the customer.

The iframe (sdk.js, with the merchant's public Ecommerce key) turns the card into a one-time `clv_`
token; `attach_card` sends it as the customer's `source` (`PUT /v1/customers/{id}` on the Ecommerce
host, with the private Ecommerce key), as Clover's "Work with customers" document does, and reads
the customer back through Platform v3, whose `cards` expansion shows the new card masked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from console.domain import errors as e
from console.domain.card_forms import CardFormCompletion, CardFormKind, HostedCardForm
from console.domain.customer import Customer
from console.providers.base import ProviderConfig
from console.providers.clover.capabilities import NAME, PRODUCTION_URLS, SANDBOX_URL
from console.providers.http import HttpCore, Reply, bearer_headers, item_path, status_error

SDK_URLS = {"sandbox": "https://checkout.sandbox.dev.clover.com/sdk.js", "production": "https://checkout.clover.com/sdk.js"}
TOKEN_HOSTS = {"sandbox": "https://token-sandbox.dev.clover.com", "production": "https://token.clover.com"}
ECOMMERCE_HOSTS = {"sandbox": "https://scl-sandbox.dev.clover.com", "production": "https://scl.clover.com"}
# The emulator's stand-in for the iframe (console/sandbox/clover/cards.py).
EMULATOR_CARD_PAGE = "/clover-iframe/card"
ELEMENTS = ("CARD_NUMBER", "CARD_DATE", "CARD_CVV", "CARD_POSTAL_CODE")


def ecommerce_base_url(config: ProviderConfig) -> str:
    """Where the Ecommerce API is for this account: Clover's scl host, or the same origin for any other base URL
    (an emulator, a proxy), which then serves both APIs."""
    if config.base_url.rstrip("/") == SANDBOX_URL:
        return ECOMMERCE_HOSTS["sandbox"]
    if config.base_url.rstrip("/") in PRODUCTION_URLS.values():
        return ECOMMERCE_HOSTS["production"]
    parts = urlsplit(config.base_url)
    return f"{parts.scheme}://{parts.netloc}"


def ecommerce_error(reply: Reply) -> e.ConsoleError | None:
    """The domain error for an Ecommerce reply (`{"error": {"type", "code", "message", ...}}`), or None."""
    if reply.status < 400:
        return None
    body = reply.body if isinstance(reply.body, Mapping) else {}
    found = body.get("error")
    error: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    message = error.get("message") if isinstance(error.get("message"), str) else None
    code = error.get("code") if isinstance(error.get("code"), str) else None
    if reply.status == 401:
        return e.AuthenticationError("Clover refused the Ecommerce private key. Check it in Accounts (it belongs to "
                                     "one merchant and one environment).", provider=NAME, code=code)
    if reply.status in (400, 402) and message:
        return e.InvalidInputError(f"Clover did not save the card: {message}", provider=NAME, code=code)
    return status_error(reply, NAME, message if reply.status == 404 else None)


def iframe_script(public_key: str, merchant_id: str) -> str:
    """JS for the loopback page: mount Clover's iframe elements in `#card-form`, tokenize, hand over the token."""
    mounts = "".join(
        f"  const {name.lower()} = document.createElement('div'); {name.lower()}.id = 'clover-{name.lower()}';\n"
        f"  box.append({name.lower()}); elements.create('{name}').mount('#clover-{name.lower()}');\n"
        for name in ELEMENTS)
    return (
        "(() => {\n"
        f"  const clover = new Clover({json.dumps(public_key)}, {{merchantId: {json.dumps(merchant_id)}}});\n"
        "  const elements = clover.elements();\n"
        "  const box = document.getElementById('card-form');\n"
        f"{mounts}"
        "  const note = document.createElement('p'); note.setAttribute('role', 'alert');\n"
        "  const save = document.createElement('button'); save.type = 'button'; save.textContent = 'Save card';\n"
        "  box.after(save, note);\n"
        "  save.addEventListener('click', async () => {\n"
        "    save.disabled = true;\n"
        "    const result = await clover.createToken();\n"
        "    if (result.token) { completeCardForm({token: result.token}); return; }\n"
        "    note.textContent = Object.values(result.errors || {}).join(' ') || 'The card was not accepted.';\n"
        "    save.disabled = false;\n"
        "  });\n"
        "})();\n"
    )


def hosted_card_form(customer: Customer, config: ProviderConfig, *, return_url: str,
                     form_origin: str | None) -> HostedCardForm:
    """Clover's hosted iframe for a real account, or the emulator's card page at `form_origin`."""
    public_key = str(config.options.get("ecommerce_public_key") or "").strip()
    merchant_id = str(config.options.get("merchant_id") or config.credentials.get("merchant_id") or "")
    region = str(config.options.get("region") or "na")
    if form_origin is None and config.environment == "production" and region != "na":
        raise e.NotSupportedError("Clover's Ecommerce API, which saves cards, serves merchants in the US and Canada "
                                  "only. Add the card on a Clover device or in the Clover dashboard.", provider=NAME)
    private_key = config.credentials.get("ecommerce_private_key")
    missing = {key: "Required for adding cards." for key, value in (
        ("ecommerce_public_key", public_key), ("ecommerce_private_key", private_key)) if not value}
    if missing:
        raise e.InvalidInputError("Adding a card needs this merchant's Ecommerce public and private keys. Enter them "
                                  "in Accounts.", field_errors=missing, provider=NAME)
    title = f"Add a card for {customer.display_name} at Clover"
    if form_origin is not None:
        return HostedCardForm(kind=CardFormKind.SUBMIT, title=title,
                              action=f"{form_origin.rstrip('/')}{EMULATOR_CARD_PAGE}",
                              fields={"apikey": public_key, "merchant_id": merchant_id, "return_url": return_url},
                              origins=(form_origin.rstrip("/"),))
    environment = "production" if config.environment == "production" else "sandbox"
    return HostedCardForm(kind=CardFormKind.SCRIPT, title=title, scripts=(SDK_URLS[environment],),
                          script=iframe_script(public_key, merchant_id),
                          origins=(SDK_URLS[environment].removesuffix("/sdk.js"), TOKEN_HOSTS[environment]))


class CloverCards:
    """Cards on file for `CloverProvider` (mixed in; it supplies `config`, `client` and `get`)."""

    config: ProviderConfig
    client: httpx.AsyncClient

    async def get(self, customer_id: str) -> Customer:
        raise NotImplementedError

    async def card_form(self, customer: Customer, *, return_url: str,
                        form_origin: str | None = None) -> HostedCardForm:
        return hosted_card_form(customer, self.config, return_url=return_url, form_origin=form_origin)

    def _ecommerce(self) -> HttpCore:
        key = self.config.credentials.get("ecommerce_private_key", "")
        if not key:
            raise e.AuthenticationError("Adding a card needs this merchant's Ecommerce private key. Enter it in "
                                        "Accounts.", provider=NAME)
        return HttpCore(self.client, provider=NAME, base_url=ecommerce_base_url(self.config),
                        map_error=ecommerce_error, headers=bearer_headers(key))

    async def attach_card(self, customer: Customer, completion: CardFormCompletion, *,
                          idempotency_key: str) -> Customer:
        token = completion.fields.get("token", "").strip()
        if not token.startswith("clv_"):
            raise e.ProtocolError("Clover's card form came back without a card token.", field="token", provider=NAME)
        # `ecomind: moto`: staff, not the customer, typed the card. Clover documents `email` as required on
        # this call, so the customer's primary email goes along when there is one.
        body: dict[str, Any] = {"source": token, "ecomind": "moto"}
        if customer.email:
            body["email"] = customer.email
        # Sent once: Clover keeps no idempotency key for customers, and a repeat would carry a spent token.
        await self._ecommerce().request("PUT", item_path("/v1/customers", customer.id), json_body=body)
        return await self.get(customer.id)
