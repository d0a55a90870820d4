"""The team's accounts (issue 22): a console in team mode lists its accounts in the team workspace, and
learns the ones it does not have yet, to add them with the same id and its own credentials."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from console.domain.shared_accounts import SharedAccount
from console.services.demo import DEMO_PREFIX
from console.services.settings import AccountSettings
from console.services.workspace import LocalWorkspace


def shared_from(account: AccountSettings, who: str) -> SharedAccount:
    """What the team is told of `account`: everything but its credentials (those are in the keychain)."""
    return SharedAccount(id=account.id, provider=account.provider, name=account.name,
                         environment=account.environment, base_url=account.base_url, options=dict(account.options),
                         shared_by=who)


def settings_from(shared: SharedAccount) -> AccountSettings:
    """The same account for this console, under the same id; credentials still to be entered."""
    return AccountSettings(id=shared.id, provider=shared.provider, name=shared.name,
                           environment="production" if shared.environment == "production" else "sandbox",
                           base_url=shared.base_url, options=dict(shared.options))


async def sync_team_accounts(workspace: LocalWorkspace, accounts: list[AccountSettings],
                             who: str) -> list[SharedAccount]:
    """List this console's accounts in the team workspace (demo accounts are each console's own); the team's
    accounts this console does not have."""
    from console.store import shared_accounts

    mine = [shared_from(account, who) for account in accounts if not account.id.startswith(DEMO_PREFIX)]
    have = {account.id for account in accounts}

    def sync(connection: Any) -> list[SharedAccount]:
        shared_accounts.publish(connection, mine, datetime.now(UTC))
        return [account for account in shared_accounts.listed(connection) if account.id not in have]

    return await workspace._run(workspace._write, sync)
