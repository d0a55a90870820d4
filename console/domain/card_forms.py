"""Adding a card on file through the provider's own hosted form, so the console never sees a card number.

A provider client describes how the one-time loopback page hosts its form (`HostedCardForm`); the
page sends the person to the provider (or runs the provider's tokenizer), and the provider, or the
page, comes back to the loopback callback with a token or a bare completion. Only those fields
(`CardFormCompletion`) ever reach the console.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    # Validators built at first use (pydantic locks that build): a start needs none of these (P1b).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class CardFormKind(StrEnum):
    """How the loopback page hosts the provider's form."""

    # The page submits `fields` to `action` (Authorize.net's Accept Customer page, an emulator's form);
    # the provider's page then returns the browser to the callback URL it was given.
    SUBMIT = "submit"
    # The page loads the provider's tokenizer (`scripts`) and runs `script`, which calls the page's
    # `completeCardForm({...})` with the token; the page posts that to the callback.
    SCRIPT = "script"


class HostedCardForm(_Frozen):
    """What the loopback page shows to host one provider's card form."""

    kind: CardFormKind
    title: str                               # e.g. "Add a card for Ada Lovelace at Square"
    action: str = ""                         # SUBMIT: the provider page the form goes to
    method: str = "POST"                     # SUBMIT: "POST" or "GET"
    fields: dict[str, str] = {}              # SUBMIT: hidden fields (a hosted-page token, the return URL)
    scripts: tuple[str, ...] = ()            # SCRIPT: the provider's script URLs
    script: str = ""                         # SCRIPT: JS mounting the form into `#card-form`
    # Origins the page may load from and talk to (its Content-Security-Policy), beyond itself.
    origins: tuple[str, ...] = ()


class CardFormCompletion(_Frozen):
    """What came back to the callback, without `state`: a token id or nothing (the provider saved it)."""

    fields: dict[str, str] = {}


class CardFormSpec(_Frozen):
    """How staff add a card on file at one provider (`Capabilities.card_form`)."""

    # False: the provider has no hosted form or tokenizer; Add card opens its dashboard and says `note`.
    hosted: bool = True
    note: str = ""
    # Account options (`OptionField` keys) a real account needs for the form, e.g. Square's
    # application and location ids; their absence is explained instead of opening the form.
    required_options: tuple[str, ...] = ()
    # Credentials (keychain keys) the attach call needs beyond the account's usual ones.
    required_credentials: tuple[str, ...] = ()
    # The provider has a default card, so a new card can be made (or a replacement becomes) the default.
    has_default: bool = True
