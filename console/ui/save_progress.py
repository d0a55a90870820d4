"""The steps of a Save that takes several requests (the customer, then each address or phone...)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from console.ui.theme import error_colour

WAITING, SENDING, DONE, FAILED = "waiting", "sending", "done", "failed"


class SaveProgress(QListWidget):
    """One row per request of a Save, each marked waiting, sending, saved or failed (with why)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveProgress")
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setMaximumHeight(120)
        self._labels: list[str] = []
        self.states: list[str] = []
        self.setVisible(False)

    def start(self, labels: list[str]) -> None:
        """Show the steps (only when there is more than one); the first is being sent."""
        self.clear()
        self._labels, self.states = list(labels), []
        for label in labels:
            self.addItem(QListWidgetItem(label))
            self.states.append(WAITING)
        for row in range(len(labels)):
            self._show(row)
        self.setVisible(len(labels) > 1)
        self._next()

    def finish(self, row: int, error: str | None = None) -> None:
        """Mark step `row` saved, or failed with `error`."""
        self.states[row] = FAILED if error else DONE
        self._show(row, error)
        self._next()

    def leave_unsent(self, reason: str) -> None:
        """Steps never sent (they wait for one that failed) say so."""
        for row, state in enumerate(self.states):
            if state in (WAITING, SENDING):
                self.states[row] = FAILED
                self._show(row, reason)

    def failed(self) -> int:
        return self.states.count(FAILED)

    def _next(self) -> None:
        if WAITING in self.states and SENDING not in self.states:
            row = self.states.index(WAITING)
            self.states[row] = SENDING
            self._show(row)

    def _show(self, row: int, error: str | None = None) -> None:
        item = self.item(row)
        state, label = self.states[row], self._labels[row]
        mark = {WAITING: self.tr("Waiting"), SENDING: self.tr("Sending…"), DONE: self.tr("Saved"),
                FAILED: self.tr("Not saved")}[state]
        item.setText(f"{mark}: {label}" + (f" — {error}" if error else ""))
        if state == FAILED:
            item.setForeground(QColor(error_colour()))
        else:
            item.setData(Qt.ItemDataRole.ForegroundRole, None)   # back to the palette's colour
