"""Accept Customer emulated: the hosted profile page tokens and the plain HTML `addPayment` page.

`getHostedProfilePageRequest` gives a token bound to one profile and its settings; the browser posts
it to `/customer/addPayment`, gets the card form, and posts the card. The page checks it (Luhn, an
expiry in the future, the sandbox's documented decline ZIP 46282 when the settings ask for a live
validation), saves a payment profile through the emulator (which keeps only the first 6 and last 4
digits, brand and expiry), and sends the browser to `hostedProfileReturnUrl` with a 303. Tokens
last 15 minutes, as Authorize.net documents for its hosted form tokens, and are spent by the card
they save. The HTML follows tests/support/card_browser.py's conventions and needs no JavaScript.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import httpx

from console.domain.card_numbers import luhn_ok
from console.sandbox.authorize_net.wire import AnetError, Record, as_list

ADD_PAYMENT_PATH = "/customer/addPayment"
TOKEN_LIFETIME = timedelta(minutes=15)
# The settingNameEnum values AnetApiSchema.xsd marks as used by getHostedProfilePage.
HOSTED_SETTINGS = frozenset({
    "hostedProfileReturnUrl", "hostedProfileReturnUrlText", "hostedProfilePageBorderVisible",
    "hostedProfileIFrameCommunicatorUrl", "hostedProfileHeadingBgColor", "hostedProfileValidationMode",
    "hostedProfileBillingAddressRequired", "hostedProfileCardCodeRequired", "hostedProfileBillingAddressOptions",
    "hostedProfileManageOptions", "hostedProfilePaymentOptions", "hostedProfileSaveButtonText"})
# Authorize.net's sandbox declines a live authorization billed to this ZIP (its testing guide).
DECLINE_ZIP = "46282"
# Response reason texts of the payment gateway, as the hosted form relays them.
DECLINED = "This transaction has been declined."
INVALID_NUMBER = "The credit card number is invalid."
INVALID_EXPIRY = "The credit card expiration date is invalid."
EXPIRED = "The credit card has expired."
INVALID_CODE = "The card code is invalid."
SESSION_GONE = "This page has expired or was already used. Return to the merchant's site and try again."
# Billing fields of the form: (input name, customerAddressType element, label).
_BILLING = (("first_name", "firstName", "First name"), ("last_name", "lastName", "Last name"),
            ("company", "company", "Company"), ("address", "address", "Address"), ("city", "city", "City"),
            ("state", "state", "State"), ("zip", "zip", "ZIP code"), ("country", "country", "Country"),
            ("phone", "phoneNumber", "Phone"))
_REQUIRED_BILLING = ("first_name", "last_name", "address", "city", "state", "zip")
# Form fields never kept, not even in the emulator's request log.
SECRET_FIELDS = ("card_number", "cvv")

# Saves a payment profile (customerPaymentProfileType) on a profile; raises AnetError when refused.
SaveCard = Callable[[str, Record], None]


@dataclass(slots=True)
class HostedSession:
    """What one token opens: a profile's add-payment page with the settings it was asked for."""

    profile_id: str
    settings: dict[str, str]
    expires: datetime

    def setting(self, name: str, default: str = "") -> str:
        return self.settings.get(name, default)

    def flag(self, name: str) -> bool:
        return self.settings.get(name, "").strip().lower() == "true"


class HostedPages:
    """Tokens handed out by getHostedProfilePageRequest and the page they open (in memory only)."""

    def __init__(self) -> None:
        self._sessions: dict[str, HostedSession] = {}

    def issue(self, profile_id: str, settings_element: object, now: datetime) -> str:
        """A new token for `profile_id` (E00013 for a setting the hosted page does not know)."""
        settings: dict[str, str] = {}
        items = settings_element.get("setting") if isinstance(settings_element, Mapping) else None
        for item in as_list(items):
            name = str(item.get("settingName") or "")
            if name not in HOSTED_SETTINGS:
                raise AnetError("E00013", f"Invalid setting name: {name}.")
            settings[name] = str(item.get("settingValue") or "")
        self._sessions = {t: s for t, s in self._sessions.items() if s.expires > now}  # forget expired ones
        token = secrets.token_urlsafe(96)
        self._sessions[token] = HostedSession(profile_id, settings, now + TOKEN_LIFETIME)
        return token

    def page(self, request: httpx.Request, now: datetime, save: SaveCard) -> httpx.Response:
        """Answer a POST to the add-payment page: the card form for a token, then the card itself."""
        form = dict(parse_qsl(request.content.decode("utf-8", "replace"), keep_blank_values=True))
        token = form.get("token", "")
        session = self._sessions.get(token)
        if session is None or session.expires <= now:
            self._sessions.pop(token, None)
            return _page(SESSION_GONE, body="")
        if "card_number" not in form:
            return _card_form(token, session, form, "")
        error = _card_error(session, form, now)
        if not error:
            try:
                save(session.profile_id, _payment_profile(session, form))
            except AnetError as refused:
                error = refused.text
        if error:
            return _card_form(token, session, form, error)
        del self._sessions[token]  # spent: the page cannot save a second card with it
        return_url = session.setting("hostedProfileReturnUrl")
        if return_url:
            return httpx.Response(303, headers={"location": return_url, "content-type": "text/html; charset=utf-8"},
                                  content=b"")
        return _page("", body='<p id="saved">The payment information was saved.</p>')


