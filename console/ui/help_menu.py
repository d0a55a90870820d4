"""Help → Diagnostics… and About."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from console import __version__
from console.ui.diagnostics_dialog import DiagnosticsDialog

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


def show_about(window: MainWindow) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, window.tr("About Customer Console"),
                      window.tr("Customer Console {0}\n\nSearch, create, edit and delete the customer "
                                "profiles your business keeps at payment providers.").format(__version__),
                      QMessageBox.StandardButton.Ok, window)
    box.finished.connect(box.deleteLater)
    box.open()


def show_diagnostics(window: MainWindow) -> DiagnosticsDialog:
    """The diagnostics report, naming the open account."""
    session = window.session
    current = f"{session.account.name} ({session.environment})" if session is not None else None
    dialog = DiagnosticsDialog(window.context, current, window)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
