"""*File → Import…* (issue 19): a wizard that reads a CSV or XLSX (encoding detected or chosen), maps its
columns onto the target account's fields, previews every row with the target's own rules, and then
runs the valid rows as a job in the Jobs panel. Nothing is sent before the last page's button."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
    QWizard,
    QWizardPage,
)

from console.services.accounts import AccountSession
from console.services.import_mapping import mapping_memory
from console.services.import_plan import MatchKey
from console.services.import_reader import ENCODINGS, ImportFileError, ImportTable, read_file
from console.ui.async_qt import wait_signal
from console.ui.import_mapping_page import MappingPage
from console.ui.import_preview import PLAN_TASK, PreviewPage
from console.ui.production_confirmation import confirm_production_write

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

READ_TASK = "import-read"
_MATCHES = ((MatchKey.EMAIL, "Email"), (MatchKey.PHONE, "Phone"), (MatchKey.REFERENCE, "Reference id"),
            (MatchKey.NONE, "Nothing (every row is a new customer)"))
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "windows-1252": "Windows-1252"}


def target_sessions(window: MainWindow) -> list[AccountSession]:
    """The accounts an import can go to: the open one, or each of All accounts; writable ones only."""
    sessions = list(window.all_accounts.sessions.values()) if window.all_accounts.active else (
        [window.session] if window.session is not None else [])
    return [s for s in sessions if not s.account.read_only]


class FilePage(QWizardPage):
    """Which file (read at once, off the window's thread), its encoding, the target account, the match key."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.main, self.sessions = wizard.main, wizard.sessions
        self.setTitle(self.tr("Choose the file"))
        self.setSubTitle(self.tr("A CSV (comma, semicolon or tab) or an Excel workbook (.xlsx) with a header row."))
        self.table: ImportTable | None = None
        self.path = QLineEdit(self)
        self.path.setObjectName("importPath")
        self.path.setPlaceholderText(self.tr("customers.csv"))
        browse = QPushButton(self.tr("&Browse…"), self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        self.encoding = QComboBox(self)
        self.encoding.setObjectName("importEncoding")
        self.encoding.addItem(self.tr("Detect"), None)
        for key in ENCODINGS:
            self.encoding.addItem(_ENCODING_NAMES[key], key)
        self.account = QComboBox(self)
        self.account.setObjectName("importAccount")
        for session in wizard.sessions:
            self.account.addItem(session.account.name, session.account.id)
        if window_session := self.main.session:
            self.account.setCurrentIndex(max(0, self.account.findData(window_session.account.id)))
        self.match = QComboBox(self)
        self.match.setObjectName("importMatch")
        for key, text in _MATCHES:
            self.match.addItem(self.tr(text), key)
        self.status = QLabel(self)
        self.status.setObjectName("importFileStatus")
        self.status.setWordWrap(True)
        form = QFormLayout(self)
        label = QLabel(self.tr("&File:"), self)
        label.setBuddy(self.path)
        form.addRow(label, row)
        form.addRow(self.tr("&Encoding:"), self.encoding)
        form.addRow(self.tr("Import &into:"), self.account)
        form.addRow(self.tr("&Match existing customers by:"), self.match)
        form.addRow(self.status)
        self.path.textChanged.connect(lambda _t: self._read())
        self.encoding.currentIndexChanged.connect(lambda _i: self._read())

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Import customers"), self.path.text(),
                                                self.tr("Spreadsheets (*.csv *.tsv *.txt *.xlsx);;All files (*)"))
        if chosen:
            self.path.setText(chosen)

    def _read(self) -> None:
        self.table = None
        self.completeChanged.emit()
        text = self.path.text().strip()
        if not text:
            self.status.clear()
            return
        self.status.setText(self.tr("Reading…"))
        self.main.tasks.start(self._read_file(Path(text), self.encoding.currentData()), name=READ_TASK)

    async def _read_file(self, path: Path, encoding: str | None) -> None:
        try:
            table = await asyncio.get_running_loop().run_in_executor(
                None, lambda: read_file(path, encoding=encoding))
        except ImportFileError as exc:
            self.status.setText(exc.message)
            return
        self.table = table
        details = f", {_ENCODING_NAMES[table.encoding]}" if table.encoding else ""
        self.status.setText(self.tr("{0} rows, {1} columns ({2}{3}).").format(
            len(table.rows), len(table.headers), table.format.upper(), details))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.table is not None and self.account.currentIndex() >= 0

    def session(self) -> AccountSession:
        return self.sessions[self.account.currentIndex()]


class ImportWizard(QWizard):
    """File, mapping, preview; `planned()` after it is accepted."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.main = window
        self.setObjectName("importWizard")
        self.setWindowTitle(self.tr("Import customers"))
        self.setMinimumSize(760, 520)
        self.sessions = target_sessions(window)
        self.memory = mapping_memory(window.context.paths.config_dir)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Start the import"))

    @property
    def table(self) -> ImportTable:
        assert self.file_page.table is not None
        return self.file_page.table

    @property
    def session(self) -> AccountSession:
        return self.file_page.session()

    @property
    def match(self) -> MatchKey:
        return MatchKey(self.file_page.match.currentData())


async def import_customers(window: MainWindow) -> None:
    """Run the wizard; once accepted, remember the mapping and start the job (after asking, for live data)."""
    if not target_sessions(window):
        window.statusBar().showMessage(window.tr("Open an account you can change first."), 8000)
        return
    wizard = ImportWizard(window)
    finished = wait_signal(wizard.finished)
    wizard.open()
    try:
        (result,) = await finished
        if result != QWizard.DialogCode.Accepted.value:
            return
        session, table = wizard.session, wizard.table
        planned = wizard.preview_page.planned()
        wizard.memory.remember(table.headers, wizard.mapping_page.mapping())
        if not planned:
            window.statusBar().showMessage(window.tr("Nothing to import: no valid row was left."), 8000)
            return
        confirmations, account_id = session.service.confirmations, session.account.id
        if session.environment == "production" and not confirmations.is_confirmed(account_id):
            # Asked here, before the job exists, rather than by the service at the job's first write.
            if not await confirm_production_write(window, session.account.name):
                window.statusBar().showMessage(window.tr("Import cancelled; nothing was sent."), 8000)
                return
            confirmations.record(account_id)
        name = Path(wizard.file_page.path.text()).name
        await window.jobs.submit(session, window.tr("Import {0} into {1}").format(name, session.account.name), planned)
    finally:
        window.tasks.cancel(READ_TASK)
        window.tasks.cancel(PLAN_TASK)
        wizard.deleteLater()
