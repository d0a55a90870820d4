"""Digital River metadata: Return in the key/value table commits or opens a cell, never saves the dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from console.ui.main_window import MainWindow
from tests.support.qt import signal, until
from tests.support.window import open_edit_of_row
from tests.ui.conftest import open_demo


async def test_return_in_a_metadata_cell_commits_it_and_does_not_save(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "digital-river")
    emulator = window.context.demo.emulator("digital-river")
    dialog = await open_edit_of_row(qtbot, window, 1)
    customer = dialog.original
    assert customer is not None
    metadata = dialog.editors["metadata"].editor
    table = metadata.table
    dialog.tabs.setCurrentIndex(next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "Settings"))
    add_entry = next(b for b in metadata.findChildren(QPushButton) if b.text() == "Add entry")
    qtbot.mouseClick(add_entry, Qt.MouseButton.LeftButton)
    row = table.rowCount() - 1
    submitted: list[str] = []
    dialog.buttons.accepted.connect(lambda: submitted.append("save"))

    def cell_editor_at(column: int) -> Any:
        focus = QApplication.focusWidget()
        in_cell = isinstance(focus, QLineEdit) and focus.parent() is table.viewport()
        return focus if in_cell and table.currentColumn() == column else None

    def committed(column: int, text: str) -> bool:
        return table.state() != table.State.EditingState and table.item(row, column).text() == text

    emulator.clear_log()
    key_editor = await until(lambda: cell_editor_at(0), what="the key cell editor")
    qtbot.keyClicks(key_editor, "region")
    qtbot.keyClick(key_editor, Qt.Key.Key_Return)
    await until(lambda: committed(0, "region"), what="the key cell to be committed")
    # A second Return, now on the table itself, opens a cell rather than saving; so does keypad Enter.
    qtbot.keyClick(table, Qt.Key.Key_Right)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    value_editor = await until(lambda: cell_editor_at(1), what="the value cell editor")
    qtbot.keyClicks(value_editor, "north")
    qtbot.keyClick(value_editor, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    await until(lambda: committed(1, "north"), what="the value cell to be committed")
    qtbot.keyClick(table, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    await until(lambda: cell_editor_at(1), what="the value cell to open again")
    qtbot.keyClick(cell_editor_at(1), Qt.Key.Key_Escape)

    assert submitted == [] and dialog.isVisible()
    assert [r for r in emulator.requests if r.method != "GET"] == []
    assert dialog.editors["metadata"].value()["region"] == "north"
    # Save stays one deliberate click (or Ctrl+S) away.
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    assert emulator.customer(customer.id)["metadata"]["region"] == "north"  # type: ignore[index]
