"""Driving the main window's customer dialogs the way a person does (keys, focus), for UI tests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit

from console.ui.edit_dialog import CustomerDialog
from console.ui.field_widgets import FieldEditor
from console.ui.main_window import MainWindow
from tests.support.qt import until, visible


def line_editor(dialog: CustomerDialog, key: str) -> QLineEdit:
    """The line edit of field `key` in the dialog."""
    widget = dialog.editors[key].editor
    assert isinstance(widget, QLineEdit), f"{key} is edited with {type(widget).__name__}"
    return widget


async def active(dialog: CustomerDialog) -> CustomerDialog:
    """A person types into a dialog once it has come up and taken the focus."""
    await until(lambda: QApplication.activeWindow() is dialog, what="the dialog to become active")
    return dialog


async def open_new(qtbot: Any, window: MainWindow) -> CustomerDialog:
    """Ctrl+N from the table, as staff start a new customer."""
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    return await active(await until(lambda: visible(CustomerDialog), what="the new-customer dialog"))


async def open_edit_of_row(qtbot: Any, window: MainWindow, row: int) -> CustomerDialog:
    """Select a row and press Enter to edit that customer."""
    window.table.setFocus()
    window.table.selectRow(row)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    return await active(await until(lambda: visible(CustomerDialog), what="the edit dialog"))


def type_value(qtbot: Any, field: FieldEditor, value: Any) -> None:
    """Replace a field's content by typing where it is text; choose or tick it otherwise."""
    widget = field.editor
    if isinstance(widget, QComboBox) and widget.isEditable():
        widget = widget.lineEdit()
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.setFocus()
        widget.selectAll()
        qtbot.keyClick(widget, Qt.Key.Key_Delete)
        qtbot.keyClicks(widget, str(value))
    else:
        field.set_value(value)
