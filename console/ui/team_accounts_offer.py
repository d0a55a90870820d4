"""Joining a team workspace (issue 22): this console's accounts are listed for the team, and the team's
accounts it does not have are offered, to add with the same id and the staff member's own credentials."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from console.services.settings import AccountSettings
from console.services.team_accounts import settings_from, sync_team_accounts
from console.ui.async_qt import Yes, ask

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


async def offer_team_accounts(window: MainWindow) -> list[AccountSettings]:
    """Share this console's accounts with the team; ask whether to add the team's others here. What was added."""
    context, tr = window.context, window.tr
    workspace = context.workspace
    if workspace.team is None or not await workspace.ready():
        return []
    missing = await sync_team_accounts(workspace, context.settings.accounts, context.journal.author.who)
    if not missing:
        return []
    listing = "\n".join(tr("• {0} ({1}, {2}), shared by {3}").format(
        account.name, account.provider, account.environment, account.shared_by or tr("someone")) for account in missing)
    answer = await ask(
        window, tr("Team accounts"),
        tr("Your team works with {0} accounts this computer does not have yet.").format(len(missing)),
        informative=listing + "\n\n" + tr(
            "Add them here? Each needs your own credentials, entered in File → Accounts…: the team workspace "
            "keeps none. Until then you can read the team's copy of its customers."),
        labels={Yes: tr("Add them"), QMessageBox.StandardButton.No: tr("Not now")})
    if answer != Yes:
        return []
    added = [settings_from(account) for account in missing]
    context.settings.accounts.extend(added)
    window.preferences.save()
    window.switching.reload()
    window.statusBar().showMessage(
        tr("Added {0} team accounts: enter your credentials for them in File → Accounts….").format(len(added)), 10000)
    return added
