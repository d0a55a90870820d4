"""Production accounts: the first write in a session is confirmed; read-only accounts refuse writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from console.sandbox.square import SquareEmulator
from console.services.context import AppContext
from console.services.secrets import set_secret
from console.services.settings import AccountSettings
from console.ui.edit_dialog import CustomerDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.ui.conftest import FAST_RETRIES

TOKEN = "EAAAl-production-token-for-tests"


async def _window_on(qtbot: Any, context: AppContext, *, read_only: bool = False) -> tuple[MainWindow, Any]:
    emulator = SquareEmulator(seed=3, customers=25, credentials={"token": TOKEN})
    context.transport = emulator.transport()
    account = AccountSettings(provider="square", name="Main shop", environment="production",
                              base_url=emulator.base_url, read_only=read_only)
    context.settings.accounts = [account]
    context.settings.last_account_id = account.id
    await set_secret(context.secrets, account.id, "square", "token", TOKEN)
    window = MainWindow(context)
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await loaded
    assert window.session is not None
    window.session.provider.http.policy = FAST_RETRIES  # type: ignore[attr-defined]
    return window, emulator


@pytest.fixture
async def production(qtbot: Any, context: AppContext) -> AsyncIterator[tuple[MainWindow, Any]]:
    window, emulator = await _window_on(qtbot, context)
    yield window, emulator
    await window.shutdown()


def _writes(emulator: Any) -> list[str]:
    return [r.method for r in emulator.requests if r.method != "GET"]


async def _edit_company(qtbot: Any, window: MainWindow, row: int, text: str) -> CustomerDialog:
    window.table.setFocus()
    window.table.selectRow(row)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    dialog: CustomerDialog = await until(lambda: visible(CustomerDialog), what="the edit dialog")
    company = dialog.editors["company"].editor
    assert isinstance(company, QLineEdit)
    company.selectAll()
    qtbot.keyClicks(company, text)
    return dialog


async def test_first_production_write_is_confirmed_once(qtbot: Any, production: tuple[MainWindow, Any]) -> None:
    window, emulator = production
    assert window.badge.text() == "PRODUCTION"
    dialog = await _edit_company(qtbot, window, 0, "Declined Ltd")
    emulator.clear_log()
    failed = signal(dialog.save_failed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    question = await answer(QMessageBox.StandardButton.No)
    assert "Main shop" in question and "PRODUCTION" in question
    await failed
    assert _writes(emulator) == []     # nothing was sent
    assert dialog.isVisible() and "nothing was sent" in dialog.banner_text.text()

    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await saved
    assert _writes(emulator) == ["PUT"]

    # The second change in the same session goes straight through.
    second = await _edit_company(qtbot, window, 1, "Second Ltd")
    saved = signal(second.saved)
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    await saved
    assert visible(QMessageBox, "confirmBox") is None


async def test_the_answer_lasts_the_app_session_not_the_connection(qtbot: Any,
                                                                   production: tuple[MainWindow, Any]) -> None:
    window, emulator = production
    dialog = await _edit_company(qtbot, window, 0, "First Ltd")
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await saved

    # Opening the account again makes a new connection and service; the agreement stays with the app.
    first = window.session
    assert first is not None
    reopened = signal(window.load_finished, timeout=20)
    window.tasks.start(window.switching.open(first.account), name="account")
    await reopened
    assert window.session is not None and window.session is not first
    window.session.provider.http.policy = FAST_RETRIES  # type: ignore[attr-defined]

    second = await _edit_company(qtbot, window, 1, "Second Ltd")
    emulator.clear_log()
    done: list[object] = []
    second.saved.connect(done.append)
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: done or visible(QMessageBox, "confirmBox"), what="the save or a question")
    assert visible(QMessageBox, "confirmBox") is None
    assert _writes(emulator) == ["PUT"]


async def test_read_only_account_refuses_every_write(qtbot: Any, context: AppContext) -> None:
    window, emulator = await _window_on(qtbot, context, read_only=True)
    try:
        assert not window.new_action.isEnabled()
        window.table.selectRow(0)
        assert not window.delete_action.isEnabled()
        dialog = await _edit_company(qtbot, window, 0, "Nope Ltd")
        emulator.clear_log()
        failed = signal(dialog.save_failed)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        await failed
        assert "read-only" in dialog.banner_text.text()
        assert _writes(emulator) == []
    finally:
        await window.shutdown()
