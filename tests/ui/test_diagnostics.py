"""Help → Diagnostics shows versions and the open account, and copies a redacted report."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from console import __version__
from console.ui.diagnostics_dialog import DiagnosticsDialog
from console.ui.main_window import MainWindow
from tests.support.qt import until, visible


async def test_diagnostics_report_can_be_copied(qtbot: Any, window: MainWindow) -> None:
    window.diagnostics_action.trigger()
    dialog: DiagnosticsDialog = await until(lambda: visible(DiagnosticsDialog), what="diagnostics")
    report = dialog.text.toPlainText()
    assert f"Customer Console {__version__}" in report
    assert "Qt: " in report and "PySide6" in report
    assert "Open: Square (Demo) (demo)" in report
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report
