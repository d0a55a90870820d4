"""No secret leaves the keychain: settings, logs, drafts, crash reports, error texts and reports."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QPushButton

from console.app import setup_logging
from console.sandbox.square import SquareEmulator
from console.services.context import AppContext
from console.ui.accounts_dialog import AccountsDialog
from console.ui.help_menu import show_diagnostics
from console.ui.main_window import MainWindow
from console.ui.startup import install_excepthook
from tests.support.qt import signal, until, visible
from tests.ui.conftest import make_context

TOKEN = "EAAAl-k3y-that-must-never-leak-0001"
CARD = "4111111111111111"


@pytest.fixture
def app_logging(tmp_path: Path, root_logger: logging.Logger) -> AppContext:
    """A context whose log goes through the app's own handler set-up, at DEBUG."""
    context = make_context(tmp_path / "app")
    setup_logging(context.paths)
    root_logger.setLevel(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    return context


async def test_known_tokens_never_reach_disk_or_texts(qtbot: Any, app_logging: AppContext,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    context = app_logging
    emulator = SquareEmulator(seed=4, customers=15, credentials={"token": TOKEN})
    context.transport = emulator.transport()
    window = MainWindow(context)
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await loaded
    texts: list[str] = []

    # Add the account through the window, with a wrong token first (an error text), then the right one.
    window.accounts_action.trigger()
    dialog: AccountsDialog = await until(lambda: visible(AccountsDialog))
    qtbot.mouseClick(dialog.findChild(QPushButton, "addAccount"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "credential:token"), TOKEN + "-wrong")
    qtbot.keyClicks(dialog.base_url_edit, emulator.base_url)
    result = dialog.findChild(QLabel, "testResult")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    await until(lambda: "refused" in result.text())
    texts.append(result.text())
    token_edit = dialog.findChild(QLineEdit, "credential:token")
    token_edit.selectAll()
    qtbot.keyClicks(token_edit, TOKEN)
    changed = signal(dialog.accounts_changed)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    await changed
    loaded = signal(window.load_finished, timeout=20)
    window.account_combo.setCurrentIndex(0)
    await loaded
    assert window.model.rowCount() == 15

    # A server failure (its text is shown), a careless log line, and an unhandled error (a crash report).
    emulator.fail_next("500", count=8)
    refreshed = signal(window.load_finished, timeout=20)
    window.loading.start()
    (failure,) = await refreshed
    texts.append(str(failure))
    texts.append(window.statusBar().currentMessage())
    logging.getLogger("console.careless").warning("retrying with Authorization: Bearer %s for card %s",
                                                  TOKEN, CARD)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # keep pytest-qt's hook after the test
    install_excepthook()
    try:
        raise RuntimeError(f"bug while using {TOKEN}")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    texts.append(show_diagnostics(window).report)

    await window.shutdown()
    window.close()
    for handler in logging.getLogger().handlers:
        handler.flush()

    written = [p for p in context.paths.config_dir.rglob("*") if p.is_file()]
    log_file = context.paths.log_dir / "customer-console.log"
    assert log_file in written and "bug while using" in log_file.read_text(encoding="utf-8")
    for path in written:
        content = path.read_bytes()
        assert TOKEN.encode() not in content, f"token in {path}"
        assert CARD.encode() not in content, f"card number in {path}"
    for text in texts:
        assert TOKEN not in text
        assert CARD not in text
    assert "[REDACTED]" in log_file.read_text(encoding="utf-8")
