"""Asking which account a new customer goes to (the All accounts view shows several)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from console.services.accounts import AccountSession
from console.ui.async_qt import wait_signal
from console.ui.provider_icons import provider_icon


class AccountChoice(QDialog):
    """A list of accounts to pick one from (Enter or double-click picks, Escape cancels)."""

    def __init__(self, sessions: list[AccountSession], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountChoice")
        self.setWindowTitle(self.tr("New customer"))
        self.sessions = sessions
        self.list = QListWidget(self)
        self.list.setObjectName("accountChoiceList")
        for session in sessions:
            item = QListWidgetItem(provider_icon(session.account.info.key),
                                   f"{session.account.name}  [{session.environment.upper()}]")
            item.setData(Qt.ItemDataRole.UserRole, session.account.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create here"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Which account should the new customer be created in?"), self))
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.list.setFocus()

    def chosen(self) -> AccountSession | None:
        row = self.list.currentRow()
        return self.sessions[row] if 0 <= row < len(self.sessions) else None


async def choose_account(parent: QWidget, sessions: list[AccountSession]) -> AccountSession | None:
    """The account the user picks among `sessions`, or None (cancelled, or there is none to pick)."""
    if not sessions:
        return None
    dialog = AccountChoice(sessions, parent)
    finished = wait_signal(dialog.finished)
    dialog.open()
    try:
        (result,) = await finished
        return dialog.chosen() if result == QDialog.DialogCode.Accepted.value else None
    finally:
        dialog.deleteLater()
