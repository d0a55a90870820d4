"""*File → Export…* (Ctrl+E): the selected or shown customers of the open account (or All accounts) to a
CSV or XLSX file, with the columns staff tick. The file is written on a worker thread while this
dialog shows its progress with Cancel; the window stays in use meanwhile (the dialog is not modal).

Progress stays in the dialog rather than the Jobs panel: a job there is a list of writes kept in the
workspace to resume after a crash, with Pause, Resume and Retry failed; an export writes one local
file in seconds and has none of these, so a row there would offer buttons that do nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from console.services.customer_export import ExportFormat, export_customers
from console.services.customer_export_columns import ExportColumn, Record, plan_columns
from console.ui.export_rows import gather
from console.ui.progress_bar import ProgressBar
from console.ui.wording import count_of

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

TASK = "export"
_FORMATS = ((ExportFormat.CSV, "CSV (UTF-8, opens in Excel)"), (ExportFormat.XLSX, "Excel workbook (XLSX)"))


def open_export(window: MainWindow) -> ExportDialog | None:
    """Show the export dialog over the table's rows (None, with a word in the status bar, when there are none)."""
    window.model.finish_search()   # count every row the search shows
    shown = window.model.rowCount()
    if not shown:
        window.statusBar().showMessage(window.tr("No customers are shown to export."), 5000)
        return None
    dialog = ExportDialog(window, len(window.customer_list.selected_rows()), shown)
    dialog.show()
    return dialog


