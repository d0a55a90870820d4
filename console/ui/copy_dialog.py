"""Customer → Copy to another account…: choose the target, preview what goes and what stays, a dry
run if wanted, then the copy as a job at the target (Jobs panel), and the report of what arrived.

The target is opened here unless the window has it open; a copy job's session is handed to the Jobs
panel, which keeps it (pause, resume, report) until the window closes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.domain.customer import Customer
from console.domain.jobs import Job, JobState, OpState
from console.services.accounts import Account, AccountSession, all_accounts
from console.services.context import AppContext
from console.services.copy_job import copy_report, dry_run, make_copy_job, rule_problems
from console.services.customer_copy import CopyItem, plan_copy, with_custom_fields
from console.services.workspace import WorkspaceClosedError
from console.ui.async_qt import TaskRegistry
from console.ui.copy_preview import make_tree, show_plan
from console.ui.copy_report import show_report
from console.ui.other_account import open_other_account
from console.ui.production_confirmation import confirm_accounts
from console.ui.progress_bar import ProgressBar
from console.ui.wording import count_of

if TYPE_CHECKING:
    from console.ui.jobs_panel import JobsPanel

CHOOSE, PREVIEW, REPORT = range(3)
_ENDED = (JobState.FINISHED, JobState.CANCELLED)
_SENDING = (JobState.PENDING, JobState.RUNNING)   # pending: started, its first step not reported yet


class CopyDialog(QDialog):
    """Copies the customers chosen in the window (from `source`) into another account."""

    previewed = Signal()       # the preview of the chosen target is shown
    reported = Signal(object)  # CopyReport: the dry run's, or what arrived once the copy job has ended

    def __init__(self, context: AppContext, source: AccountSession, customers: Sequence[Customer], *,
                 jobs: JobsPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copyDialog")
        self.setWindowTitle(self.tr("Copy to another account"))
        self.context, self.source, self.customers, self.jobs = context, source, list(customers), jobs
        self.tasks = TaskRegistry()     # this dialog's own work (opening the target, planning, the report)
        self.target: AccountSession | None = None
        self.owns_target = False        # opened here (closed with the dialog unless a job took it)
        self.items: list[CopyItem] = []
        self.job_id: str | None = None
        self.job_state: JobState | None = None
        self.accounts = [a for a in all_accounts(context.settings, context.demo) if a.id != source.account.id]
        self.pages = QStackedWidget(self)
        for page in (self._choose_page(), self._preview_page(), self._report_page()):
            self.pages.addWidget(page)
        self.buttons = {key: QPushButton(text, self) for key, text in (
            ("copyBack", self.tr("< &Back")), ("copyPreviewButton", self.tr("&Preview >")),
            ("copyDryRun", self.tr("&Dry run")), ("copyStart", self.tr("&Copy")),
            ("copyStop", self.tr("Cancel the job")), ("copyCancel", self.tr("Cancel")))}
        self.back_button, self.next_button = self.buttons["copyBack"], self.buttons["copyPreviewButton"]
        self.dry_button, self.copy_button = self.buttons["copyDryRun"], self.buttons["copyStart"]
        self.stop_button, self.cancel_button = self.buttons["copyStop"], self.buttons["copyCancel"]
        for button, slot in ((self.back_button, self.back), (self.next_button, self.preview),
                             (self.dry_button, self.dry_run), (self.copy_button, self.copy),
                             (self.stop_button, self.stop), (self.cancel_button, self.reject)):
            button.clicked.connect(slot)
        row = QHBoxLayout()
        row.addStretch(1)
        for name, button in self.buttons.items():
            button.setObjectName(name)
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(row)
        self.resize(760, 520)
        self.finished.connect(lambda _r: self._closed())
        self._show_page(CHOOSE)

    def _choose_page(self) -> QWidget:
        self.target_list = QListWidget(self)
        self.target_list.setObjectName("targetList")
        for account in self.accounts:
            entry = QListWidgetItem(f"{account.name}  [{account.environment.upper()}]", self.target_list)
            entry.setToolTip(account.info.display_name)
        self.target_list.currentRowChanged.connect(lambda _r: self._enable())
        self.target_list.itemDoubleClicked.connect(lambda _i: self.preview())
        self.choose_status = self._label("copyChooseStatus")
        intro = self._label("", self.tr("Copy {0} from {1} to:").format(
            count_of(len(self.customers), self.tr("customer")), self.source.account.name))
        return self._page(intro, self.target_list, self.choose_status, stretch=self.target_list)

    def _preview_page(self) -> QWidget:
        self.preview_summary = self._label("copySummary")
        self.preview_tree = make_tree(self, "copyPreview", [self.tr("Customer"), self.tr("At the target")])
        note = self._label("", self.tr("Cards are never copied: they stay at the provider that holds them."))
        return self._page(self.preview_summary, self.preview_tree, note, stretch=self.preview_tree)

    def _report_page(self) -> QWidget:
        self.copy_status = self._label("copyStatus")
        self.progress = ProgressBar(self)
        self.progress.setObjectName("copyProgress")
        self.results = make_tree(self, "copyResults", [self.tr("Customer"), self.tr("Result")])
        return self._page(self.copy_status, self.progress, self.results, stretch=self.results)

    def _page(self, *widgets: QWidget, stretch: QWidget) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        for widget in widgets:
            layout.addWidget(widget, 1 if widget is stretch else 0)
        return page

    def _label(self, name: str, text: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    def _copyable(self) -> int:
        """How many the copy would create: those the dry run does not refuse."""
        caps = self.target.service.capabilities if self.target is not None else None
        return sum(1 for item in self.items if caps is not None and rule_problems(item, caps) is None)

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self._enable()

    def _enable(self, busy: bool = False) -> None:
        page, planning = self.pages.currentIndex(), self.job_id is None
        copyable = self._copyable()
        writable = self.target is not None and not self.target.account.read_only
        self.back_button.setVisible(planning and page != CHOOSE)
        self.next_button.setVisible(page == CHOOSE)
        self.next_button.setEnabled(not busy and self.target_list.currentRow() >= 0)
        self.dry_button.setVisible(planning and page == PREVIEW)
        self.copy_button.setVisible(planning and page != CHOOSE)
        self.copy_button.setEnabled(not busy and copyable > 0 and writable)
        self.copy_button.setText(self.tr("&Copy {0}").format(count_of(copyable, self.tr("customer"))))
        self.stop_button.setVisible(not planning)
        self.stop_button.setEnabled(self.job_state in _SENDING)
        self.progress.setVisible(not planning)
        self.cancel_button.setText(self.tr("Cancel") if planning else self.tr("Close"))

    def preview(self) -> None:
        row = self.target_list.currentRow()
        if 0 <= row < len(self.accounts):
            self.tasks.start(self._prepare(self.accounts[row]), name="prepare")

    async def _prepare(self, account: Account) -> None:
        """Open the target account (unless the window has it open) and plan the copy into it."""
        self._enable(busy=True)
        self.choose_status.setText(self.tr("Opening {0}…").format(account.name))
        try:
            if self.target is None or self.target.account != account:
                await self._close_target()
                self.target = self.jobs.session_for(account.id)
                if self.target is None:
                    self.target = await open_other_account(self.jobs.main, account)
                    self.owns_target = True
            self.choose_status.setText(self.tr("Reading the customers' custom fields…"))
            customers, definitions = await with_custom_fields(self.source.custom_fields, self.customers)
        except e.ConsoleError as exc:
            self.choose_status.setText(f"{exc.title}: {exc.message}")
            self._enable()
            return
        self.items = plan_copy(customers, self.source.service.capabilities, self.target.service.capabilities,
                               definitions)
        self.choose_status.clear()
        show_plan(self.preview_tree, self.items)
        self.preview_summary.setText(self._summary(account))
        self._show_page(PREVIEW)
        self.previewed.emit()

    def _summary(self, account: Account) -> str:
        copyable = self._copyable()
        left = sum(len(item.left_behind) for item in self.items)
        provider = account.info.display_name
        where = account.name if provider in account.name else f"{account.name} ({provider})"
        text = self.tr("{0} will be created in {1}.").format(count_of(copyable, self.tr("customer")), where)
        if copyable < len(self.items):
            text += " " + self.tr("{0} cannot be copied.").format(
                count_of(len(self.items) - copyable, self.tr("customer")))
        if left:
            text += " " + self.tr("{0} stay behind, each with its reason below.").format(
                count_of(left, self.tr("value or record"), self.tr("values or records")))
        if account.read_only:
            text += " " + self.tr("{0} is read-only: nothing can be copied into it.").format(account.name)
        return text

    def back(self) -> None:
        self._show_page(PREVIEW if self.pages.currentIndex() == REPORT else CHOOSE)

    def dry_run(self) -> None:
        """Check every customer against the target's rules and say what would happen; nothing is sent."""
        if self.target is None:
            return
        report = dry_run(self.items, self.target.service.capabilities)
        self.copy_status.setText(report.summary())
        show_report(self.results, report)
        self._show_page(REPORT)
        self.reported.emit(report)

    def copy(self) -> None:
        if self.target is not None and self.job_id is None:
            self.tasks.start(self._start_job(self.target), name="job")

    async def _start_job(self, target: AccountSession) -> None:
        copyable = self._copyable()
        what = count_of(copyable, self.tr("customer"))
        question = self.tr("Copy {0} from {1} into {2}?").format(what, self.source.account.name, target.account.name)
        if not await confirm_accounts(self, self.tr("Copy customers"), question, [(target, copyable)],
                                      go=self.tr("Copy {0}").format(what)):
            return
        title = self.tr("Copy from {0} to {1}").format(self.source.account.name, target.account.name)
        try:
            job_id = await make_copy_job(self.jobs.store, title, target, self.items, self.source.account.id)
        except (e.ConsoleError, WorkspaceClosedError) as exc:
            self.preview_summary.setText(self.tr("The copy could not be made a job: {0}").format(exc))
            return
        self.job_id = job_id
        if self.owns_target:
            self.jobs.adopt(target)
            self.owns_target = False
        self.jobs.changed.connect(self._job_changed)
        self.results.clear()
        self.copy_status.setText(self.tr("Copying to {0} as a job (also in the Jobs panel)…").format(
            target.account.name))
        self._show_page(REPORT)
        self.jobs.start(job_id, target)

    def _job_changed(self, job: Job) -> None:
        if job.id != self.job_id or self.job_state in _ENDED:
            return
        self.job_state = job.state
        total = sum(job.counts.values())
        done = total - job.counts.get(OpState.PENDING.value, 0) - job.counts.get(OpState.SENDING.value, 0)
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        if job.state in _ENDED and self.target is not None:
            self.copy_status.setText(self.tr("Reading the created customers back from {0}…").format(
                self.target.account.name))
            self.tasks.start(self._report(job.id, self.target), name="report")
        elif job.state is JobState.PAUSED:
            self.copy_status.setText(self.tr("Paused: resume or cancel it in the Jobs panel."))
        self._enable()

    async def _report(self, job_id: str, target: AccountSession) -> None:
        report = await copy_report(await self.jobs.store.operations(job_id), target.service)
        self.copy_status.setText(report.summary())
        show_report(self.results, report)
        self.reported.emit(report)

    def stop(self) -> None:
        """Cancel the job: it stops after the customer being sent (a create is never cut off halfway)."""
        runner = self.jobs.runners.get(self.job_id or "")
        if runner is not None and self.job_state in _SENDING:
            runner.cancel()
            self.copy_status.setText(self.tr("Stopping after the customer being sent…"))
            self.stop_button.setEnabled(False)

    def _closed(self) -> None:
        """The job (if any) goes on in the Jobs panel; a target opened here and not handed over is closed."""
        for task in ("prepare", "report"):
            self.tasks.cancel(task)
        if self.job_id is not None:
            self.jobs.changed.disconnect(self._job_changed)
        if self.owns_target and self.target is not None:
            self.jobs.main.tasks.start(self.target.aclose())
        self.target, self.owns_target = None, False

    async def _close_target(self) -> None:
        target, self.target = self.target, None
        if target is not None and self.owns_target:
            self.owns_target = False
            await target.aclose()


def open_copy_dialog(context: AppContext, source: AccountSession, customers: Sequence[Customer], *,
                     jobs: JobsPanel, parent: QWidget) -> CopyDialog:
    """Show the copy dialog (window-modal); it is deleted once closed."""
    dialog = CopyDialog(context, source, customers, jobs=jobs, parent=parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
