"""View → History: every journaled write across accounts, filtered in the database, verified, exported,
and offered for revert (the lead's flow takes `revert_requested`)."""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from console.domain.journal import ChainCheck, JournalEntry, JournalQuery
from console.services import history_rows as text
from console.services.history_export import export_csv
from console.services.workspace import WorkspaceClosedError
from console.ui.history_detail import HistoryDetail
from console.ui.history_filters import HistoryFilters, named
from console.ui.history_model import HistoryModel
from console.ui.progress_bar import ProgressBar
from console.ui.revert_flow import revert_from_history
from console.ui.wording import count_of

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

TASK = "history"
WIDTHS = {HistoryModel.GROUP: 22, HistoryModel.WHEN: 140, HistoryModel.WHO: 80, HistoryModel.ACCOUNT: 130,
          HistoryModel.CUSTOMER: 210, HistoryModel.OPERATION: 90, HistoryModel.OUTCOME: 170}


def show_history(window: MainWindow) -> HistoryWindow:
    """Show the History window (raised if it is open already), reading the journal afresh."""
    history = window.findChild(HistoryWindow, "historyWindow")
    if history is None:
        history = HistoryWindow(window)
        history.revert_requested.connect(
            lambda entries: window.tasks.start(revert_from_history(window, history, entries), name="revert"))
    history.show()
    history.raise_()
    history.activateWindow()
    history.refresh()
    return history


