"""The accounts as the command line sees them: the ones configured under a config dir (the window's
settings and keychain entries), and the demo accounts as the window lists them, opened without a window.

    accounts = HeadlessAccounts.from_config(config_dir)
    account = accounts.find("Square (Demo)")          # HeadlessError naming the choices if none is
    async with accounts.opened(account) as session:
        customers = await load_customers(session)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from console.domain import errors as e
from console.domain.customer import Customer
from console.services.accounts import Account, AccountSession, all_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.paths import AppPaths
from console.services.secrets import MemorySecrets, SecretStore, default_secret_store
from console.services.settings import Settings, SettingsStore


class HeadlessError(Exception):
    """A problem a command reports in one line before exiting with status 2 (nothing was sent)."""


@dataclass
class HeadlessAccounts:
    """The accounts a command can name, and what opening them needs."""

    paths: AppPaths
    settings: Settings
    demo: DemoSandbox
    secrets: SecretStore | None = None   # the keychain, looked up when a configured account is opened
    transport: httpx.AsyncBaseTransport | None = None   # tests route configured accounts to an emulator
    notices: list[str] = field(default_factory=list)   # a settings file that could not be read, say

    @classmethod
    def from_config(cls, config_dir: Path | None = None, *, secrets: SecretStore | None = None) -> HeadlessAccounts:
        """The accounts of the settings under `config_dir` (the user's own directories when None)."""
        paths = AppPaths.resolve(config_dir)
        loaded = SettingsStore(paths.settings_file).load()
        accounts = cls(paths=paths, settings=loaded.settings, demo=DemoSandbox(paths.demo_dir), secrets=secrets)
        if loaded.problem:
            accounts.notices.append(loaded.problem)
        return accounts

    @property
    def accounts(self) -> list[Account]:
        """As the window's account selector lists them: configured ones, then the demos."""
        return all_accounts(self.settings, self.demo)

    def find(self, name: str) -> Account:
        return find_account(self.accounts, name)

    @contextlib.asynccontextmanager
    async def opened(self, account: Account) -> AsyncIterator[AccountSession]:
        """`account`'s session while the block runs; its connections closed (and demo data saved) after."""
        if self.secrets is None and not account.is_demo:
            self.secrets = default_secret_store()
        session = await open_session(account, secrets=self.secrets or MemorySecrets(), demo=self.demo,
                                     transport=self.transport)
        try:
            yield session
        finally:
            await session.aclose()
            self.demo.flush()


def find_account(accounts: list[Account], name: str) -> Account:
    """The account named `name` (or with that id); case does not matter when only one matches."""
    for found in ([a for a in accounts if name in (a.name, a.id)],
                  [a for a in accounts if a.name.casefold() == name.strip().casefold()]):
        if len(found) == 1:
            return found[0]
    names = ", ".join(f'"{a.name}"' for a in accounts)
    raise HeadlessError(f'no account is named "{name}" (the accounts are {names})')


async def load_customers(session: AccountSession) -> list[Customer]:
    """Every customer of the open account, in the order the provider lists them.

    Raises the ConsoleError that stopped the load, or the first of the customers that could not be read:
    a command must not act on part of an account as if it were the whole."""
    progress = await session.service.load()
    if progress.failures:
        first = progress.failures[0]
        raise e.ConsoleError(f"{len(progress.failures)} customer(s) of {session.account.name} could not be read: "
                          f"{first.message}", provider=first.provider)
    return list(session.service.index)


def one_line(error: BaseException) -> str:
    """An error as one line for the command line: the message a person acts on."""
    text = error.message if isinstance(error, e.ConsoleError) else (
        getattr(error, "strerror", None) or str(error) or type(error).__name__)
    return " ".join(str(text).split())
