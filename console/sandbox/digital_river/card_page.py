"""The emulator's stand-in for DigitalRiver.js's card fields: a plain HTML page, no JavaScript.

The console's loopback page posts the public key, its return URL and the card owner to `PAGE`; the
page asks for the card (the conventions of tests/support/card_browser.py) and posts it to `SUBMIT`,
which creates a source as DigitalRiver.js would with the public key, then sends the browser back to
the return URL with `source_id` added. A refused card is shown again with DigitalRiver.js's message
in `#card-error`. The typed number and security code are never written back into a page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from console.domain.hosts import is_loopback_host
from console.sandbox.digital_river.wire import Record
from console.sandbox.refusal import Refusal

PAGE = "/drjs/card-form"
SUBMIT = "/drjs/card-form/submit"
# What the console's hand-over form sends besides the card: the owner DigitalRiver.js needs.
OWNER_FIELDS = {"first_name": "First name", "last_name": "Last name", "email": "Email",
                "country": "Country (two letters)"}
_CARD_FIELDS = {"card_number": "Card number", "exp_month": "Expiry month (MM)", "exp_year": "Expiry year (YYYY)",
                "cvv": "Security code"}

# (public key, creditCard as DigitalRiver.js sends it, owner) -> the new source, or a DR `Refusal`
CreateSource = Callable[[str, Mapping[str, Any], Record], Record]


def serves(request: httpx.Request) -> bool:
    """Whether `request` is for the card page (which is HTML, not DR's JSON API)."""
    return request.url.path.rstrip("/") in (PAGE, SUBMIT)


def answer(request: httpx.Request, create: CreateSource) -> httpx.Response:
    """The card page, the page again with DR's refusal, or the way back to the console with the source id."""
    if request.method != "POST":
        return _page(405, {}, "Open this page through the console's Add card.", form=False)
    fields = dict(parse_qsl(request.content.decode("utf-8", "replace"), keep_blank_values=True))
    return_url = fields.get("return_url", "")
    target = urlsplit(return_url)
    if target.scheme not in ("http", "https") or not is_loopback_host(target.hostname or ""):
        return _page(400, {}, "The return address must be the console's own page on this computer.", form=False)
    if request.url.path.rstrip("/") == PAGE:
        return _page(200, fields, "")
    card = {"number": fields.get("card_number", ""), "expirationMonth": fields.get("exp_month", ""),
            "expirationYear": fields.get("exp_year", ""), "cvv": fields.get("cvv", "")}
    owner: Record = {"firstName": fields.get("first_name"), "lastName": fields.get("last_name"),
                     "email": fields.get("email"), "address": {"country": fields.get("country")}}
    try:
        source = create(fields.get("public_key", ""), card, owner)
    except Refusal as refused:
        errors = (refused.body.get("errors") if isinstance(refused.body, Mapping) else None) or [{}]
        message = str(errors[0].get("message") or "The card could not be saved.")
        return _page(200 if refused.status < 500 else refused.status, fields, message,
                     form=refused.status != 401)
    query = [*parse_qsl(target.query, keep_blank_values=True), ("source_id", source["id"])]
    location = urlunsplit(target._replace(query=urlencode(query)))
    return httpx.Response(303, headers={"location": location, "cache-control": "no-store"})


def _page(status: int, fields: Mapping[str, str], error: str, *, form: bool = True) -> httpx.Response:
    parts = ["<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<title>Digital River card (emulator)</title></head><body>",
             "<h1>Add a card</h1><p>Digital River emulator: use a test card, never a real one.</p>"]
    if error:
        parts.append(f"<p id=\"card-error\" role=\"alert\">{escape(error)}</p>")
    if form:
        parts.append(f"<form id=\"card-form\" method=\"post\" action=\"{SUBMIT}\">")
        for name in ("public_key", "return_url"):
            parts.append(f"<input type=\"hidden\" name=\"{name}\" value=\"{escape(fields.get(name, ''))}\">")
        for name, label in OWNER_FIELDS.items():
            parts.append(f"<label>{label} <input name=\"{name}\" value=\"{escape(fields.get(name, ''))}\"></label><br>")
        for name, label in _CARD_FIELDS.items():  # never filled in again: what was typed stays with the browser
            parts.append(f"<label>{label} <input name=\"{name}\" autocomplete=\"off\" value=\"\"></label><br>")
        parts.append("<button type=\"submit\">Save card</button></form>")
    parts.append("</body></html>\n")
    return httpx.Response(status, headers={"content-type": "text/html; charset=utf-8", "cache-control": "no-store"},
                          content="".join(parts).encode("utf-8"))
