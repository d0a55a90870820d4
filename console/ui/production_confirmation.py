"""Asking before the first change to a production account, and before a job naming the accounts it
writes to. Whether it was already agreed in this app session is kept by the services
(`WriteConfirmations`); the window only asks."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

from console.services.accounts import AccountSession
from console.ui.async_qt import No, Yes, ask
from console.ui.wording import count_of


def ask_before_production_writes(parent: QWidget, session: AccountSession) -> None:
    """Have the session's service ask in `parent` before its first write, if the account is live."""
    if session.environment == "production":
        name = session.account.name
        session.service.confirm_first_write = lambda: confirm_production_write(parent, name)


async def confirm_production_write(parent: QWidget, account_name: str) -> bool:
    """Whether the user agrees to change live data in `account_name`."""
    tr = parent.tr
    answer = await ask(
        parent, tr("Change live data?"),
        tr("{0} is a PRODUCTION account: changes affect real customers.").format(account_name),
        informative=tr("This is the first change to {0} in this session. Go ahead? You will not "
                       "be asked again until the app is restarted.").format(account_name),
        icon=QMessageBox.Icon.Warning,
        labels={Yes: tr("Change live data"), No: tr("Don't change it")})
    return answer == QMessageBox.StandardButton.Yes


async def confirm_accounts(parent: QWidget, title: str, question: str,
                           touched: Sequence[tuple[AccountSession, int]], *, go: str, details: str = "") -> bool:
    """Ask before a job (bulk change, bulk delete, copy) naming every account it writes to with its
    count of customers, production accounts listed again on their own. Yes counts as the first-write
    confirmation of those production accounts, so their jobs do not stop to ask again."""
    tr = parent.tr
    lines = [f"• {session.account.name} [{session.environment.upper()}]: "
             f"{count_of(count, tr('customer'), tr('customers'))}" for session, count in touched]
    live = [session for session, _count in touched if session.environment == "production"]
    if live:
        lines += ["", tr("PRODUCTION (live data, real customers): {0}").format(
            ", ".join(session.account.name for session in live))]
    if details:
        lines += ["", details]
    answer = await ask(parent, title, question, informative="\n".join(lines), icon=QMessageBox.Icon.Warning,
                       labels={Yes: go, No: tr("Cancel")})
    if answer != Yes:
        return False
    for session in live:
        session.service.confirmations.record(session.account.id)
    return True
