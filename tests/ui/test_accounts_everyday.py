"""The accounts dialog as a newcomer meets it: an empty state, and secrets that can be checked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from console.ui.accounts_dialog import AccountsDialog
from console.ui.main_window import MainWindow
from tests.support.qt import until, visible


async def _open(window: MainWindow) -> AccountsDialog:
    window.accounts_action.trigger()
    return await until(lambda: visible(AccountsDialog), what="the accounts dialog")


async def test_with_no_accounts_the_dialog_says_what_to_do_and_nothing_floats(qtbot: Any,
                                                                            window: MainWindow) -> None:
    dialog = await _open(window)
    empty = dialog.findChild(QLabel, "noAccounts")
    assert empty.isVisible() and "Add account" in empty.text()
    test = dialog.findChild(QPushButton, "testConnection")
    assert not test.isVisible()
    qtbot.mouseClick(dialog.findChild(QPushButton, "addAccount"), Qt.MouseButton.LeftButton)
    assert test.isVisible() and not empty.isVisible()
    # The button sits in the form, below the fields, not over the top of the dialog.
    name = dialog.name_edit
    await until(lambda: test.mapTo(dialog, test.rect().topLeft()).y() > name.mapTo(dialog, name.rect().topLeft()).y(),
                what="the test button laid out below the name")
    dialog.reject()


async def test_a_secret_can_be_shown_and_is_hidden_again_when_leaving_the_field(qtbot: Any,
                                                                              window: MainWindow) -> None:
    dialog = await _open(window)
    qtbot.mouseClick(dialog.findChild(QPushButton, "addAccount"), Qt.MouseButton.LeftButton)
    token = dialog.findChild(QLineEdit, "credential:token")
    qtbot.keyClicks(token, "EAAA-typed")
    assert token.echoMode() is QLineEdit.EchoMode.Password
    reveal = token.findChild(QAction, "revealSecret")
    reveal.trigger()
    assert token.echoMode() is QLineEdit.EchoMode.Normal and reveal.text() == "Hide"
    token.editingFinished.emit()
    assert token.echoMode() is QLineEdit.EchoMode.Password and reveal.text() == "Show"
    dialog.reject()
