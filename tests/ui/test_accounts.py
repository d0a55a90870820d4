"""Adding a real account from the window, testing it, and switching between accounts."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QPushButton

from console.sandbox.square import SquareEmulator
from console.services.context import AppContext
from console.services.secrets import NO_KEYCHAIN_WARNING, MemorySecrets
from console.ui.accounts_dialog import AccountsDialog
from console.ui.main_window import MainWindow
from tests.conftest import MemoryKeyring
from tests.support.qt import signal, until, visible

TOKEN = "EAAAl-sandbox-token-for-tests-only"


@pytest.fixture
def square_account_server(context: AppContext) -> SquareEmulator:
    """A 'real' Square sandbox account: an emulator that accepts one token only."""
    emulator = SquareEmulator(seed=11, customers=40, credentials={"token": TOKEN}, latency_ms=0)
    context.transport = emulator.transport()
    return emulator


async def _open_accounts(qtbot: Any, window: MainWindow) -> AccountsDialog:
    window.accounts_action.trigger()
    return await until(lambda: visible(AccountsDialog), what="the accounts dialog")


def _fill_new_account(qtbot: Any, dialog: AccountsDialog, *, token: str, base_url: str) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, "addAccount"), Qt.MouseButton.LeftButton)
    name = dialog.name_edit
    name.selectAll()
    qtbot.keyClicks(name, "Shop sandbox")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "credential:token"), token)
    qtbot.keyClicks(dialog.base_url_edit, base_url)


async def test_add_test_and_save_a_square_account(qtbot: Any, window: MainWindow, context: AppContext,
                                                  square_account_server: SquareEmulator,
                                                  isolated: MemoryKeyring) -> None:
    dialog = await _open_accounts(qtbot, window)
    _fill_new_account(qtbot, dialog, token="wrong-token", base_url=square_account_server.base_url)
    result = dialog.findChild(QLabel, "testResult")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    await until(lambda: "refused" in result.text(), what="the refused token to be reported")

    token_edit = dialog.findChild(QLineEdit, "credential:token")
    token_edit.selectAll()
    qtbot.keyClicks(token_edit, TOKEN)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    await until(lambda: result.text().startswith("Connected to Square"), what="a successful test")

    changed = signal(dialog.accounts_changed)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    await changed

    saved = context.settings.accounts
    assert [(a.name, a.provider, a.environment) for a in saved] == [("Shop sandbox", "square", "sandbox")]
    on_disk = context.paths.settings_file.read_text(encoding="utf-8")
    assert "Shop sandbox" in on_disk
    assert TOKEN not in on_disk
    assert isolated.values == {("customer-console", f"{saved[0].id}/square/token"): TOKEN}

    # The new account is offered first; choosing it loads its customers. Its base URL points at a host
    # that is neither Square's nor this computer, so writes are treated as PRODUCTION and the status
    # bar says where requests go.
    assert window.account_combo.itemText(0).startswith("Shop sandbox")
    loaded = signal(window.load_finished, timeout=20)
    window.account_combo.setCurrentIndex(0)
    await loaded
    assert window.badge.text() == "PRODUCTION"
    override = window.findChild(QLabel, "statusOverride")
    assert override.isVisibleTo(window) and "square.emulator.invalid" in override.text()
    assert window.model.rowCount() == 40


async def test_without_a_keychain_the_user_is_warned(qtbot: Any, window: MainWindow, context: AppContext) -> None:
    context.secrets = MemorySecrets(warning=NO_KEYCHAIN_WARNING)
    dialog = await _open_accounts(qtbot, window)
    warning = dialog.findChild(QLabel, "keychainWarning")
    assert warning is not None and warning.isVisible()
    assert "keychain" in warning.text()


async def test_bad_base_url_is_refused_before_saving(qtbot: Any, window: MainWindow, context: AppContext) -> None:
    dialog = await _open_accounts(qtbot, window)
    _fill_new_account(qtbot, dialog, token=TOKEN, base_url="connect.example")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert "base URL" in dialog.error.text()
    assert dialog.isVisible()
    assert context.settings.accounts == []


async def test_switching_accounts_cancels_the_load_in_flight(qtbot: Any, window: MainWindow, context: AppContext,
                                                             square_account_server: SquareEmulator) -> None:
    square_account_server.latency_ms = 200
    dialog = await _open_accounts(qtbot, window)
    _fill_new_account(qtbot, dialog, token=TOKEN, base_url=square_account_server.base_url)
    changed = signal(dialog.accounts_changed)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    await changed
    opened = signal(window.account_opened)
    window.account_combo.setCurrentIndex(0)
    await opened
    slow_session = window.session
    assert slow_session is not None and window.tasks.running("load")
    demo_loaded = signal(window.load_finished, timeout=20)
    window.account_combo.setCurrentIndex(1)
    await demo_loaded
    assert slow_session.client.is_closed
    assert window.session is not None and window.session.account.is_demo
    assert window.badge.text() == "DEMO"
    assert window.model.rowCount() == 120
