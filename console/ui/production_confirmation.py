"""Asking before the first change to a production account. Whether it was already agreed in this app
session is kept by the services (`WriteConfirmations`); the window only asks."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from console.services.accounts import AccountSession
from console.ui.async_qt import No, Yes, ask


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
