"""Accept Customer, Authorize.net's hosted form for adding a card to a customer profile.

`getHostedProfilePageRequest` gives a token for one profile; the browser posts it to the
`addPayment` page of the account's environment, the person types the card there, Authorize.net saves
it as a payment profile and links back to `hostedProfileReturnUrl`. Nothing comes back but the
visit, so the console re-reads the profile to see the new card.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.domain import errors as e
from console.domain.card_forms import CardFormKind, HostedCardForm
from console.domain.customer import Customer, display_name
from console.providers.authorize_net.capabilities import CAPABILITIES, MAX_PAYMENT_PROFILES, NAME
from console.providers.base import Environment

FORM_HOSTS = {"production": "https://accept.authorize.net", "sandbox": "https://test.authorize.net"}
ADD_PAYMENT_PATH = "/customer/addPayment"
RETURN_TEXT = "Back to Customer Console"


def form_host(environment: Environment, form_origin: str | None) -> str:
    """Where the hosted form lives: the emulator's address when given, else the environment's host."""
    if form_origin:
        return form_origin.rstrip("/")
    return FORM_HOSTS["production" if environment == "production" else "sandbox"]


def check_room(customer: Customer) -> None:
    """InvalidInputError when the profile is full: the form would only refuse the card after it was typed."""
    if len(customer.payment_methods) >= MAX_PAYMENT_PROFILES:
        raise e.InvalidInputError(f"This profile already has {MAX_PAYMENT_PROFILES} payment profiles, the most "
                                  f"{NAME} keeps. Delete one before adding a card.", provider=NAME)


def page_settings(return_url: str) -> dict[str, Any]:
    """hostedProfileSettings for adding one card and coming back to `return_url` (settingNameEnum names)."""
    settings = (
        ("hostedProfileReturnUrl", return_url),
        ("hostedProfileReturnUrlText", RETURN_TEXT),
        # A page of its own (not an iframe) shows its border and heading.
        ("hostedProfilePageBorderVisible", "true"),
        # A $0.00/$0.01 authorization, voided at once: a declined or closed card is not saved.
        ("hostedProfileValidationMode", "liveMode"),
        ("hostedProfileCardCodeRequired", "true"),
        ("hostedProfilePaymentOptions", "showCreditCard"),
        ("hostedProfileBillingAddressOptions", "showBillingAddress"),
    )
    return {"setting": [{"settingName": name, "settingValue": value} for name, value in settings]}


def hosted_form(customer: Customer, token: str, host: str) -> HostedCardForm:
    """The SUBMIT form that takes the browser, with the token, to the add-payment page."""
    name = display_name(customer, CAPABILITIES.name_fields) or f"profile {customer.id}"
    return HostedCardForm(kind=CardFormKind.SUBMIT, title=f"Add a card for {name} at {NAME}",
                          action=host + ADD_PAYMENT_PATH, method="POST", fields={"token": token}, origins=(host,))


def page_token(body: Any) -> str:
    token = body.get("token") if isinstance(body, Mapping) else None
    if not isinstance(token, str) or not token:
        raise e.ProtocolError(f"{NAME} did not send a token for its hosted form.", field="token", provider=NAME)
    return token


def new_card(before: Customer, after: Customer) -> Customer:
    """`after` when it holds a payment profile `before` did not; else a ConsoleError that says so."""
    known = {method.id for method in before.payment_methods}
    if any(method.id not in known for method in after.payment_methods):
        return after
    raise e.ConsoleError(f"No new card is on the profile at {NAME}: the form was closed or the card was not "
                         "saved there. Nothing was added.", provider=NAME)
