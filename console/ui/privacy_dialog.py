"""*Tools → Privacy request…* (issue 21): find a person across every account, tick their records, export
what we hold, erase them everywhere, and save the request's receipt as a PDF. The work is in the
services (privacy_search, privacy_export, privacy_erasure); this dialog asks and shows."""

from __future__ import annotations

import contextlib
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from console.domain import errors as e
from console.services.accounts import AccountSession
from console.services.privacy_accounts import RequestSessions
from console.services.privacy_export import write_access_export
from console.services.privacy_requests import ACCESS, DONE, Action, PrivacyRequest, PrivacyRequests
from console.services.privacy_search import Person, find_person
from console.ui.async_qt import TaskRegistry
from console.ui.privacy_erasing import erase_flow
from console.ui.privacy_receipt_pdf import receipt_path, write_receipt_pdf
from console.ui.privacy_results import PrivacyResults
from console.ui.privacy_waiving import waive_flow

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class PrivacyDialog(QDialog):
    """One person's request: search, tick, export, erase, receipt."""

    finished_step = Signal(str)   # "search", "export", "erase", "receipt": each step as it ends

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.context = window.context
        self.setObjectName("privacyDialog")
        self.setWindowTitle(self.tr("Privacy request"))
        self.tasks = TaskRegistry()
        self.sessions = RequestSessions(self.context, borrowed=self._borrowed)
        self.store = PrivacyRequests(self.context.workspace)
        self.request: PrivacyRequest | None = None   # the last request made here (its receipt)
        self.export_folder: Path | None = None
        self._build()
        self.finished.connect(lambda _code: self.window_.tasks.start(self._close_sessions()))
        window.closers.append(self._close_sessions)   # the window closing while this is open

    def _build(self) -> None:
        tr = self.tr
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Who asks? Give an email, a phone or a name (or several): every account is searched "
                          "live, and the local copy too. Tick the records that are this person's."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.email, self.phone, self.name = QLineEdit(), QLineEdit(), QLineEdit()
        for label, edit, key in ((tr("&Email:"), self.email, "email"), (tr("&Phone:"), self.phone, "phone"),
                                 (tr("&Name:"), self.name, "name")):
            edit.setObjectName(f"privacy_{key}")
            edit.setClearButtonEnabled(True)
            edit.returnPressed.connect(self.start_search)
            form.addRow(label, edit)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.find_button = self._button(tr("&Find"), "privacyFind", self.start_search)
        self.waive_button = self._button(tr("&Waive…"), "privacyWaive",
                                         lambda: self.run(waive_flow(self), "waive"))
        self.tick_button = self._button(tr("Tick &all"), "privacyTickAll", self._tick_all)
        for button in (self.find_button, self.tick_button, self.waive_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.results = PrivacyResults(self)
        self.results.currentItemChanged.connect(lambda *_: self.update_buttons())
        self.results.itemChanged.connect(lambda *_: self.update_buttons())
        layout.addWidget(self.results, 1)
        self.status = QLabel(tr("Nothing searched yet."))
        self.status.setObjectName("privacyStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        folder_row = QHBoxLayout()
        self.folder = QLineEdit(str(self.context.paths.data_dir / "privacy requests"))
        self.folder.setObjectName("privacyFolder")
        folder_label = QLabel(tr("Save &to:"))
        folder_label.setBuddy(self.folder)
        folder_row.addWidget(folder_label)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self._button(tr("C&hoose…"), "privacyChoose", self._choose_folder))
        layout.addLayout(folder_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self._button(tr("E&xport what we hold"), "privacyExport",
                                          lambda: self.run(self.export(), "export"))
        self.erase_button = self._button(tr("E&rase everywhere…"), "privacyErase",
                                         lambda: self.run(erase_flow(self), "erase"))
        self.receipt_button = self._button(tr("Save receipt (P&DF)"), "privacyReceipt", self.save_receipt)
        for button in (self.export_button, self.erase_button, self.receipt_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.find_button.setDefault(True)
        self.resize(900, 560)
        self.update_buttons()

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def run(self, step: Coroutine[Any, Any, None], name: str) -> None:
        """Start a step; the buttons follow when it starts and once it has ended."""
        self.tasks.start(step, name=name).add_done_callback(lambda _task: self.update_buttons())
        self.update_buttons()

    def _tick_all(self) -> None:
        self.results.tick_all()

    def _borrowed(self, account_id: str) -> AccountSession | None:
        """The window's own session on the account, so its table follows what the request changes."""
        window = self.window_
        if window.session is not None and window.session.account.id == account_id:
            return window.session
        return window.all_accounts.sessions.get(account_id)

    def update_buttons(self) -> None:
        busy = any(self.tasks.running(name) for name in ("search", "export", "erase"))
        ticked = bool(self.results.ticked()) if self.results.result else False
        account = self.results.current_account()
        self.find_button.setEnabled(not busy)
        self.waive_button.setEnabled(not busy and account is not None and not account.searched)
        self.tick_button.setEnabled(not busy and bool(self.results.record_items()))
        self.export_button.setEnabled(not busy and ticked and self.context.workspace.is_open)
        self.erase_button.setEnabled(not busy and ticked and self.context.workspace.is_open)
        self.receipt_button.setEnabled(not busy and self.request is not None)
        if not self.context.workspace.is_open:
            self.export_button.setToolTip(self.tr("Requests are kept in the local copy, which is off."))

    # -- steps --------------------------------------------------------------------------------
    def person(self) -> Person:
        return Person(email=self.email.text(), phone=self.phone.text(), name=self.name.text())

    def start_search(self) -> None:
        if not self.person().given():
            self.status.setText(self.tr("Give an email, a phone or a name first."))
            return
        self.run(self._search(), "search")

    async def _search(self) -> None:
        self.status.setText(self.tr("Searching every account…"))
        try:
            result = await find_person(self.person(), self.sessions.accounts, self.sessions, self.context.workspace)
        finally:
            self.update_buttons()
        self.results.show_result(result)
        missing = result.not_searched
        text = self.tr("{0} record(s) found at {1} account(s).").format(
            len(result.records), len({r.account_id for r in result.records}))
        if missing:
            text += " " + self.tr("Not searched: {0}. The request cannot be complete until they are searched "
                                  "or waived with a reason.").format(", ".join(a.account.name for a in missing))
        self.status.setText(text)
        self.update_buttons()
        self.finished_step.emit("search")

    async def export(self) -> None:
        result = self.results.result
        if result is None:
            return
        request = PrivacyRequest.start(ACCESS, result, self.results.ticked(), self.context.journal.author.who)
        self.status.setText(self.tr("Writing the export…"))
        try:
            written = await write_access_export(Path(self.folder.text()), request.id, result.person,
                                                self.results.ticked(), self.sessions.accounts, self.context.journal)
        except OSError as exc:
            self.status.setText(self.tr("The export could not be written: {0}").format(exc.strerror or exc))
            return
        request.actions.append(Action("export", DONE, detail=str(written.folder)))
        await self.store.save(request)
        self.request, self.export_folder = request, written.folder
        self.status.setText(self.tr("Exported {0} record(s) to {1} (JSON, HTML summary, manifest). Request {2}."
                                    ).format(len(request.records), written.folder, request.state))
        self.update_buttons()
        self.finished_step.emit("export")

    def save_receipt(self) -> None:
        if self.request is None:
            return
        path = receipt_path(Path(self.folder.text()), self.request)
        try:
            write_receipt_pdf(self.request, path)
        except OSError as exc:
            self.status.setText(self.tr("The receipt could not be written: {0}").format(exc.strerror or exc))
            return
        self.status.setText(self.tr("Receipt saved to {0}.").format(path))
        self.finished_step.emit("receipt")

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Save to"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    async def _close_sessions(self) -> None:
        if self._close_sessions in self.window_.closers:
            self.window_.closers.remove(self._close_sessions)
        await self.tasks.cancel_all()
        with contextlib.suppress(e.ConsoleError):
            await self.sessions.aclose()


def open_privacy_request(window: MainWindow) -> PrivacyDialog:
    """Show the dialog (not modal: the window stays usable)."""
    dialog = PrivacyDialog(window)
    dialog.finished.connect(dialog.deleteLater)
    dialog.show()
    return dialog
