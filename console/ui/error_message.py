"""Telling the user that something failed: in the status bar, and in a box unless they chose it."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMainWindow, QMessageBox

from console.domain import errors as e

log = logging.getLogger(__name__)


def show_error(window: QMainWindow, what: str, exc: e.ConsoleError) -> None:
    """Say `what` failed and why; logged without the message, which may quote customer data."""
    log.warning("%s: %s (%s)", what, type(exc).__name__, exc.code)
    window.statusBar().showMessage(f"{what}: {exc.message}")
    if isinstance(exc, e.CancelledByUserError):
        return  # the user just said no; a box would only repeat it
    box = QMessageBox(QMessageBox.Icon.Warning, exc.title, f"{what}.", QMessageBox.StandardButton.Ok, window)
    box.setObjectName("errorBox")
    box.setInformativeText(exc.message)
    box.finished.connect(box.deleteLater)
    box.open()
