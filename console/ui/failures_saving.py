"""*Save failures…* in the Jobs panel: the current job's failed rows as a CSV to fix and import again."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from console.domain.jobs import Job, OpState
from console.services.failures_csv import write_failures
from console.ui.jobs_panel import TASK
from console.ui.wording import count_of

if TYPE_CHECKING:
    from console.ui.jobs_panel import JobsPanel


def save_current_failures(panel: JobsPanel) -> None:
    """Ask where (`panel.choose_failures_path`, else the file dialog), then save the current job's failed rows."""
    job = panel.current()
    path = (panel.choose_failures_path or ask_path)(panel, job) if job is not None else None
    if job is not None and path:
        panel.main.tasks.start(save_failures(panel, job, Path(path)), name=f"{TASK}:save-failures")


def ask_path(panel: JobsPanel, job: Job) -> str | None:
    """Where to save (the file dialog asks before replacing a file)."""
    path, _filter = QFileDialog.getSaveFileName(panel, panel.tr("Save failures"), f"{job.title} failures.csv",
                                                panel.tr("CSV files (*.csv)"))
    return path or None


async def save_failures(panel: JobsPanel, job: Job, path: Path) -> None:
    """Write the job's failed rows to `path`; the status bar says how many went where, or why none did."""
    window = panel.main
    failed = await panel.store.operations(job.id, [OpState.FAILED])
    try:
        written = await asyncio.to_thread(write_failures, failed, path, job.provider)
    except OSError as exc:
        window.statusBar().showMessage(window.tr("Could not save the failures to {0}: {1}").format(
            path, exc.strerror or exc), 10000)
        return
    window.statusBar().showMessage(window.tr("Saved {0} to {1}").format(
        count_of(written, window.tr("failed row"), window.tr("failed rows")), path), 10000)
