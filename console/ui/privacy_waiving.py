"""Going on without an account that could not be searched: staff give the reason, which the receipt keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QLineEdit

from console.ui.async_qt import wait_signal

if TYPE_CHECKING:
    from console.ui.privacy_dialog import PrivacyDialog


async def waive_flow(dialog: PrivacyDialog) -> None:
    """Ask why the current account need not be searched, and record the waiver."""
    account, result = dialog.results.current_account(), dialog.results.result
    if account is None or result is None or account.searched:
        return
    tr = dialog.tr
    ask = QInputDialog(dialog)
    ask.setObjectName("waiveReason")
    ask.setWindowTitle(tr("Waive searching {0}").format(account.account.name))
    ask.setLabelText(tr("{0} could not be searched ({1}).\nWhy can this request go on without it?").format(
        account.account.name, account.how))
    ask.setTextEchoMode(QLineEdit.EchoMode.Normal)
    ask.open()
    (code,) = await wait_signal(ask.finished)
    reason = ask.textValue().strip()
    ask.deleteLater()
    if not code:
        return
    if not reason:
        dialog.status.setText(tr("A waiver needs a reason; {0} is still not searched.").format(account.account.name))
        return
    result.waive(account.account.id, reason)
    dialog.results.refresh_states()
    dialog.status.setText(tr("{0} waived: {1}").format(account.account.name, reason))
    dialog.update_buttons()
