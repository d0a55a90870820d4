"""Drafts exist only while a dialog holds unsaved typing."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until


async def test_typing_writes_a_draft_and_saving_removes_it(qtbot: Any, window: MainWindow) -> None:
    window.table.selectRow(0)
    dialog = window.editing.edit_selected()
    assert dialog is not None
    company = dialog.editors["company"].editor
    assert isinstance(company, QLineEdit)
    company.selectAll()
    qtbot.keyClicks(company, "Draft Co")
    [(key, draft)] = await until(lambda: window.context.drafts.pending(), what="the draft")
    assert key == dialog.draft_key
    assert draft.values["company"] == "Draft Co"
    assert draft.account_id == "demo:square"
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    assert window.context.drafts.pending() == []


async def test_discarding_changes_removes_the_draft(qtbot: Any, window: MainWindow) -> None:
    window.table.selectRow(0)
    dialog = window.editing.edit_selected()
    assert dialog is not None
    dialog.editors["company"].set_value("Gone Co")
    await until(lambda: window.context.drafts.pending(), what="the draft")
    dialog.reject()
    await answer(QMessageBox.StandardButton.Discard)
    await until(lambda: window.context.drafts.pending() == [], what="the draft to go")
