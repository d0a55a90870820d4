"""*Tools → Privacy requests*: every request made, newest first, with its state; its receipt saved as a
PDF, and an incomplete erasure resumed (only what is left is done)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from console.services.history_rows import local_time
from console.services.privacy_accounts import RequestSessions
from console.services.privacy_erasure import erase
from console.services.privacy_receipt import receipt_title
from console.services.privacy_requests import ERASURE, PrivacyRequest, PrivacyRequests
from console.ui.async_qt import TaskRegistry
from console.ui.privacy_receipt_pdf import write_receipt_pdf

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class PrivacyRequestsWindow(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.context = window.context
        self.setObjectName("privacyRequests")
        self.setWindowTitle(self.tr("Privacy requests"))
        self.tasks = TaskRegistry()
        self.store = PrivacyRequests(self.context.workspace)
        self.requests: list[PrivacyRequest] = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("Made"), self.tr("Request"), self.tr("State"),
                                              self.tr("By"), self.tr("Records")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update)
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.pdf_button = QPushButton(self.tr("Save &receipt (PDF)…"))
        self.pdf_button.clicked.connect(self.save_pdf)
        self.resume_button = QPushButton(self.tr("Re&sume erasure"))
        self.resume_button.clicked.connect(self._resume)
        for button in (self.pdf_button, self.resume_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 380)
        self._update()

    async def load(self) -> None:
        self.requests = await self.store.all() if self.context.workspace.is_open else []
        self.table.setRowCount(len(self.requests))
        for row, request in enumerate(self.requests):
            cells = [local_time(request.created_at), receipt_title(request), request.state, request.created_by,
                     str(len(request.records))]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if self.requests:
            self.table.selectRow(0)
        self.status.setText(self.tr("{0} request(s).").format(len(self.requests)) if self.requests else
                            self.tr("No privacy requests yet."))
        self._update()   # the same row selected again emits nothing, while its request may have changed

    def selected(self) -> PrivacyRequest | None:
        rows = self.table.selectionModel().selectedRows()
        return self.requests[rows[0].row()] if rows else None

    def _update(self) -> None:
        request = self.selected()
        self.pdf_button.setEnabled(request is not None)
        self.resume_button.setEnabled(request is not None and request.kind == ERASURE
                                      and request.state == "incomplete" and not self.tasks.running("resume"))

    def save_pdf(self) -> None:
        request = self.selected()
        if request is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save receipt"),
                                                    f"privacy-receipt-{request.id[:8]}.pdf", self.tr("PDF (*.pdf)"))
        if path:
            write_receipt_pdf(request, Path(path))
            self.status.setText(self.tr("Receipt saved to {0}.").format(path))

    def _resume(self) -> None:
        self.tasks.start(self.resume(), name="resume")
        self._update()

    async def resume(self) -> None:
        request = self.selected()
        if request is None:
            return
        sessions = RequestSessions(self.context)
        try:
            request = await erase(self.context, request, sessions.accounts, sessions, self.store,
                                  on_progress=self.status.setText)
        finally:
            await sessions.aclose()
        await self.load()


def open_privacy_requests(window: MainWindow) -> PrivacyRequestsWindow:
    dialog = PrivacyRequestsWindow(window)
    dialog.finished.connect(dialog.deleteLater)
    dialog.show()
    window.tasks.start(dialog.load(), name="privacy-requests")
    return dialog
