"""The import wizard's preview page: every row with what it would do (create, update, unchanged or
invalid), invalid cells marked with their reason (tooltip, and the details line for the current row),
the counts; staff fix a cell in place (the row is checked again) or untick a row to leave it out."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWizardPage

from console.domain.jobs import PlannedOp
from console.services.import_plan import ImportPlan, ImportPlanner, PlannedRow, RowKind
from console.ui.async_qt import wait_signal
from console.ui.theme import error_colour

if TYPE_CHECKING:
    from console.ui.import_wizard import ImportWizard

PLAN_TASK = "import-plan"
_FIXED = 3   # Import (tick), Row, Result; the file's columns follow
Index = QModelIndex | QPersistentModelIndex


class PreviewModel(QAbstractTableModel):
    """The planned rows over the file's cells, which staff may edit."""

    changed = Signal()   # a cell edited or a row ticked: the counts change

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.planner: ImportPlanner | None = None
        self.headers: tuple[str, ...] = ()
        self.cells: list[list[str]] = []
        self.base: list[PlannedRow] = []
        self.plan = ImportPlan((), [])
        self.excluded: set[int] = set()

    def reset(self, planner: ImportPlanner, cells: list[list[str]], base: list[PlannedRow]) -> None:
        self.beginResetModel()
        self.planner, self.headers, self.cells, self.base = planner, planner.headers, cells, base
        self.plan, self.excluded = planner.flag_repeats(base), set()
        self.endResetModel()
        self.changed.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self.plan.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _FIXED + len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        fixed = (self.tr("Import"), self.tr("Row"), self.tr("Result"))
        return fixed[section] if section < _FIXED else self.headers[section - _FIXED]

    def result(self, row: int) -> str:
        return self.tr("excluded") if row in self.excluded else self.tr(self.plan.rows[row].kind.value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        r, c = index.row(), index.column()
        planned = self.plan.rows[r]
        problem = planned.problems.get(c - _FIXED) if c >= _FIXED else (planned.row_problem if c == 2 else None)
        if role == Qt.ItemDataRole.CheckStateRole and c == 0:
            return Qt.CheckState.Unchecked if r in self.excluded else Qt.CheckState.Checked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (None, str(planned.number), self.result(r))[c] if c < _FIXED else self.cells[r][c - _FIXED]
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem
        if role == Qt.ItemDataRole.ForegroundRole and (problem or (c == 2 and planned.kind is RowKind.INVALID)):
            return QColor(error_colour())
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            colour = QColor(error_colour())
            colour.setAlpha(40)
            return colour
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() >= _FIXED else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        r, c = index.row(), index.column()
        if c == 0 and role == Qt.ItemDataRole.CheckStateRole:
            if Qt.CheckState(value) == Qt.CheckState.Checked:
                self.excluded.discard(r)
            else:
                self.excluded.add(r)
            self.dataChanged.emit(self.index(r, 0), self.index(r, 2))
        elif c >= _FIXED and role == Qt.ItemDataRole.EditRole and self.planner is not None:
            self.cells[r][c - _FIXED] = str(value).strip()
            self.base[r] = self.planner.row(self.base[r].number, self.cells[r])
            # Checked again, and every row with it: a fix can end or start a repeat elsewhere in the file.
            self.plan = self.planner.flag_repeats(self.base)
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
        else:
            return False
        self.changed.emit()
        return True


class PreviewPage(QWizardPage):
    """The last page: nothing has been sent until its Start button."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle(self.tr("Check before importing"))
        self.setSubTitle(self.tr("Only valid, ticked rows are sent. Edit a cell to fix it (F2), or untick a row "
                                 "(Space) to leave it out."))
        self.ready = False
        self.model = PreviewModel(self)
        self.model.changed.connect(self._counted)
        self.view = QTableView(self)
        self.view.setObjectName("importPreview")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.selectionModel().currentChanged.connect(lambda current, _previous: self._details(current.row()))
        self.counts = QLabel(self)
        self.counts.setObjectName("importCounts")
        self.details = QLabel(self)
        self.details.setObjectName("importDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)

    def initializePage(self) -> None:
        """Plan every row against the chosen account's loaded customers, off the window's thread."""
        owner = self.owner
        self.ready = False
        self.counts.setText(self.tr("Checking {0} rows…").format(len(owner.table.rows)))
        service = owner.session.service
        planner = ImportPlanner(service.capabilities, owner.table.headers, owner.mapping_page.mapping(),
                                list(service.index), owner.match)
        owner.main.tasks.start(self._plan(planner), name=PLAN_TASK)

    async def _plan(self, planner: ImportPlanner) -> None:
        owner = self.owner
        account = owner.session.account
        for task in ("load", f"load:{account.id}"):   # the account alone, or in All accounts
            if owner.main.tasks.running(task):
                # Matching against half the customers would create the other half's rows again.
                self.counts.setText(self.tr("Waiting for {0} to finish loading…").format(account.name))
                await wait_signal(owner.main.load_finished)
                service = owner.session.service
                planner = ImportPlanner(service.capabilities, planner.headers, planner.mapping,
                                        list(service.index), planner.match)
        table = owner.table
        cells = [list(row) for row in table.rows]
        base = await asyncio.get_running_loop().run_in_executor(None, lambda: [
            planner.row(number, row) for number, row in zip(table.row_numbers, cells, strict=True)])
        self.model.reset(planner, cells, base)
        self.ready = True
        self._counted()
        self.view.setCurrentIndex(self.model.index(0, _FIXED))
        self.view.setFocus()

    def cleanupPage(self) -> None:
        self.owner.main.tasks.cancel(PLAN_TASK)
        self.ready = False

    def _counted(self) -> None:
        if not self.ready:
            return
        excluded = self.model.excluded
        text = self.tr("Into {0}: {1}").format(self.owner.session.account.name, self.model.plan.summary(excluded))
        self.counts.setText(text + (self.tr(", excluded {0}").format(len(excluded)) if excluded else ""))
        self._details(self.view.currentIndex().row())
        self.completeChanged.emit()

    def _details(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            self.details.clear()
            return
        planned = self.model.plan.rows[row]
        reasons = planned.reasons(self.model.headers)
        what = {RowKind.UPDATE: self.tr("updates {0}: {1}").format(planned.customer_id, ", ".join(planned.changes)),
                RowKind.UNCHANGED: self.tr("matches {0}; nothing to change").format(planned.customer_id),
                RowKind.CREATE: self.tr("creates a customer")}.get(planned.kind, "; ".join(reasons))
        self.details.setText(self.tr("Row {0}: {1}").format(planned.number, what))

    def isComplete(self) -> bool:
        return self.ready and bool(self.planned())

    def planned(self) -> list[PlannedOp]:
        return self.model.plan.planned(self.model.excluded)
