"""The Jobs panel (View → Jobs): each job with its progress, rate, time left and counts, Pause /
Resume / Cancel, its failed rows with their errors, *Retry failed* as a new job of those rows and *Save
failures…* as a CSV to fix and import again.
It also offers, at start, to resume the jobs the last session left unfinished."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.domain.jobs import Job, JobState, OpState, PlannedOp
from console.services.accounts import AccountSession
from console.services.jobs import JobRunner, JobStore
from console.ui.other_account import open_other_account
from console.ui.progress_bar import ProgressBar

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

TASK = "job"
_DONE = ("done", "failed", "skipped")


class JobsPanel(QDockWidget):
    """The window's jobs: one runner each while it runs."""

    changed = Signal(object)   # Job, at each step of its progress

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window.tr("Jobs"), window)
        self.main = window
        self.setObjectName("jobsPanel")
        self.store = JobStore(window.context.workspace, window.context.journal.author.who)
        self.runners: dict[str, JobRunner] = {}
        # Where Save failures… writes: None asks in a file dialog (failures_saving.py); a seam, tests answer it.
        self.choose_failures_path: Callable[[JobsPanel, Job], str | None] | None = None
        self.jobs: dict[str, Job] = {}
        self.sessions: dict[str, AccountSession] = {}
        self.started: dict[str, tuple[float, int]] = {}   # job id -> (when it started, operations done then)
        self.owned: dict[str, AccountSession] = {}   # sessions handed over (a copy's target), closed at the end
        body = QWidget(self)
        # No taller than its contents: the table keeps the window's height (the dock can still be dragged).
        body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.list = QListWidget(body)
        self.list.setObjectName("jobsList")
        self.list.currentRowChanged.connect(lambda _r: self._show_current())
        self.progress = ProgressBar(body)
        self.status = QLabel(body)
        self.status.setObjectName("jobStatus")
        self.notice = QLabel(body)   # jobs the last session left unfinished
        self.notice.setObjectName("jobsNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.failures = QListWidget(body)
        self.failures.setObjectName("jobFailures")
        # Compact: the table stays the window's main part while a job runs below it.
        self.list.setMaximumHeight(90)
        self.failures.setMaximumHeight(70)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot in (("pause", window.tr("Pause"), self.pause), ("resume", window.tr("Resume"), self.resume),
                                ("cancel", window.tr("Cancel"), self.cancel),
                                ("retry", window.tr("Retry failed"), self.retry_failed),
                                ("save", window.tr("Save failures…"), self.save_failures),
                                ("report", window.tr("Report…"), self.report)):
            button = self.buttons[key] = QPushButton(text, body)
            button.clicked.connect(slot)
            row.addWidget(button)
        self.buttons["report"].setObjectName("jobReport")
        self.failures_label = QLabel(window.tr("Failed rows:"), body)   # shown with the list, when any failed
        layout = QVBoxLayout(body)
        for widget in (self.notice, self.list, self.progress, self.status):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.failures_label)
        layout.addWidget(self.failures)
        self.setWidget(body)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        self.hide()
        self._show_current()
        window.account_opened.connect(lambda _id: window.tasks.start(self.offer_resume(), name=f"{TASK}:offer"))

    async def offer_resume(self) -> None:
        """Jobs the last session left unfinished (paused, or running when the app stopped): listed, to
        resume (their account is opened then if it is not open) or cancel."""
        if not await self.main.context.workspace.settled():   # a warm start opens it once its copy is shown
            return
        left = [j for j in await self.store.unfinished() if j.id not in self.runners]
        for job in left:
            # One left running stopped with the app: it is as good as paused.
            self._progressed(replace(job, state=JobState.PAUSED) if job.state is JobState.RUNNING else job)
        if left:
            self.notice.setText(self.main.tr("{0} job(s) from the last session did not finish: resume or cancel "
                                             "them here.").format(len(left)))
            self.notice.show()
            self.reveal()

    def session_for(self, account_id: str) -> AccountSession | None:
        window = self.main
        if window.session is not None and window.session.account.id == account_id:
            return window.session
        return window.all_accounts.sessions.get(account_id) or self.owned.get(account_id)

    def adopt(self, session: AccountSession) -> None:
        """Keep `session` (opened elsewhere, e.g. by the copy dialog) for its jobs until the window closes."""
        self.owned.setdefault(session.account.id, session)

    async def close_sessions(self) -> None:
        """Close the sessions handed over (the window's own are closed with it)."""
        owned, self.owned = list(self.owned.values()), {}
        for session in owned:
            await session.aclose()

    def reveal(self) -> None:
        """View → Jobs (also when a job starts): a strip below the table, which stays the main part."""
        first = not self.isVisible()
        self.show()
        self.raise_()
        if first:
            self.main.resizeDocks([self], [self.sizeHint().height()], Qt.Orientation.Vertical)

    # -- running ------------------------------------------------------------------------------
    async def submit(self, session: AccountSession, title: str, planned: list[PlannedOp]) -> str:
        """Make a job of `planned` at `session`'s account and start it; its id."""
        account = session.account
        job_id = await self.store.create(title, account.id, account.info.key, planned)
        self.start(job_id, session)
        return job_id

    def start(self, job_id: str, session: AccountSession) -> None:
        self.sessions[job_id] = session
        runner = self.runners.get(job_id) or JobRunner(self.store, session.service, on_progress=self._progressed)
        self.runners[job_id] = runner
        self.reveal()
        self.main.tasks.start(self._run(job_id, runner), name=f"{TASK}:{job_id}")

    async def _run(self, job_id: str, runner: JobRunner) -> None:
        job = await self.store.job(job_id)
        if job is not None:
            self.started[job_id] = (time.monotonic(), sum(job.counts.get(k, 0) for k in _DONE))
            self._progressed(job)
        job = await runner.run(job_id)
        self._progressed(job)
        if job.state is JobState.FINISHED:
            failed = job.counts.get("failed", 0)
            self.main.statusBar().showMessage(self.main.tr("{0}: finished, {1} done, {2} failed.").format(
                job.title, job.counts.get("done", 0), failed), 8000)
        self.main.loading.start()   # the table follows what the job changed at the provider

    def _progressed(self, job: Job) -> None:
        self.jobs[job.id] = job
        text = self._line(job)
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == job.id:
                item.setText(text)
                break
        else:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, job.id)
            self.list.addItem(item)
            self.list.setCurrentItem(item)
        self._show_current()
        self.changed.emit(job)

    def _line(self, job: Job) -> str:
        total, done = sum(job.counts.values()), sum(job.counts.get(k, 0) for k in _DONE)
        return f"{job.title} — {f'waiting: {job.waiting}' if job.waiting else job.state.value}: {done} of {total}"

    def current(self) -> Job | None:
        item = self.list.currentItem()
        return self.jobs.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _show_current(self) -> None:
        job = self.current()
        running = job is not None and job.state is JobState.RUNNING
        self.buttons["pause"].setEnabled(running)
        self.buttons["cancel"].setEnabled(job is not None and job.state in (JobState.RUNNING, JobState.PAUSED,
                                                                          JobState.PENDING))
        self.buttons["resume"].setEnabled(job is not None and job.state in (JobState.PAUSED, JobState.PENDING))
        self.buttons["report"].setEnabled(job is not None)
        self.buttons["retry"].setEnabled(job is not None and bool(job.counts.get("failed")) and
                                         job.state in (JobState.FINISHED, JobState.CANCELLED))
        self.buttons["save"].setEnabled(job is not None and bool(job.counts.get("failed")))
        if job is None:
            self.progress.setValue(0)
            self.status.setText("")
            return
        total = sum(job.counts.values()) or 1
        done = sum(job.counts.get(k, 0) for k in _DONE)
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        counts = ", ".join(f"{job.counts.get(k, 0)} {k}" for k in _DONE)
        rate = ""
        if job.id in self.started and job.state is JobState.RUNNING:
            since, before = self.started[job.id]
            elapsed, made = time.monotonic() - since, done - before
            if made and elapsed > 0:
                per_second = made / elapsed
                rate = self.main.tr("; {0:.1f} a second, about {1:.0f} s left").format(
                    per_second, (total - done) / per_second)
        self.status.setText(f"{counts}{rate}")
        self.main.tasks.start(self._fill_failures(job.id), name=f"{TASK}:failures")

    async def _fill_failures(self, job_id: str) -> None:
        failed = await self.store.operations(job_id, [OpState.FAILED])
        self.failures.clear()
        self.failures.setVisible(bool(failed))
        self.failures_label.setVisible(bool(failed))
        for op in failed:
            self.failures.addItem(f"{op.planned.label or op.planned.customer_id or op.seq}: {op.error}")

    # -- staff's controls -----------------------------------------------------------------------
    def pause(self) -> None:
        job = self.current()
        if job is not None and job.id in self.runners:
            self.runners[job.id].pause()

    def cancel(self) -> None:
        job = self.current()
        if job is not None and job.id in self.runners and job.state is JobState.RUNNING:
            self.runners[job.id].cancel()
        elif job is not None:   # paused or left by a crash: what was out is settled, nothing more sent
            self._with_session(job, self._cancel_stopped)

    def _cancel_stopped(self, job: Job, session: AccountSession) -> None:
        runner = self.runners.get(job.id) or JobRunner(self.store, session.service, on_progress=self._progressed)
        self.runners[job.id] = runner
        runner.cancel()
        self.main.tasks.start(self._run(job.id, runner), name=f"{TASK}:{job.id}")

    def report(self) -> None:
        """What the current job's creates made, read back from its account (a copy's report)."""
        if (job := self.current()) is not None:
            from console.ui.copy_report import open_job_report  # with the copy's modules: when first asked for

            self._with_session(job, lambda job, session: open_job_report(self.main, self.store, job, session))

    def resume(self) -> None:
        if (job := self.current()) is not None:
            self._with_session(job, lambda job, session: self.start(job.id, session))

    def _with_session(self, job: Job, act: Callable[[Job, AccountSession], object]) -> None:
        """`act` on `job` with a session on its account: the window's, or one opened for it now."""
        if job.id in self.sessions:
            act(job, self.sessions[job.id])
        else:
            self.main.tasks.start(self._open_then(job, act), name=f"{TASK}:open")

    async def _open_then(self, job: Job, act: Callable[[Job, AccountSession], object]) -> None:
        tr = self.main.tr
        session = self.session_for(job.account_id)
        if session is None:
            account = next((a for a in self.main.switching.accounts if a.id == job.account_id), None)
            if account is None:
                self.status.setText(tr("This job's account is no longer set up, so the job cannot go on."))
                return
            try:
                session = await open_other_account(self.main, account)
            except e.ConsoleError as exc:
                self.status.setText(tr("{0} could not be opened: {1}").format(account.name, exc))
                return
            self.adopt(session)
        self.sessions[job.id] = session
        act(job, session)

    def save_failures(self) -> None:
        """The failed rows as a CSV with the export's headers and an Error column, to fix and import again."""
        from console.ui.failures_saving import save_current_failures  # its dialog and writer: when first used

        save_current_failures(self)

    def retry_failed(self) -> None:
        if (job := self.current()) is not None:
            self._with_session(job, lambda job, session: self.main.tasks.start(self._retry(job, session),
                                                                                name=f"{TASK}:retry"))

    async def _retry(self, job: Job, session: AccountSession) -> None:
        failed = await self.store.operations(job.id, [OpState.FAILED])
        await self.submit(session, self.main.tr("{0} (retry of {1} failed)").format(job.title, len(failed)),
                          [op.planned for op in failed])
