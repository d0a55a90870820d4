"""File → Import… end to end on the Clover demo account: a small CSV read, its columns guessed, the
preview checked (an invalid cell fixed in place, a row left out), the job run in the Jobs panel, and
the new customers in the table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from console.domain.jobs import JobState
from console.services.import_mapping import mapping_memory
from console.ui.import_preview import PreviewPage
from console.ui.import_wizard import ImportWizard
from tests.support.qt import answer, until, visible
from tests.ui.conftest import open_demo, window_with_journal


def names_in_table(window: Any) -> set[str]:
    model = window.model
    return {model.customer(r).full_name for r in range(model.rowCount())}


async def test_a_csv_imported_into_the_clover_demo_through_the_wizard(qtbot: Any, tmp_path: Path) -> None:
    window = await window_with_journal(qtbot, tmp_path / "app")
    await open_demo(window, "clover")
    session = window.session
    assert session is not None
    existing = next(c for c in session.service.index if c.email)
    path = tmp_path / "trade show.csv"
    path.write_text("First name;Surname;E-mail address;Notes;Customer id\n"
                    "Imogène;Importer;imogen.import@example.com;met at the show;x1\n"
                    "Ivo;Invalid;ivo-at-example.com;;\n"
                    f";;{existing.email.upper()};updated by import;\n"   # type: ignore[union-attr]
                    "Left;Out;left.out@example.com;;\n", encoding="cp1252")

    window.import_action.trigger()
    wizard: ImportWizard = await until(lambda: visible(ImportWizard, "importWizard"), what="the wizard")
    page = wizard.file_page
    assert page.account.currentText() == "Clover (Demo)" and page.match.currentText() == "Email"
    page.encoding.setCurrentIndex(page.encoding.findData("utf-8"))   # the wrong one: the file is Windows-1252
    page.path.setText(str(path))
    await until(lambda: "not valid UTF-8" in page.status.text(), what="the refusal")
    assert not page.isComplete()
    page.encoding.setCurrentIndex(0)   # Detect
    await until(page.isComplete, what="the file read")
    assert "4 rows, 5 columns (CSV, Windows-1252)" in page.status.text()
    wizard.next()

    mapping = wizard.mapping_page
    assert mapping.mapping() == ["given_name", "family_name", "email", "note", None]
    mapping.boxes[3].setCurrentIndex(mapping.boxes[3].findData("email"))   # a field for two columns
    assert not mapping.isComplete() and "chosen for two columns" in mapping.problem.text()
    mapping.boxes[3].setCurrentIndex(mapping.boxes[3].findData("note"))
    assert mapping.isComplete()
    wizard.next()
    preview: PreviewPage = wizard.preview_page
    await until(lambda: preview.ready, what="the preview")
    assert "create 2, update 1, unchanged 0, invalid 1" in preview.counts.text()
    model, view = preview.model, preview.view
    bad = model.index(1, 5)
    assert "Not a valid email address" in model.data(bad, Qt.ItemDataRole.ToolTipRole)
    view.setCurrentIndex(bad)
    assert "Row 3: E-mail address: Not a valid email address" in preview.details.text()

    # Fix the cell from the keyboard: F2, type, Enter; the row is checked again.
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = await until(QApplication.focusWidget, what="the cell editor")
    editor.selectAll()
    qtbot.keyClicks(editor, "ivo@example.com")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    await until(lambda: "create 3, update 1, unchanged 0, invalid 0" in preview.counts.text(), what="rechecked")
    # Leave the last row out: Space on its tick.
    view.setCurrentIndex(model.index(3, 0))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert "create 2, update 1, unchanged 0, invalid 0, excluded 1" in preview.counts.text()
    assert [op.label for op in preview.planned()] == [
        "row 2: Imogène Importer", "row 3: Ivo Invalid", f"row 4: {existing.email.upper()}"]  # type: ignore[union-attr]

    wizard_headers = wizard.table.headers
    wizard.button(QWizard.WizardButton.FinishButton).click()
    panel = window.jobs
    await until(lambda: panel.current() is not None and panel.current().state is JobState.FINISHED,  # type: ignore[union-attr]
                timeout=30, what="the job")
    job = panel.current()
    assert job is not None and job.counts == {"done": 3} and job.title == "Import trade show.csv into Clover (Demo)"
    await until(lambda: {"Imogène Importer", "Ivo Invalid"} <= names_in_table(window), timeout=30, what="the table")
    assert "Left Out" not in names_in_table(window)
    assert (await session.service.fetch(existing.id)).note == "updated by import"
    remembered = mapping_memory(window.context.paths.config_dir).recall(wizard_headers, session.service.capabilities)
    assert remembered == ["given_name", "family_name", "email", "note", None]   # offered again for these headers
    await window.shutdown()
    await window.context.workspace.close()


async def test_a_production_account_is_confirmed_first_and_no_sends_nothing(qtbot: Any, tmp_path: Path) -> None:
    window = await window_with_journal(qtbot, tmp_path / "app")
    session = window.session
    assert session is not None
    session.environment = "production"   # as a live account is; the demo's emulator stays behind it
    path = tmp_path / "live.csv"
    path.write_text("Email,Company\nlive.import@example.com,Live Ltd\n", encoding="utf-8")
    window.import_action.trigger()
    wizard: ImportWizard = await until(lambda: visible(ImportWizard, "importWizard"), what="the wizard")
    wizard.file_page.path.setText(str(path))
    await until(wizard.file_page.isComplete, what="the file read")
    wizard.next()
    window.loading.start()   # F5 meanwhile: the preview matches against the whole account, once loaded
    wizard.next()
    assert window.tasks.running("load") and not wizard.preview_page.ready
    await until(lambda: wizard.preview_page.isComplete(), what="the preview")
    assert not window.tasks.running("load")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    text = await answer(QMessageBox.StandardButton.No)
    assert "PRODUCTION account" in text
    await until(lambda: "nothing was sent" in window.statusBar().currentMessage(), what="the message")
    assert window.jobs.jobs == {} and not session.service.confirmations.is_confirmed(session.account.id)
    assert not [c for c in session.service.index if c.email == "live.import@example.com"]
    await window.shutdown()
    await window.context.workspace.close()
