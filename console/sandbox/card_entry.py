"""The plain HTML card page an emulator serves in place of a provider's tokenizer, and what it keeps of a card.

The page follows the conventions in tests/support/card_browser.py: `<form id="card-form">` with
`card_number`, `exp_month`, `exp_year`, `cvv` (hidden fields travel along), a refusal shown in
`id="card-error"`, and success answered with a 303 to the return URL. Of a card only the first six
and last four digits, the brand and the expiry are kept (`MaskedCard`); the number and the CVV are
read, checked and dropped here.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from console.domain.card_numbers import luhn_ok

CARD_FIELDS = ("card_number", "exp_month", "exp_year", "cvv", "postal_code")

# Issuer number prefixes (ranges inclusive, compared on as many leading digits as the bounds have):
# the one table every emulator names brands by, each in its provider's own words.
_BRANDS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("amex", (("34", "34"), ("37", "37"))),
    ("diners", (("300", "305"), ("36", "36"), ("38", "39"))),
    ("discover", (("6011", "6011"), ("644", "649"), ("65", "65"))),
    ("jcb", (("3528", "3589"), ("3088", "3094"))),
    ("unionpay", (("62", "62"),)),
    ("mastercard", (("51", "55"), ("2221", "2720"))),
    ("visa", (("4", "4"),)),
)


def brand_of(digits: str) -> str:
    """The card brand by its number's prefix: visa, mastercard, amex, discover, diners, jcb, unionpay or other."""
    for brand, ranges in _BRANDS:
        for low, high in ranges:
            if low <= digits[: len(low)] <= high:
                return brand
    return "other"


@dataclass(frozen=True, slots=True)
class MaskedCard:
    """All an emulator keeps of a card typed into its page."""

    first6: str
    last4: str
    brand: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True, slots=True)
class TypedCard:
    """A card as typed, checked: the masked part to keep, and the test values a provider's sandbox reacts to.

    `digits` and `cvv` exist only while the page handles the request, so an emulator can match its
    provider's documented test numbers; nothing stores them.
    """

    masked: MaskedCard
    digits: str
    cvv: str
    postal_code: str


class CardRefused(Exception):
    """The page refuses what was typed; the message is shown in `#card-error`. `part` is what is wrong:
    "number", "expiry" or "cvv"."""

    def __init__(self, message: str, part: str) -> None:
        super().__init__(message)
        self.part = part


def read_card(fields: Mapping[str, str], today: date) -> TypedCard:
    """The typed card, or `CardRefused` with what is wrong, as a tokenizer's own field checks say it."""
    digits = "".join(ch for ch in fields.get("card_number", "") if not ch.isspace() and ch != "-")
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not luhn_ok(digits):
        raise CardRefused("Card number is not valid.", "number")
    try:
        month = int(fields.get("exp_month", ""))
        year = int(fields.get("exp_year", ""))
    except ValueError:
        raise CardRefused("Expiration date is not valid.", "expiry") from None
    if year < 100:
        year += 2000
    if not 1 <= month <= 12 or (year, month) < (today.year, today.month) or year > today.year + 50:
        raise CardRefused("Expiration date is not valid.", "expiry")
    cvv = fields.get("cvv", "").strip()
    if not cvv.isdigit() or len(cvv) != (4 if brand_of(digits) == "amex" else 3):
        raise CardRefused("CVV is not valid.", "cvv")
    masked = MaskedCard(first6=digits[:6], last4=digits[-4:], brand=brand_of(digits), exp_month=month, exp_year=year)
    return TypedCard(masked, digits, cvv, fields.get("postal_code", "").strip())


def typed_fields(request: httpx.Request) -> dict[str, str]:
    """The page's fields: the query of a GET, the form body of a POST."""
    if request.method == "GET":
        return dict(request.url.params)
    return dict(parse_qsl(request.content.decode("utf-8", "replace"), keep_blank_values=True))


def unrecorded(request: httpx.Request) -> httpx.Request:
    """`request` as the request log may keep it: without its query (a card typed into a GET form would be there)."""
    return httpx.Request(request.method, request.url.copy_with(query=None), headers=request.headers)


def hidden_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """The fields that travel with the form (everything but the card's own)."""
    return {k: v for k, v in fields.items() if k not in CARD_FIELDS}


def card_page(title: str, action: str, hidden: Mapping[str, str], error: str = "", *, status: int = 200,
              postal_code: bool = False) -> httpx.Response:
    """The card form, with `error` (if any) in `#card-error`."""
    esc = html.escape
    inputs = "".join(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in hidden.items())
    postal = ('<label>Postal code <input name="postal_code" autocomplete="postal-code" value=""></label>'
              if postal_code else "")
    body = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title></head><body>'
        f"<h1>{esc(title)}</h1>"
        f'<p id="card-error" role="alert">{esc(error)}</p>'
        f'<form id="card-form" method="post" action="{esc(action)}" autocomplete="off">{inputs}'
        '<label>Card number <input name="card_number" inputmode="numeric" autocomplete="cc-number" value=""></label>'
        '<label>Month <input name="exp_month" inputmode="numeric" size="2" value=""></label>'
        '<label>Year <input name="exp_year" inputmode="numeric" size="4" value=""></label>'
        '<label>CVV <input name="cvv" inputmode="numeric" size="4" value=""></label>'
        f'{postal}<button type="submit">Save card</button></form>'
        "<p>Emulator page: use a test card, never a real one.</p></body></html>"
    )
    return httpx.Response(status, headers={"content-type": "text/html; charset=utf-8", "cache-control": "no-store"},
                          content=body.encode("utf-8"))


def error_page(message: str, status: int = 400) -> httpx.Response:
    """A page for a request the card page cannot serve at all (no form to fill)."""
    body = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Card form</title></head><body>'
            f'<p id="card-error" role="alert">{html.escape(message)}</p></body></html>')
    return httpx.Response(status, headers={"content-type": "text/html; charset=utf-8"}, content=body.encode("utf-8"))


def back_to(return_url: str, extra: Mapping[str, str]) -> httpx.Response:
    """The 303 to `return_url` with `extra` added to its query (its own parameters, `state` among them, kept)."""
    parts = urlsplit(return_url)
    # The return URL's own query goes back byte for byte: the loopback page compares its `state`.
    query = "&".join(q for q in (parts.query, urlencode(extra)) if q)
    return httpx.Response(303, headers={"location": urlunsplit(parts._replace(query=query)),
                                        "cache-control": "no-store"})


def is_web_return(url: str) -> bool:
    """Whether `url` is somewhere a browser may be sent back to (http or https with a host)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
