"""The accounts the window can open (configured ones and the built-in demos) and opening them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import httpx

from console.domain import errors as e
from console.providers.base import CustomerProvider, Environment, ProviderConfig
from console.providers.http import DEFAULT_TIMEOUT
from console.providers.registry import ProviderInfo, provider, providers
from console.services.customer_service import CustomerService
from console.services.demo import DemoSandbox
from console.services.redaction import REDACTOR
from console.services.secrets import SecretStore, get_secret
from console.services.settings import AccountSettings, Settings

DEMO_PREFIX = "demo:"


@dataclass(frozen=True, slots=True)
class Account:
    """An account as the account selector lists it."""

    id: str
    info: ProviderInfo
    name: str
    environment: Environment
    settings: AccountSettings | None = None   # None for the built-in demo accounts

    @property
    def is_demo(self) -> bool:
        return self.settings is None

    @property
    def read_only(self) -> bool:
        return bool(self.settings and self.settings.read_only)


def demo_accounts(demo: DemoSandbox) -> list[Account]:
    """One demo account per provider that has an emulator, in the providers' menu order."""
    available = set(demo.providers())
    return [Account(id=DEMO_PREFIX + info.key, info=info, name=f"{info.display_name} (Demo)",
                    environment="demo")
            for info in providers() if info.key in available]


def configured_accounts(settings: Settings) -> list[Account]:
    known = {info.key for info in providers()}
    return [Account(id=a.id, info=provider(a.provider), name=a.name, environment=a.environment, settings=a)
            for a in settings.accounts if a.provider in known]


def all_accounts(settings: Settings, demo: DemoSandbox) -> list[Account]:
    """Configured accounts first, then the demos (always when nothing is configured)."""
    configured = configured_accounts(settings)
    if configured and not settings.show_demo_accounts:
        return configured
    return configured + demo_accounts(demo)


class AccountSession:
    """An open account: its HTTP client, provider client and customer service."""

    def __init__(self, account: Account, client: httpx.AsyncClient, provider_client: CustomerProvider,
                 environment: Environment) -> None:
        self.account = account
        self.client = client
        self.provider = provider_client
        self.environment = environment
        self.service = CustomerService(provider_client, read_only=account.read_only)

    async def aclose(self) -> None:
        await self.client.aclose()


async def account_credentials(account: Account, secrets: SecretStore) -> dict[str, str]:
    assert account.settings is not None
    values: dict[str, str] = {}
    for cred in account.info.credentials:
        value = await get_secret(secrets, account.settings.id, cred.key)
        if value:
            values[cred.key] = value
    return values


async def open_session(account: Account, *, secrets: SecretStore, demo: DemoSandbox,
                       transport: httpx.AsyncBaseTransport | None = None,
                       credentials: dict[str, str] | None = None) -> AccountSession:
    """Build the client for `account`: the emulator for demos, the network (or `transport`) else.

    `credentials` replaces the stored ones (the account dialog tests what was just typed).
    """
    info = account.info
    environment: Environment = account.environment
    options: dict[str, Any]
    if account.is_demo:
        # Seeding the demo data (about 20 ms for 1,000 customers) stays on this thread: Python's
        # garbage collector can run inside a worker that allocates this much, and would then
        # destroy stray Qt objects off the GUI thread.
        connection = demo.connection(info.key)
        base_url = connection.pop("base_url")
        connection.pop("provider", None)
        credentials = {k: str(v) for k, v in connection.items()}
        options = {k: credentials[k] for k in (o.key for o in info.options) if k in credentials}
        transport = demo.transport(info.key)
    else:
        assert account.settings is not None
        if credentials is None:
            credentials = await account_credentials(account, secrets)
        missing = [c.label for c in info.credentials if c.key not in credentials]
        if missing:
            raise e.AuthenticationError(f"No {', '.join(missing)} stored for {account.name}. "
                                        "Enter it in Accounts.", provider=info.display_name)
        options = dict(account.settings.options)
        base_url = account.settings.base_url or info.base_url(environment, options)
        if info.environment_from_credentials is not None:
            environment = info.environment_from_credentials(credentials) or environment
    REDACTOR.add(credentials.values())
    client = httpx.AsyncClient(transport=transport, timeout=DEFAULT_TIMEOUT, follow_redirects=False)
    try:
        config = ProviderConfig(base_url=base_url, credentials=credentials,
                                environment="sandbox" if environment == "demo" else environment,
                                options=options)
        provider_client = info.client(config, client)
    except BaseException:
        with contextlib.suppress(Exception):
            await client.aclose()
        raise
    return AccountSession(account, client, provider_client, environment)
