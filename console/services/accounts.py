"""The accounts the window can open (configured ones and the built-in demos) and opening them."""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.domain import errors as e
from console.providers.base import CustomerProvider, Environment, ProviderConfig
from console.providers.registry import ProviderInfo, provider, providers
from console.services.account_forms import account_problem, default_base_url
from console.services.base_url import Override, check_base_url, classify_override
from console.services.context import AppContext
from console.services.custom_field_service import CustomFieldService
from console.services.customer_service import CustomerService
from console.services.deferred_provider import DeferredProvider
from console.services.demo import DEMO_PREFIX, DemoSandbox
from console.services.redaction import REDACTOR
from console.services.secrets import SecretStore, delete_legacy_secret, delete_secret, get_secret, set_secret
from console.services.settings import AccountSettings, Settings
from console.services.workspace import LocalWorkspace
from console.services.write_confirmation import WriteConfirmations

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

# The account selector's All accounts entry: also the last view kept in the settings, and the key of
# its column layout and filters.
ALL_ACCOUNTS = "all-accounts"


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

    def __init__(self, account: Account, client: httpx.AsyncClient | None,
                 provider_client: CustomerProvider | DeferredProvider, environment: Environment,
                 override: Override | None = None, confirmations: WriteConfirmations | None = None,
                 workspace: LocalWorkspace | None = None) -> None:
        """`provider_client`: the client, or one built at first need (`open_session`'s); `client`: its
        HTTP client, None where the provider client makes its own as it is built (a demo account's)."""
        self.account = account
        self._client = client
        # The environment writes are treated as: production too when an override points elsewhere.
        self.environment = environment
        self.override = override
        self.service = CustomerService(
            provider_client, read_only=account.read_only, account_id=account.id, confirmations=confirmations,
            local=workspace.for_account(account.id, account.info.key) if workspace is not None else None,
            capabilities=account.info.capabilities)
        self.custom_fields = CustomFieldService(self.service)

    @property
    def provider(self) -> CustomerProvider:
        """The account's provider client (built now if nothing has asked for it yet: `CustomerService.provider`)."""
        return self.service.provider

    @property
    def client(self) -> httpx.AsyncClient | None:
        """The account's HTTP client: None while a demo account's provider client, which makes its own, is not
        built yet."""
        if self._client is None and self.service.provider_built:
            return self.service.provider.client
        return self._client

    async def aclose(self) -> None:
        if (client := self.client) is not None:
            await client.aclose()

    async def test_connection(self) -> None:
        """Ask the provider whether it accepts the credentials; raises the ConsoleError it answers with."""
        await (await self.service.provider_ready()).test_connection()


async def stored_credentials(settings: AccountSettings, secrets: SecretStore) -> dict[str, str]:
    """The account's credentials from the keychain, for its current provider."""
    values: dict[str, str] = {}
    for cred in provider(settings.provider).credentials:
        value = await get_secret(secrets, settings.id, settings.provider, cred.key)
        if value:
            values[cred.key] = value
    return values


def effective_base_url(settings: AccountSettings) -> str:
    """Where the account's requests go: its override, else the provider's URL for its environment."""
    return settings.base_url or default_base_url(settings)


async def stored_credential_keys(settings: AccountSettings, secrets: SecretStore) -> set[str]:
    """Which of the account's credentials the keychain holds (the form says so, never shows them)."""
    return set(await stored_credentials(settings, secrets))


async def credentials_for_test(draft: AccountSettings, saved: AccountSettings | None,
                               typed: dict[str, str], secrets: SecretStore) -> dict[str, str]:
    """What Test connection may send: what was typed, and stored secrets only to where they were saved for.

    A stored secret goes nowhere but the provider and URL it was saved with; testing an edited URL
    (or environment, or provider) needs the secret typed again.
    """
    same_target = (saved is not None and saved.provider == draft.provider
                   and effective_base_url(saved) == effective_base_url(draft))
    stored = await stored_credentials(saved, secrets) if saved is not None and same_target else {}
    values = {**stored, **{k: v for k, v in typed.items() if v}}
    info = provider(draft.provider)
    missing = [c.label for c in info.credentials if c.required and c.key not in values]
    if missing and saved is not None and not same_target and await stored_credentials(saved, secrets):
        raise e.AuthenticationError(
            f"The address or provider differs from the saved one, so the stored credentials are not sent "
            f"to it. Type the {', '.join(missing)} again to test this connection.", provider=info.display_name)
    return values


async def check_connection(context: AppContext, draft: AccountSettings, typed: Mapping[str, str]) -> Environment:
    """Test connection for an account being edited; returns the environment it connected as.

    Checks the draft first, and sends stored secrets only where `credentials_for_test` allows.
    """
    if problem := account_problem(draft):
        raise e.InvalidInputError(problem)
    saved = next((a for a in context.settings.accounts if a.id == draft.id), None)
    credentials = await credentials_for_test(draft, saved, dict(typed), context.secrets)
    account = Account(id=draft.id, info=provider(draft.provider), name=draft.name,
                      environment=draft.environment, settings=draft)
    session = await open_session(account, secrets=context.secrets, demo=context.demo,
                                 transport=context.transport, credentials=credentials)
    try:
        await session.test_connection()
    finally:
        await session.aclose()
    return session.environment


