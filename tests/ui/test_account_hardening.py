"""The accounts dialog and the window keep credentials where they belong, and forget local data on request."""

from __future__ import annotations

from typing import Any

import httpx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox, QPushButton

from console.sandbox.square import SquareEmulator
from console.services.context import AppContext
from console.services.drafts import Draft
from console.services.local_data import local_data
from console.services.secrets import secret_name
from console.services.settings import AccountSettings
from console.ui.accounts_dialog import AccountsDialog
from console.ui.main_window import MainWindow
from tests.support.qt import signal, until, visible
from tests.ui.conftest import OtherClient

TOKEN = "EAAAl-sandbox-token-for-tests-only"


class Recording(httpx.AsyncBaseTransport):
    """Passes requests to the emulator and keeps every Authorization header sent."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.url.host, request.headers.get("authorization", "")))
        return await self.inner.handle_async_request(request)


async def test_test_connection_after_changing_the_url_asks_for_the_token_again(
        qtbot: Any, window: MainWindow, context: AppContext) -> None:
    emulator = SquareEmulator(seed=11, customers=5, credentials={"token": TOKEN})
    recording = Recording(emulator.transport())
    context.transport = recording
    saved = AccountSettings(provider="square", name="Shop", base_url=emulator.base_url)
    context.settings.accounts = [saved]
    context.secrets.set(secret_name(saved.id, "square", "token"), TOKEN)

    window.accounts_action.trigger()
    dialog: AccountsDialog = await until(lambda: visible(AccountsDialog), what="the accounts dialog")
    url = dialog.base_url_edit
    url.selectAll()
    qtbot.keyClicks(url, "https://square-proxy.example.com")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    await until(lambda: "again" in dialog.test_result.text(), what="the refusal to send the stored token")
    assert recording.sent == []

    qtbot.keyClicks(dialog.findChild(QLineEdit, "credential:token"), "typed-again-token")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.test_button.isEnabled() and recording.sent, what="the test with the typed token")
    assert {auth for _, auth in recording.sent} == {"Bearer typed-again-token"}
    dialog.reject()


async def test_http_to_another_computer_is_refused_in_the_dialog(qtbot: Any, window: MainWindow,
                                                                context: AppContext) -> None:
    window.accounts_action.trigger()
    dialog: AccountsDialog = await until(lambda: visible(AccountsDialog), what="the accounts dialog")
    qtbot.mouseClick(dialog.findChild(QPushButton, "addAccount"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "credential:token"), TOKEN)
    qtbot.keyClicks(dialog.base_url_edit, "http://192.168.1.20:8080")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert "Plain http" in dialog.error.text() or "plain http" in dialog.error.text()
    assert context.settings.accounts == []
    dialog.reject()


async def test_forget_local_data_from_the_file_menu(qtbot: Any, window: MainWindow, context: AppContext,
                                                    other: OtherClient) -> None:
    other.http.delete(f"/v2/customers/{window.model.customer(0).id}").raise_for_status()  # a demo change
    context.drafts.save("left-over", Draft(account_id="demo:square", account_name="Square (Demo)"))
    context.drafts.flush()
    context.demo.flush()
    before = local_data(context.paths)
    assert before.demo and before.drafts

    window.forget_data_action.trigger()
    box: QMessageBox = await until(lambda: visible(QMessageBox, "confirmBox"), what="the confirmation")
    assert "demo account data" in box.informativeText()
    delete = box.button(QMessageBox.StandardButton.Yes)
    assert delete.text().startswith("Delete ")
    reloaded = signal(window.load_finished, timeout=20)
    delete.click()
    result: QMessageBox = await until(lambda: visible(QMessageBox, "forgetResultBox"), what="the result")
    assert result.text() == f"Deleted {len(before.all())} files."
    assert "unsaved edits (drafts)" in result.informativeText()
    await reloaded  # the demo account opens again from its original data
    assert local_data(context.paths).drafts == ()
    assert window.model.rowCount() == 120
    result.button(QMessageBox.StandardButton.Ok).click()
