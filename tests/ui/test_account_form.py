"""The accounts dialog on its own: what the keychain holds, a keychain that refuses, the list label."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QPushButton

from console.services.secrets import MemorySecrets, secret_name
from console.services.settings import AccountSettings
from console.ui.accounts_dialog import AccountsDialog
from tests.support.qt import until
from tests.support.service_context import LockedKeychain
from tests.ui.conftest import make_context


def _dialog(qtbot: Any, tmp_path: Path, secrets: MemorySecrets, accounts: list[AccountSettings]) -> AccountsDialog:
    context = make_context(tmp_path / "app")
    context.secrets = secrets
    context.settings.accounts = accounts
    dialog = AccountsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


async def test_a_stored_secret_is_said_to_be_stored_never_shown(qtbot: Any, tmp_path: Path) -> None:
    shop = AccountSettings(provider="square", name="Shop")
    secrets = MemorySecrets()
    secrets.set(secret_name(shop.id, "square", "token"), "EAAAl-stored-token-for-tests")
    dialog = _dialog(qtbot, tmp_path, secrets, [shop])
    token = dialog.findChild(QLineEdit, "credential:token")
    await until(lambda: token.placeholderText(), what="the stored-token hint")
    assert token.placeholderText().startswith("Stored in the keychain") and token.text() == ""
    dialog.reject()


async def test_a_keychain_that_refuses_keeps_the_dialog_open_and_saves_nothing(qtbot: Any, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path, LockedKeychain(), [])
    qtbot.mouseClick(dialog.findChild(QPushButton, "addAccount"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "credential:token"), "EAAAl-typed-token-for-tests")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    await until(lambda: dialog.error.text(), what="the keychain's refusal")
    assert "keychain refused to store the credentials (PasswordSetError)" in dialog.error.text()
    assert dialog.isVisible() and dialog.context.settings.accounts == []
    dialog.reject()


async def test_the_list_line_follows_the_form(qtbot: Any, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, tmp_path, MemorySecrets(), [AccountSettings(provider="square", name="Shop")])
    assert dialog.list.item(0).text() == "Shop — Square, sandbox"
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Cafe")
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("clover"))
    assert dialog.list.item(0).text() == "Cafe — Clover, sandbox"
    assert dialog.findChild(QLineEdit, "option:merchant_id") is not None
    dialog.reject()
