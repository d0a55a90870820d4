"""What the account form shows and checks for each provider, so the dialog needs no provider code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from console.providers.base import Environment
from console.providers.registry import CredentialField, OptionField, ProviderInfo, provider, providers
from console.services.base_url import base_url_problem
from console.services.settings import AccountSettings


@dataclass(frozen=True, slots=True)
class ProviderForm:
    """One provider as the account form offers it: its secrets, options and environments."""

    key: str
    display_name: str
    credentials: tuple[CredentialField, ...]
    options: tuple[OptionField, ...]
    environments: tuple[Environment, ...]
    # The key typed decides test or live (Digital River), so the environment is not chosen.
    environment_from_key: bool


def _form(info: ProviderInfo) -> ProviderForm:
    return ProviderForm(key=info.key, display_name=info.display_name, credentials=info.credentials,
                        options=info.options, environments=info.environments,
                        environment_from_key=info.environment_from_credentials is not None)


def provider_forms() -> list[ProviderForm]:
    """Every provider an account can be added for, in menu order."""
    return [_form(info) for info in providers()]


def provider_form(key: str) -> ProviderForm:
    return _form(provider(key))


def default_base_url(account: AccountSettings) -> str:
    """The provider's address for the account's environment and options (when no override is set)."""
    return provider(account.provider).base_url(account.environment, account.options)


def environment_from_key(provider_key: str, typed: Mapping[str, str]) -> Environment | None:
    """The environment the typed credentials themselves name, where the provider's keys say so."""
    decide = provider(provider_key).environment_from_credentials
    return decide(typed) if decide is not None and typed else None


def account_problem(account: AccountSettings) -> str | None:
    """What must be fixed before the account can be saved or tested, or None."""
    if not account.name:
        return "Give every account a display name."
    if account.base_url and (problem := base_url_problem(account.base_url)):
        return f"{account.name}: {problem}"
    for option in provider(account.provider).options:
        if option.required and not account.options.get(option.key):
            return f"{account.name}: enter the {option.label}."
    return None
