"""Jobs from the window: Change a field on selected rows runs as a job in the Jobs panel (progress,
counts, journaled writes); a job the last session left unfinished is offered again and resumes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from console.domain.jobs import JobState, OpKind, PlannedOp
from console.services.accounts import DEMO_PREFIX
from console.services.jobs import JobStore
from console.ui.bulk_change import BulkChangeDialog
from tests.support.qt import answer, until, visible
from tests.ui.conftest import window_with_journal


async def test_change_a_field_runs_as_a_job_with_progress_and_each_write_journaled(
        qtbot: Any, tmp_path: Path) -> None:
    window = await window_with_journal(qtbot, tmp_path / "app")
    model = window.model
    selection = QItemSelection()
    selection.select(model.index(0, 0), model.index(4, model.columnCount() - 1))
    window.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    ids = [model.customer(r).id for r in range(5)]
    window.bulk_action.trigger()
    dialog: BulkChangeDialog = await until(lambda: visible(BulkChangeDialog, "bulkChangeDialog"), what="the dialog")
    dialog.field.setCurrentIndex(dialog.field.findData("company"))
    qtbot.keyClicks(dialog.value, "Bulk Ltd")
    assert "on 5 customers" in dialog.summary.text()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    question = await answer(QMessageBox.StandardButton.Yes)   # naming the account the job changes
    assert "Square (Demo) [DEMO]: 5 customers" in question
    panel = window.jobs
    await until(lambda: panel.isVisible() and panel.current() is not None
                and panel.current().state is JobState.FINISHED, timeout=20, what="the job")  # type: ignore[union-attr]
    job = panel.current()
    assert job is not None and job.counts == {"done": 5} and "done" in panel.status.text()
    assert panel.progress.value() == panel.progress.maximum() == 5
    await until(lambda: panel.failures.isHidden() and panel.failures_label.isHidden(), what="no failed rows shown")
    session = window.session
    assert session is not None
    for customer_id in ids:
        assert (await session.service.provider.get(customer_id)).company == "Bulk Ltd"
    entries = await window.context.journal.entries(window_query())
    assert [x.intent.operation for x in entries].count("update") == 5
    await window.shutdown()
    await window.context.workspace.close()


def window_query() -> Any:
    from console.domain.journal import JournalQuery
    return JournalQuery(operation="update")


async def test_a_job_left_unfinished_is_offered_at_the_next_start_and_resumes(qtbot: Any, tmp_path: Path) -> None:
    window = await window_with_journal(qtbot, tmp_path / "app")
    session = window.session
    assert session is not None
    ids = [window.model.customer(r).id for r in range(3)]
    store = JobStore(window.context.workspace, "ada")
    job_id = await store.create("Left over", session.account.id, "square",
                                [PlannedOp(OpKind.UPDATE, i, values={"note": "resumed"}) for i in ids])
    await store.set_state(job_id, JobState.RUNNING)   # as a session that stopped mid-job leaves it
    await window.shutdown()
    await window.context.workspace.close()

    window = await window_with_journal(qtbot, tmp_path / "app")
    panel = window.jobs
    await until(lambda: panel.isVisible() and panel.current() is not None, what="the offer")
    job = panel.current()
    assert job is not None and job.id == job_id and job.state is JobState.PAUSED
    assert panel.notice.isVisible() and "did not finish" in panel.notice.text()
    assert panel.buttons["resume"].isEnabled()
    qtbot.mouseClick(panel.buttons["resume"], Qt.MouseButton.LeftButton)
    await until(lambda: panel.current() is not None and panel.current().state is JobState.FINISHED,  # type: ignore[union-attr]
                timeout=20, what="the job to finish")
    session = window.session
    assert session is not None
    for customer_id in ids:
        assert (await session.service.provider.get(customer_id)).note == "resumed"
    await window.shutdown()
    await window.context.workspace.close()


async def test_a_left_job_of_an_account_not_open_is_resumed_by_opening_that_account(qtbot: Any,
                                                                                    tmp_path: Path) -> None:
    window = await window_with_journal(qtbot, tmp_path / "app")
    assert window.session is not None and window.session.account.info.key == "square"
    store = JobStore(window.context.workspace, "ada")
    clover = DEMO_PREFIX + "clover"
    job_id = await store.create("Import into Clover", clover, "clover",
                                [PlannedOp(OpKind.CREATE, values={"given_name": f"Left{n}",
                                                                  "email": f"left{n}@example.com"}) for n in range(3)])
    await store.set_state(job_id, JobState.RUNNING)
    await window.shutdown()
    await window.context.workspace.close()

    window = await window_with_journal(qtbot, tmp_path / "app")   # opens on Square again
    panel = window.jobs
    await until(lambda: panel.isVisible() and panel.current() is not None, what="the offer")
    assert panel.buttons["resume"].isEnabled()
    qtbot.mouseClick(panel.buttons["resume"], Qt.MouseButton.LeftButton)
    await until(lambda: panel.current() is not None and panel.current().state is JobState.FINISHED,  # type: ignore[union-attr]
                timeout=20, what="the job to finish")
    session = panel.sessions[job_id]
    assert session.account.id == clover and window.session is not None and window.session.account.id != clover
    emails = {c.email async for page in session.provider.iter_pages() for c in page.customers}  # type: ignore[misc]
    assert {f"left{n}@example.com" for n in range(3)} <= emails
    await window.shutdown()
    await window.context.workspace.close()