def redacted_form(body: bytes) -> bytes:
    """A card page's form body without the card number and code (what the request log may keep)."""
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return urlencode([(k, "[redacted]" if k in SECRET_FIELDS else v) for k, v in pairs]).encode()


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch not in " -")


def _card_error(session: HostedSession, form: Mapping[str, str], now: datetime) -> str:
    """The gateway's refusal of the typed card, or "" when it may be saved."""
    number = _digits(form.get("card_number", ""))
    if not (number.isdigit() and 13 <= len(number) <= 16 and luhn_ok(number)):
        return INVALID_NUMBER
    month, year = form.get("exp_month", "").strip(), form.get("exp_year", "").strip()
    if not (month.isdigit() and 1 <= int(month) <= 12 and year.isdigit() and len(year) in (2, 4)):
        return INVALID_EXPIRY
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    if (full_year, int(month)) < (now.year, now.month):  # a card is good to the end of its month
        return EXPIRED
    code = form.get("cvv", "").strip()
    if (code or session.flag("hostedProfileCardCodeRequired")) and not (code.isdigit() and 3 <= len(code) <= 4):
        return INVALID_CODE
    if session.flag("hostedProfileBillingAddressRequired"):
        labels = {name: label for name, _, label in _BILLING}
        missing = [labels[name] for name in _REQUIRED_BILLING if not form.get(name, "").strip()]
        if missing:
            return f"{missing[0]} is required."
    if session.setting("hostedProfileValidationMode") == "liveMode" and form.get("zip", "").strip() == DECLINE_ZIP:
        return DECLINED
    return ""


def _payment_profile(session: HostedSession, form: Mapping[str, str]) -> Record:
    """The customerPaymentProfileType the page saves (the number goes no further than the emulator's save)."""
    month, year = int(form["exp_month"]), form["exp_year"].strip()
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    bill_to = {element: form[name].strip() for name, element, _ in _BILLING if form.get(name, "").strip()}
    profile: Record = {"customerType": "individual"}
    if bill_to:
        profile["billTo"] = bill_to
    profile["payment"] = {"creditCard": {"cardNumber": _digits(form["card_number"]),
                                         "expirationDate": f"{full_year:04d}-{month:02d}"}}
    return profile


def _card_form(token: str, session: HostedSession, form: Mapping[str, str], error: str) -> httpx.Response:
    """The add-payment form, with what was typed (never the number or code) and the refusal, if any."""
    def field(name: str, label: str, value: str = "", kind: str = "text") -> str:
        return (f'<label>{html.escape(label)} <input type="{kind}" name="{name}" '
                f'value="{html.escape(value, quote=True)}" autocomplete="off"></label><br>')

    parts = [f'<form id="card-form" method="post" action="{ADD_PAYMENT_PATH}">',
             f'<input type="hidden" name="token" value="{html.escape(token, quote=True)}">',
             field("card_number", "Card number", kind="tel"),
             field("exp_month", "Expiration month (MM)", form.get("exp_month", "")),
             field("exp_year", "Expiration year (YYYY)", form.get("exp_year", "")),
             field("cvv", "Card code", kind="tel")]
    if session.setting("hostedProfileBillingAddressOptions", "showBillingAddress") != "showNone":
        parts += [field(name, label, form.get(name, "")) for name, _, label in _BILLING]
    button = session.setting("hostedProfileSaveButtonText") or "Save"
    parts.append(f'<button type="submit">{html.escape(button)}</button></form>')
    return_url = session.setting("hostedProfileReturnUrl")
    if return_url:
        text = session.setting("hostedProfileReturnUrlText") or "Cancel"
        parts.append(f'<p><a href="{html.escape(return_url, quote=True)}">{html.escape(text)}</a></p>')
    return _page(error, body="".join(parts))


def _page(error: str, *, body: str) -> httpx.Response:
    error_block = f'<p id="card-error" role="alert">{html.escape(error)}</p>' if error else ""
    document = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Add payment information"
                f"</title></head><body><h1>Add payment information</h1>{error_block}{body}</body></html>")
    # The page must not be cached or framed by another site, as a card page of a provider would say.
    headers = {"content-type": "text/html; charset=utf-8", "cache-control": "no-store",
               "x-frame-options": "SAMEORIGIN"}
    return httpx.Response(200, headers=headers, content=document.encode("utf-8"))