class ExportDialog(QDialog):
    """Which customers, which format and columns, which file; then the progress and the outcome."""

    def __init__(self, window: MainWindow, selected: int, shown: int) -> None:
        super().__init__(window)
        self.main = window
        self.selected = selected
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export customers"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(520)
        self.records: list[Record] = []
        self.planned: list[ExportColumn] = []
        self.unticked: set[str] = set()
        self.task: asyncio.Task[None] | None = None
        self.exporting = False
        self._replace: Path | None = None   # a file that exists, which Export pressed again replaces
        account = self.tr("All accounts") if window.all_accounts.active else (
            window.session.account.name if window.session is not None else "")
        self.selection_choice = QRadioButton(self.tr("The {0} selected").format(count_of(
            selected, self.tr("customer"), self.tr("customers"))), self)
        self.shown_choice = QRadioButton(self.tr("All {0} shown (after the search and filters)").format(
            count_of(shown, self.tr("customer"), self.tr("customers"))), self)
        self.selection_choice.setEnabled(bool(selected))
        (self.selection_choice if selected else self.shown_choice).setChecked(True)
        choice = QButtonGroup(self)
        choice.addButton(self.selection_choice)
        choice.addButton(self.shown_choice)
        self.shown_choice.toggled.connect(lambda _on: self.plan())   # either way, the other is untoggled
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        for fmt, text in _FORMATS:
            self.format.addItem(self.tr(text), fmt)
        self.format.currentIndexChanged.connect(lambda _i: self._follow_format())
        self.columns = QListWidget(self)
        self.columns.setObjectName("exportColumns")
        self.columns.itemChanged.connect(self._ticked)
        self.all_button = QPushButton(self.tr("Select &all"), self)
        self.none_button = QPushButton(self.tr("Select &none"), self)
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.none_button.clicked.connect(lambda: self._tick_all(False))
        self.path = QLineEdit(str(Path.home() / "customers.csv"), self)
        self.path.setObjectName("exportPath")
        self.path.textChanged.connect(lambda _t: setattr(self, "_replace", None))
        self.browse = QPushButton(self.tr("&Choose…"), self)
        self.browse.clicked.connect(self.choose_file)
        self.progress = ProgressBar(self)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton(self.tr("&Export"), self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.close_button = QPushButton(self.tr("Cancel"), self)
        self.close_button.setObjectName("exportClose")
        self.close_button.clicked.connect(self.reject)
        self._lay_out(account)
        self.plan()

    def _lay_out(self, account: str) -> None:
        form = QFormLayout()
        form.addRow(self.tr("From:"), QLabel(account, self))
        which = QVBoxLayout()
        which.addWidget(self.selection_choice)
        which.addWidget(self.shown_choice)
        form.addRow(self.tr("Customers:"), which)
        form.addRow(self.tr("&Format:"), self.format)
        ticks = QHBoxLayout()
        ticks.addWidget(self.all_button)
        ticks.addWidget(self.none_button)
        ticks.addStretch(1)
        form.addRow(self.tr("Co&lumns:"), self.columns)
        form.addRow("", ticks)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.browse)
        path_label = QLabel(self.tr("F&ile:"), self)
        path_label.setBuddy(self.path)
        form.addRow(path_label, where)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    # -- columns ------------------------------------------------------------------------------
    def plan(self) -> None:
        """Gather the chosen customers and the columns they can fill (off the loop's thread)."""
        if self.task is not None and not self.exporting:
            self.task.cancel()
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Reading the customers…"))
        self.task = self.main.tasks.start(self._plan(self.selection_choice.isChecked()), name=f"{TASK}:plan")

    async def _plan(self, selection: bool) -> None:
        records = await gather(self.main, selection)
        planned = await asyncio.to_thread(plan_columns, records)
        self.records, self.planned = records, planned
        self.columns.blockSignals(True)
        self.columns.clear()
        for column in planned:
            item = QListWidgetItem(column.header, self.columns)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setData(Qt.ItemDataRole.UserRole, column.key)
            item.setCheckState(Qt.CheckState.Unchecked if column.key in self.unticked else Qt.CheckState.Checked)
        self.columns.blockSignals(False)
        self.status.setText(self.tr("{0}, {1} columns.").format(
            count_of(len(records), self.tr("customer"), self.tr("customers")), len(planned)))
        self.export_button.setEnabled(True)

    def _ticked(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        (self.unticked.discard if item.checkState() == Qt.CheckState.Checked else self.unticked.add)(key)

    def _tick_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in range(self.columns.count()):
            self.columns.item(row).setCheckState(state)

    def chosen_columns(self) -> list[ExportColumn]:
        return [column for column in self.planned if column.key not in self.unticked]

    # -- the file -----------------------------------------------------------------------------
    def fmt(self) -> ExportFormat:
        return ExportFormat(self.format.currentData())

    def _follow_format(self) -> None:
        path = Path(self.path.text().strip())
        if path.suffix.lower() in (".csv", ".xlsx"):
            self.path.setText(str(path.with_suffix("." + self.fmt().value)))

    def choose_file(self) -> None:
        suffix = self.fmt().value
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Export to"), self.path.text(),
                                                    self.tr("{0} files (*.{1})").format(suffix.upper(), suffix))
        if path:
            self.path.setText(path)
            self._replace = Path(path)   # the file dialog has asked about replacing it

    def _problem(self, path: Path) -> str | None:
        if not self.path.text().strip():
            return self.tr("Choose the file to write.")
        if not self.chosen_columns():
            return self.tr("Tick at least one column.")
        if path.is_dir():
            return self.tr("{0} is a folder: name a file in it.").format(path)
        if not path.parent.is_dir():
            return self.tr("The folder {0} does not exist.").format(path.parent)
        if path.exists() and self._replace != path:
            self._replace = path
            return self.tr("{0} exists already: press Export again to replace it.").format(path)
        return None

    # -- exporting ----------------------------------------------------------------------------
    def start(self) -> None:
        path = Path(self.path.text().strip()).expanduser()
        problem = self._problem(path)
        if problem:
            self.status.setText(problem)
            return
        self.exporting = True
        self._enable_inputs(False)
        self.progress.setRange(0, max(len(self.records), 1))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(self.tr("Exporting to {0}…").format(path))
        self.task = self.main.tasks.start(self._export(path), name=f"{TASK}:write")

    def _progressed(self, done: int) -> None:
        if self.exporting:   # a report queued before a Cancel closed the dialog finds it gone
            self.progress.setValue(done)

    def _enable_inputs(self, on: bool) -> None:
        for widget in (self.shown_choice, self.format, self.columns, self.all_button, self.none_button, self.path,
                       self.browse, self.export_button):
            widget.setEnabled(on)
        self.selection_choice.setEnabled(on and bool(self.selected))

    async def _export(self, path: Path) -> None:
        records, columns, status, tr = self.records, self.chosen_columns(), self.main.statusBar(), self.main.tr
        try:
            written = await export_customers(records, columns, path, self.fmt(), self._progressed)
        except asyncio.CancelledError:
            # The dialog may be gone by now (closed with Cancel): only the window is told.
            status.showMessage(tr("Export cancelled: nothing was written."), 8000)
            raise
        except OSError as exc:
            self.exporting = False
            self.status.setText(self.tr("Could not write {0}: {1}. Nothing was written.").format(
                path, exc.strerror or exc))
            self._enable_inputs(True)
            self.progress.setVisible(False)
            return
        done = tr("Exported {0} to {1}").format(count_of(written, tr("customer"), tr("customers")), path)
        status.showMessage(done, 10000)
        if not self.exporting:   # closed with Cancel just after the file was whole: the dialog is gone
            return
        self.exporting = False
        self.status.setText(done)
        self.close_button.setText(self.tr("Close"))
        self.close_button.setFocus()

    def reject(self) -> None:
        """Cancel (Esc) stops an export under way (its file is not left behind) and closes."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
        self.exporting = False
        super().reject()