class HistoryWindow(QDialog):
    """Non-modal; its reads run on the main window's task registry, so closing the app cancels them."""

    revert_requested = Signal(list)   # the JournalEntry objects to revert, newest first

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("historyWindow")
        self.setWindowTitle(self.tr("History"))
        self.setModal(False)
        self.resize(1120, 600)
        self.main = window
        self.journal = window.context.journal
        self.detail: HistoryDetail | None = None
        self.choose_export_path = self._ask_export_path   # a seam: tests answer without the dialog
        self.model = HistoryModel(self.journal, window.tasks, self)
        self._build()
        self.filters.changed.connect(self.reload)
        self.model.loaded.connect(self._counted)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self.model.page_read.connect(lambda _page: self._update_actions())   # the selected row may be in it
        self.table.activated.connect(self.show_details)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.filters.search.setFocus)
        self._update_actions()

    def _build(self) -> None:
        self.filters = HistoryFilters([(a.name, a.id) for a in self.main.switching.accounts], self)
        self.table = named(QTableView(self), "historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(HistoryModel.GROUP, QHeaderView.ResizeMode.Fixed)
        # The changes take the room left, so the outcome stays in view (the tooltip has them whole).
        header.setSectionResizeMode(HistoryModel.CHANGES, QHeaderView.ResizeMode.Stretch)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.details_action = named(QAction(self.tr("&Details…"), self), "historyDetails")
        self.details_action.triggered.connect(lambda: self.show_details(self.table.currentIndex()))
        self.revert_action = named(QAction(self.tr("Re&vert this change…"), self), "historyRevert")
        self.revert_action.triggered.connect(lambda: self.request_revert(group=False))
        self.revert_group_action = named(QAction(self.tr("Revert the &whole save…"), self),
                                          "historyRevertGroup")
        self.revert_group_action.triggered.connect(lambda: self.request_revert(group=True))
        self.status = named(QLabel(self), "historyStatus")
        self.verify_result = named(QLabel(self), "historyVerifyResult")
        self.verify_result.setWordWrap(True)
        self.verify_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = named(ProgressBar(self), "historyProgress")
        self.progress.setMaximumWidth(200)
        self.progress.setVisible(False)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, label, slot in (
                ("details", self.tr("&Details…"), self.details_action.trigger),
                ("revert", self.tr("Re&vert this change…"), self.revert_action.trigger),
                ("verify", self.tr("Verify &history"), self.verify),
                ("export", self.tr("&Export CSV…"), self.export),
                ("close", self.tr("Close"), self.close)):
            button = named(QPushButton(label, self), f"history_{name}")
            button.setAutoDefault(False)   # Enter in the table shows details; it presses no button
            button.clicked.connect(slot)
            self.buttons[name] = button
            if name == "verify":
                buttons.addWidget(self.status, 1)
                buttons.addWidget(self.progress)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.verify_result)
        layout.addLayout(buttons)
        self.verify_result.setVisible(False)

    # -- reading --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the entries the filters match, and the staff names and accounts to filter by, again."""
        self.filters.typing.stop()
        self.filters.set_accounts([(a.name, a.id) for a in self.main.switching.accounts])
        if self.journal.available:
            self.main.tasks.start(self._read_staff(), name=f"{TASK}-staff")
        self.reload()

    def reload(self) -> None:
        """Read the entries again for changed filters (the choices offered stay as they are)."""
        self.main.tasks.start(self._reload(), name=TASK)

    async def _read_staff(self) -> None:
        with contextlib.suppress(WorkspaceClosedError):   # said by the entries' read
            self.filters.set_staff(await self.journal.staff())

    async def _reload(self) -> None:
        if not self.journal.available:
            self.status.setText(self.tr("History is kept in the team workspace, which cannot be reached; it is "
                                        "back when the server answers.") if self.main.context.workspace.cached else
                                self.tr("No history here: the journal is kept in the local copy "
                                        "(View → Keep a local copy)."))
            return
        try:
            await self.model.load(self.filters.query())
        except WorkspaceClosedError:
            self.status.setText(self.tr("The local copy was closed; History cannot be read."))

    def _counted(self, total: int) -> None:
        self.status.setText(count_of(total, self.tr("entry"), self.tr("entries")))
        if total and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the table has shown an entry; QDialog would pass it on to the default button of
        # any dialog below this one (the entry's own page, which it would close at once).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- acting on entries ----------------------------------------------------------------------
    def selected(self) -> JournalEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if len(rows) == 1 else None

    def _update_actions(self) -> None:
        entry = self.selected()
        revertible = entry is not None and entry.outcome in text.REVERTIBLE
        self.details_action.setEnabled(entry is not None)
        self.revert_action.setEnabled(revertible)
        self.revert_group_action.setEnabled(revertible and entry is not None and entry.intent.group_id is not None)
        self.buttons["details"].setEnabled(entry is not None)
        self.buttons["revert"].setEnabled(revertible)

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        menu = named(QMenu(self), "historyMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addActions([self.details_action, self.revert_action, self.revert_group_action])
        menu.popup(self.table.viewport().mapToGlobal(point))

    def show_details(self, index: QModelIndex) -> HistoryDetail | None:
        entry = self.model.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if self.detail is not None:
            self.detail.close()
        self.detail = HistoryDetail(entry, self)   # kept: the page stays a HistoryDetail while open
        self.detail.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.detail.finished.connect(lambda _result: setattr(self, "detail", None))
        self.detail.open()
        return self.detail

    def request_revert(self, *, group: bool) -> None:
        entry = self.selected()
        if entry is None or entry.outcome not in text.REVERTIBLE:
            return
        if group and entry.intent.group_id:
            self.main.tasks.start(self._revert_group(entry.intent.group_id), name=f"{TASK}:revert")
        else:
            self.revert_requested.emit([entry])

    async def _revert_group(self, group_id: str) -> None:
        query = JournalQuery(group_id=group_id)
        self.revert_requested.emit(await self.journal.entries(query, limit=await self.journal.count(query)))

    # -- verifying and exporting ----------------------------------------------------------------
    def verify(self) -> None:
        self.buttons["verify"].setEnabled(False)
        self.verify_result.setText(self.tr("Verifying the history…"))
        self.verify_result.setVisible(True)
        self.main.tasks.start(self._verify(), name=f"{TASK}:verify")

    async def _verify(self) -> None:
        try:
            self.show_check(await self.journal.verify())
        finally:
            self.buttons["verify"].setEnabled(True)

    def show_check(self, check: ChainCheck) -> None:
        if check.intact:
            self.verify_result.setText(self.tr("History intact: {0} checked.").format(
                count_of(check.checked, self.tr("record"))))
            return
        d = check.details
        record = self.tr("the outcome of") if d.get("kind") == "outcome" else self.tr("the change of")
        customer = d.get("customer_name") or d.get("customer_id") or text.NOTHING
        if d.get("customer_name") and d.get("customer_id"):
            customer += f" ({d['customer_id']})"
        when = text.local_time(d["at"]) if isinstance(d.get("at"), datetime) else "?"
        self.verify_result.setText(self.tr(
            "History has been altered. The first record that does not match is record {0}, {1} {2} by {3} "
            "to {4}: {5}. The {6} before it match.").format(
            check.first_bad, record, when, d.get("who", "?"), customer, check.reason,
            count_of(check.checked, self.tr("record"))))

    def _ask_export_path(self) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Export history"), "history.csv",
                                                    self.tr("CSV files (*.csv)"))
        return path or None

    def export(self) -> None:
        path = self.choose_export_path()
        if path:
            self.buttons["export"].setEnabled(False)
            self.main.tasks.start(self._export(Path(path), self.filters.query()), name=f"{TASK}:export")

    async def _export(self, path: Path, query: JournalQuery) -> None:
        self.progress.setVisible(True)
        self.progress.setValue(0)

        def progress(done: int, total: int) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
        try:
            written = await export_csv(self.journal, query, path, progress)
            self.status.setText(self.tr("Exported {0} to {1}").format(
                count_of(written, self.tr("entry"), self.tr("entries")), path))
        except OSError as exc:
            self.status.setText(self.tr("Could not export to {0}: {1}").format(path, exc.strerror or exc))
        finally:
            self.progress.setVisible(False)
            self.buttons["export"].setEnabled(True)
