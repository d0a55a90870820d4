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
from console.services.accounts import AccountSession, all_accounts, open_session
from console.services.context import AppContext
from console.services.demo import DemoSandbox
from console.services.headless import find_account, load_customers
from console.services.paths import AppPaths
from console.services.secrets import SecretStore, default_secret_store
from console.services.settings import SettingsStore


@dataclass
class OpenedAccount:
    """An account open for writing: the app's context and the account's session."""

    context: AppContext
    session: AccountSession

    async def customers(self) -> list[Customer]:
        """Every customer of the account as the provider lists it now; a partial read is refused."""
        return await load_customers(self.session)


@contextlib.asynccontextmanager
async def writable_account(config_dir: Path | None, name: str, *, secrets: SecretStore | None = None,
                           transport: httpx.AsyncBaseTransport | None = None) -> AsyncIterator[OpenedAccount]:
    """The account named `name` under `config_dir`, open with its workspace (journal and jobs) while the
    block runs; closed, and demo data saved, after. Raises HeadlessError, or a ConsoleError when
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