async def save_accounts(context: AppContext, edited: list[AccountSettings], typed: dict[str, dict[str, str]],
                        *, show_demo: bool) -> str | None:
    """Save the edited account list: keychain first, then the settings file.

    Raises a ConsoleError when nothing was saved; returns a message when only the settings file failed.
    """
    try:
        await save_account_changes(context, edited, typed)
    except e.ConsoleError:
        raise
    except Exception as exc:  # keyring backends raise their own error types
        log.warning("keychain write failed: %s", type(exc).__name__)
        raise e.ConsoleError(f"The keychain refused to store the credentials ({type(exc).__name__}). "
                             "Nothing was saved.") from exc
    context.settings.accounts = [copy.deepcopy(a) for a in edited]
    context.settings.show_demo_accounts = show_demo
    return context.save_settings()


async def save_account_changes(context: AppContext, edited: list[AccountSettings],
                               typed: dict[str, dict[str, str]]) -> None:
    """Store typed secrets and clean up after accounts removed or moved to another provider.

    A removed account leaves nothing behind: its secrets (for every provider), its drafts, its
    start snapshot and its rows in the workspace database go. An account whose provider changed
    loses the old provider's secrets and rows. The settings themselves are the caller's to save.
    """
    secrets = context.secrets
    saved = context.settings.accounts
    for account in edited:
        if account.base_url:
            check_base_url(account.base_url, account_name=account.name)
    before = {a.id: a for a in saved}
    after = {a.id: a for a in edited}
    for account in edited:
        for key, value in typed.get(account.id, {}).items():
            if value:
                await set_secret(secrets, account.id, account.provider, key, value)
    for account_id, old in before.items():
        new = after.get(account_id)
        if new is not None and new.provider == old.provider:
            continue
        for info in providers():
            if new is not None and info.key == new.provider:
                continue
            for cred in info.credentials:
                await delete_secret(secrets, account_id, info.key, cred.key)
                await delete_legacy_secret(secrets, account_id, cred.key)
        await context.workspace.delete_account(account_id)
        if new is None:
            context.drafts.discard_account(account_id)   # its start view went with its rows (delete_account)


def _http_client(transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    """An account's HTTP client (`transport`: None for the network)."""
    # httpx is imported here rather than with this module: a warm start shows a demo account's local copy
    # without it (about 60 ms of imports); the demo's client is made with its provider client, when needed.
    import httpx

    from console.providers.http import DEFAULT_TIMEOUT

    return httpx.AsyncClient(transport=transport, timeout=DEFAULT_TIMEOUT, follow_redirects=False)


async def open_session(account: Account, *, secrets: SecretStore, demo: DemoSandbox,
                       transport: httpx.AsyncBaseTransport | None = None,
                       credentials: dict[str, str] | None = None,
                       confirmations: WriteConfirmations | None = None,
                       workspace: LocalWorkspace | None = None) -> AccountSession:
    """Build the client for `account`: the emulator for demos, the network (or `transport`) else.

    `credentials` replaces the stored ones (the account dialog tests what was just typed);
    `confirmations` is the app's record of production accounts already confirmed for writing;
    `workspace`, where given and open, keeps the account's customers.
    """
    info = account.info
    environment: Environment = account.environment
    override: Override | None = None
    options: dict[str, Any]
    if account.is_demo:
        # The emulator (its data read or seeded: 20-60 ms) and the client's modules are made when the
        # client is first needed (DeferredProvider): a warm start shows the local copy before.
        def demo_client() -> CustomerProvider:
            client = _http_client(demo.transport(info.key))
            connection = demo.connection(info.key)
            base_url = connection.pop("base_url")
            connection.pop("provider", None)
            credentials = {k: str(v) for k, v in connection.items()}
            REDACTOR.add(credentials.values())
            options = {k: credentials[k] for k in (o.key for o in info.options) if k in credentials}
            return info.client(ProviderConfig(base_url=base_url, credentials=credentials, environment="sandbox",
                                              options=options), client)

        return AccountSession(account, None, DeferredProvider(demo_client), environment,
                              confirmations=confirmations, workspace=workspace)
    assert account.settings is not None
    if account.settings.base_url:
        # Every path (the dialog, a hand-edited settings file, Test connection) passes here.
        check_base_url(account.settings.base_url, account_name=account.name)
    if credentials is None:
        credentials = await stored_credentials(account.settings, secrets)
    missing = [c.label for c in info.credentials if c.required and c.key not in credentials]
    if missing:
        raise e.AuthenticationError(f"No {', '.join(missing)} stored for {account.name}. "
                                    "Enter it in Accounts.", provider=info.display_name)
    options = dict(account.settings.options)
    base_url = account.settings.base_url or info.base_url(environment, options)
    if info.environment_from_credentials is not None:
        environment = info.environment_from_credentials(credentials) or environment
    if account.settings.base_url:
        override = classify_override(info, account.settings.base_url, environment)
    REDACTOR.add(credentials.values())
    client = _http_client(transport)
    try:
        # Built now, unlike a demo's: a client may refuse its settings (Clover without a merchant id), which
        # opening the account says.
        provider_client = info.client(ProviderConfig(
            base_url=base_url, credentials=credentials, environment="sandbox" if environment == "demo" else environment,
            options=options), client)
    except BaseException:
        with contextlib.suppress(Exception):
            await client.aclose()
        raise
    return AccountSession(account, client, provider_client,
                          override.environment if override is not None else environment, override,
                          confirmations=confirmations, workspace=workspace)
