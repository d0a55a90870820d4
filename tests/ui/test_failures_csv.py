"""Save failures… in the Jobs panel: a job whose rows the provider refused is saved as a CSV of those rows,
with the shared headers and each row's error, ready to fix and import again."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from console.domain.jobs import JobState
from console.ui.bulk_change import BulkChangeDialog
from tests.support.qt import answer, signal, until, visible
from tests.ui.conftest import custom_values_read, window_with_journal


async def test_the_failed_rows_of_a_job_are_saved_with_their_errors(qtbot: Any, tmp_path: Path) -> None:
    window = await window_with_journal(qtbot, tmp_path / "app")
    model = window.model
    selection = QItemSelection()
    selection.select(model.index(0, 0), model.index(1, model.columnCount() - 1))
    window.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    ids = [model.customer(r).id for r in range(2)]
    window.bulk_action.trigger()
    dialog: BulkChangeDialog = await until(lambda: visible(BulkChangeDialog, "bulkChangeDialog"), what="the dialog")
    dialog.field.setCurrentIndex(dialog.field.findData("email"))
    qtbot.keyClicks(dialog.value, "not an email")
    reloaded = signal(window.load_finished, timeout=30)   # the table follows a finished job
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    question = await answer(QMessageBox.StandardButton.Yes)   # the accounts it changes, named
    assert "Square (Demo)" in question
    panel = window.jobs
    await until(lambda: panel.current() is not None and panel.current().state is JobState.FINISHED,  # type: ignore[union-attr]
                timeout=20, what="the job")
    await reloaded
    await custom_values_read(window)   # so no later status message hides the one this test reads
    assert panel.current().counts == {"failed": 2}   # type: ignore[union-attr]
    await until(lambda: panel.failures.count() == 2, what="the failed rows listed")
    assert not panel.failures.isHidden() and not panel.failures_label.isHidden()
    save = panel.buttons["save"]
    assert save.isEnabled() and save.text() == "Save failures…"
    out = tmp_path / "failures.csv"
    panel.choose_failures_path = lambda *_: str(out)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    await until(lambda: window.statusBar().currentMessage().startswith("Saved"), what="the failures saved")
    assert window.statusBar().currentMessage() == f"Saved 2 failed rows to {out}"
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["Customer id"] for row in rows] == ids
    assert all(row["Email"] == "not an email" and row["Error"] for row in rows)
    assert list(rows[0]) == ["Customer id", "Email", "Error"]
    await window.shutdown()
    await window.context.workspace.close()
