"""Which providers exist, how to configure an account for each, and how to build its client.

Provider modules are listed statically (not discovered) so a frozen build finds them and the
order of the "Add account" list is stable. Each package's `__init__` imports only its capabilities
(where its `INFO` is); the client, its wire models and mapping are imported when first used
(`ProviderInfo.client`, `lazy_exports`): the account list needs every provider's description at
start-up, and importing all five clients' pydantic models then cost 45 ms of the window's building.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from console.domain.capabilities import Capabilities
from console.providers.base import CustomerProvider, Environment

PROVIDER_MODULES: tuple[str, ...] = (
    "console.providers.square",
    "console.providers.authorize_net",
    "console.providers.clover",
    "console.providers.payarc",
    "console.providers.digital_river",
)


@dataclass(frozen=True, slots=True)
class CredentialField:
    """A secret the account needs (kept in the OS keychain, never in settings)."""

    key: str
    label: str
    help: str | None = None
    # False: the account works without it; only a feature that needs it asks (CardFormSpec.required_credentials).
    required: bool = True


@dataclass(frozen=True, slots=True)
class OptionField:
    """A non-secret per-account setting (merchant id, region...), saved in settings."""

    key: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    default: str | None = None
    help: str | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    """Everything the app needs to offer, configure and open accounts of one provider."""

    key: str
    capabilities: Capabilities
    client_path: str   # "module:Class" of its CustomerProvider, imported on first use (`client`)
    credentials: tuple[CredentialField, ...]
    base_url: Callable[[Environment, Mapping[str, Any]], str]
    options: tuple[OptionField, ...] = ()
    environments: tuple[Environment, ...] = ("sandbox", "production")
    # Where the credentials themselves decide the environment (a key's test/live prefix).
    environment_from_credentials: Callable[[Mapping[str, str]], Environment | None] | None = None

    @property
    def display_name(self) -> str:
        return self.capabilities.display_name

    @property
    def client(self) -> type[CustomerProvider]:
        """The provider's client class, its module imported now if it was not yet."""
        module, _, name = self.client_path.partition(":")
        client: type[CustomerProvider] = getattr(importlib.import_module(module), name)
        return client


BaseUrl = Callable[[Environment, Mapping[str, Any]], str]


def by_environment(*, production: str, sandbox: str) -> BaseUrl:
    """The base URL rule of a provider with one production host and one sandbox host."""
    def base_url(environment: Environment, options: Mapping[str, Any]) -> str:
        return production if environment == "production" else sandbox
    return base_url


def lazy_exports(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A provider package's module `__getattr__` (PEP 562): each of `names` taken from the package's
    submodule it maps to, imported on first use (the package's `TYPE_CHECKING` imports name them for mypy)."""
    def __getattr__(name: str) -> Any:
        submodule = names.get(name)
        if submodule is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{submodule}"), name)
    return __getattr__


@cache
def _load() -> dict[str, ProviderInfo]:
    infos: dict[str, ProviderInfo] = {}
    for module_name in PROVIDER_MODULES:
        info: ProviderInfo = importlib.import_module(module_name).INFO
        infos[info.key] = info
    return infos


def providers() -> list[ProviderInfo]:
    """Every registered provider, in menu order."""
    return list(_load().values())


def provider(key: str) -> ProviderInfo:
    try:
        return _load()[key]
    except KeyError:
        raise KeyError(f"no provider called {key!r}; known: {', '.join(_load())}") from None
