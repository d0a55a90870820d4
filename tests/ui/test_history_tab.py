"""The journal from the window: a saved change shows on the customer's History tab with the old
and new values and who made it; reverting it there (or with Ctrl+Z) puts the old values back at
the provider and in the table, itself journaled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from console.domain.journal import JournalQuery
from console.ui.edit_dialog import CustomerDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.support.window import active, type_value
from tests.ui.conftest import window_with_journal


def _select_only(window: MainWindow, row: int) -> None:
    window.activateWindow()
    window.table.setFocus()
    window.table.selectionModel().select(window.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                         | QItemSelectionModel.SelectionFlag.Rows)


async def _edit_email(qtbot: Any, window: MainWindow, row: int, email: str) -> tuple[str, str]:
    """Change a customer's email through its dialog; (customer id, the email it had)."""
    _select_only(window, row)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    dialog: CustomerDialog = await active(await until(lambda: visible(CustomerDialog), what="the dialog"))
    assert dialog.original is not None
    customer_id, old = dialog.original.id, dialog.original.email or ""
    type_value(qtbot, dialog.editors["email"], email)
    saved = signal(dialog.saved, timeout=20)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    await saved
    await until(lambda: visible(CustomerDialog) is None, what="the dialog to close")
    return customer_id, old


async def test_the_history_tab_shows_a_save_and_reverts_it(qtbot: Any, tmp_path: Path) -> None:
    window = await window_with_journal(qtbot, tmp_path / "app")
    row = next(r for r in range(window.model.rowCount()) if window.model.customer(r).email)
    customer_id, old = await _edit_email(qtbot, window, row, "changed@example.com")

    row = window.model.row_of(customer_id)
    assert row is not None
    _select_only(window, row)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    dialog: CustomerDialog = await active(await until(lambda: visible(CustomerDialog), what="the dialog"))
    tab = dialog.history_tab
    assert tab is not None
    dialog.tabs.setCurrentWidget(tab)
    await until(lambda: tab.tree.topLevelItemCount() == 1, what="the history")
    newest = tab.tree.topLevelItem(0)
    assert newest is not None
    assert newest.text(2) == f"email: {old} → changed@example.com"
    assert tab.details.text().startswith(f"email: {old} → changed@example.com\n")
    assert newest.text(1) == window.context.journal.author.who and newest.text(3) == "succeeded"

    reverted = signal(dialog.reverted, timeout=20)
    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)
    preview = await answer(QMessageBox.StandardButton.Yes)
    assert f"email: changed@example.com → {old}" in preview
    (customer,) = await reverted
    assert customer.email == old
    assert dialog.editors["email"].value() == old   # the dialog now holds the customer as reverted
    await until(lambda: tab.tree.topLevelItemCount() == 2, what="the revert in the history")
    session = window.session
    assert session is not None
    assert (await session.service.provider.get(customer_id)).email == old
    row = window.model.row_of(customer_id)
    assert row is not None and window.model.customer(row).email == old
    entries = await window.context.journal.entries(JournalQuery(customer=(session.account.id, customer_id)))
    assert [x.intent.reverts for x in entries] == [entries[1].entry_id, None]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    await window.shutdown()
    await window.context.workspace.close()


async def test_ctrl_z_undoes_the_last_save_after_a_preview(qtbot: Any, tmp_path: Path) -> None:
    window = await window_with_journal(qtbot, tmp_path / "app")
    row = next(r for r in range(window.model.rowCount()) if window.model.customer(r).email)
    customer_id, old = await _edit_email(qtbot, window, row, "undo-me@example.com")
    window.activateWindow()
    await until(lambda: QApplication.activeWindow() is window, what="the window to be active again")
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    preview = await answer(QMessageBox.StandardButton.Yes)
    assert f"email: undo-me@example.com → {old}" in preview
    await until(lambda: window.statusBar().currentMessage().startswith("Undone"), what="the undo")
    session = window.session
    assert session is not None
    assert (await session.service.provider.get(customer_id)).email == old
    row = window.model.row_of(customer_id)
    assert row is not None and window.model.customer(row).email == old
    await window.shutdown()
    await window.context.workspace.close()
