"""A copy's report as a tree (the dry run's, and what arrived once the job has run), in the copy dialog
or in its own window from the Jobs panel's *Report…*."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from console.domain import errors as e
from console.domain.jobs import Job
from console.services.accounts import AccountSession
from console.services.copy_job import CopyReport, Outcome, ReportRow, copy_report
from console.services.jobs import JobStore
from console.ui.async_qt import TaskRegistry
from console.ui.copy_preview import make_tree


def _tr(text: str) -> str:
    return QCoreApplication.translate("CopyReport", text)


def outcome_text(row: ReportRow) -> str:
    """The row's outcome as the report's second column says it."""
    if row.outcome is Outcome.CREATED:
        return _tr("Created as {0}").format(row.target_id)
    if row.outcome is Outcome.WOULD_CREATE:
        return _tr("Would be created")
    if row.outcome is Outcome.PENDING:
        return _tr("Not sent yet")
    said = {Outcome.FAILED: _tr("Failed"), Outcome.NOT_SENT: _tr("Not sent"), Outcome.REFUSED: _tr("Refused")}
    return f"{said[row.outcome]} — {row.error}" if row.error else said[row.outcome]


def _branch(top: QTreeWidgetItem, title: str, lines: tuple[str, ...]) -> None:
    if not lines:
        return
    branch = QTreeWidgetItem(top, [title, str(len(lines))])
    for line in lines:
        what, _, why = line.partition(": ")
        child = QTreeWidgetItem(branch, [what, why])
        child.setToolTip(1, why)
    branch.setExpanded(True)


def show_report(tree: QTreeWidget, report: CopyReport) -> None:
    """One branch per customer: its outcome, then what went, what did not arrive as sent, what stayed behind."""
    tree.clear()
    for row in report.rows:
        top = QTreeWidgetItem(tree, [row.name, outcome_text(row)])
        top.setToolTip(1, top.text(1))
        _branch(top, _tr("Would carry"), row.carried)
        _branch(top, _tr("Did not arrive as sent"), row.mismatches)
        if row.unread:
            QTreeWidgetItem(top, [_tr("Not read back"), row.unread])
        _branch(top, _tr("Stays behind"), row.left_behind)
        top.setExpanded(bool(row.mismatches or row.unread or row.carried))
    tree.resizeColumnToContents(0)


class CopyReportDialog(QDialog):
    """A finished job's report (Jobs panel → Report…), read back from its account when opened."""

    def __init__(self, parent: QWidget, title: str) -> None:
        super().__init__(parent)
        self.setObjectName("copyReportDialog")
        self.setWindowTitle(self.tr("Report: {0}").format(title))
        self.summary = QLabel(self.tr("Reading the created customers back…"), self)
        self.summary.setObjectName("copyReportSummary")
        self.summary.setWordWrap(True)
        self.tree = make_tree(self, "copyReportTree", [self.tr("Customer"), self.tr("Result")])
        self.tasks = TaskRegistry()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.resize(720, 460)
        self.finished.connect(lambda _r: self.tasks.cancel("report"))

    async def fill(self, store: JobStore, job: Job, session: AccountSession) -> None:
        try:
            report = await copy_report(await store.operations(job.id), session.service)
        except e.ConsoleError as exc:
            self.summary.setText(f"{exc.title}: {exc.message}")
            return
        self.summary.setText(report.summary())
        show_report(self.tree, report)


def open_job_report(parent: QWidget, store: JobStore, job: Job, session: AccountSession) -> CopyReportDialog:
    """Show the report of `job` (run at `session`'s account); deleted once closed."""
    dialog = CopyReportDialog(parent, job.title)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    dialog.tasks.start(dialog.fill(store, job, session), name="report")
    return dialog
