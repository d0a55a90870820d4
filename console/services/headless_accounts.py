"""An account opened for writing without a window (the `import` command): the settings, keychain,
demo data and workspace of a config dir, the account found by name, its writes journaled and its
jobs kept in the workspace as the window's are.

    async with writable_account(config_dir, "Clover (Demo)") as opened:
        customers = await opened.customers()
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from console.domain import errors as e
from console.domain.customer import Customer
from console.services.accounts import Account, AccountSession, all_accounts, open_session
from console.services.context import AppContext
from console.services.demo import DemoSandbox
from console.services.paths import AppPaths
from console.services.secrets import SecretStore, default_secret_store
from console.services.settings import SettingsStore


class AccountChoiceError(Exception):
    """No account (or more than one) has the name asked for; the message lists the names there are."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def find_account(accounts: list[Account], name: str) -> Account:
    """The account named `name` (or with that id); case does not matter when only one matches."""
    for found in ([a for a in accounts if name in (a.name, a.id)],
                  [a for a in accounts if a.name.casefold() == name.strip().casefold()]):
        if len(found) == 1:
            return found[0]
    names = ", ".join(f"“{a.name}”" for a in accounts)
    raise AccountChoiceError(f"No account is named “{name}” (the accounts are {names}).")


@dataclass
class OpenedAccount:
    """An account open for writing: the app's context and the account's session."""

    context: AppContext
    session: AccountSession

    async def customers(self) -> list[Customer]:
        """Every customer of the account as the provider lists it now; a partial read is refused."""
        progress = await self.session.service.load()
        if progress.failures:
            first = progress.failures[0]
            raise e.ConsoleError(f"{len(progress.failures)} customer(s) of {self.session.account.name} could not "
                                 f"be read: {first.message}", provider=first.provider)
        return list(self.session.service.index)


@contextlib.asynccontextmanager
async def writable_account(config_dir: Path | None, name: str, *, secrets: SecretStore | None = None,
                           transport: httpx.AsyncBaseTransport | None = None) -> AsyncIterator[OpenedAccount]:
    """The account named `name` under `config_dir`, open with its workspace (journal and jobs) while the
    block runs; closed, and demo data saved, after. Raises AccountChoiceError, or a ConsoleError when
    the account or the workspace cannot be opened."""
    paths = AppPaths.resolve(config_dir)
    store = SettingsStore(paths.settings_file)
    context = AppContext(paths=paths, store=store, settings=store.load().settings,
                         secrets=secrets or default_secret_store(), demo=DemoSandbox(paths.demo_dir),
                         transport=transport)
    account = find_account(all_accounts(context.settings, context.demo), name)
    context.workspace.start()
    try:
        if not await context.workspace.ready():
            raise e.ConsoleError(f"The workspace database cannot be opened: {context.workspace.notice or 'unknown'}")
        session = await open_session(account, secrets=context.secrets, demo=context.demo, transport=transport,
                                     confirmations=context.confirmations, workspace=context.workspace)
        session.service.journal = context.journal.for_account(account.id, account.name, account.info.key)
        try:
            yield OpenedAccount(context, session)
        finally:
            await session.aclose()
            context.demo.flush()
    finally:
        await context.workspace.close()
