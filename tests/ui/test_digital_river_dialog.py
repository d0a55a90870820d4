"""Digital River from the window: disabling with confirmation, a request to be forgotten shown as a state,
and metadata and a tax identifier edited."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QDialogButtonBox, QLineEdit, QMessageBox, QPushButton

from console.ui.collection_tab import ItemDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.support.window import open_edit_of_row
from tests.ui.conftest import open_demo


def _row_of(window: MainWindow, predicate: Any) -> int:
    return next(r for r in range(window.model.rowCount()) if predicate(window.model.customer(r)))


def _status_column(window: MainWindow) -> int:
    return next(c for c in range(window.model.columnCount())
                if window.model.headerData(c, Qt.Orientation.Horizontal) == "Status")


async def test_disabling_asks_first_and_shows_in_the_table(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "digital-river")
    emulator = window.context.demo.emulator("digital-river")
    row = _row_of(window, lambda c: c.value("enabled") and not c.value("request_to_be_forgotten"))
    dialog = await open_edit_of_row(qtbot, window, row)
    customer = dialog.original
    assert customer is not None
    box = dialog.editors["enabled"].editor
    assert isinstance(box, QCheckBox) and box.isChecked()
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert not box.isChecked()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    text = await answer(QMessageBox.StandardButton.No)
    assert "blocks new orders" in text
    assert dialog.isVisible() and emulator.customer(customer.id)["enabled"] is True  # type: ignore[index]
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await saved
    assert emulator.customer(customer.id)["enabled"] is False  # type: ignore[index]
    row = _row_of(window, lambda c: c.id == customer.id)
    assert window.model.data(window.model.index(row, _status_column(window))) == "Disabled"


async def test_request_to_be_forgotten_is_recorded_as_a_state(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "digital-river")
    emulator = window.context.demo.emulator("digital-river")
    row = _row_of(window, lambda c: not c.value("request_to_be_forgotten"))
    customer = window.model.customer(row)
    window.table.setFocus()
    window.table.selectRow(row)
    window.customer_menu.aboutToShow.emit()
    action = next(a for a in window.customer_menu.actions() if a.text().startswith("Record request to be forgotten"))
    assert action.isEnabled()
    action.trigger()
    text = await answer(QMessageBox.StandardButton.Yes)
    assert window.session is not None and window.session.service.index.name(customer) in text
    await until(lambda: (emulator.customer(customer.id) or {}).get("requestToBeForgotten"), what="the update")
    (row,) = await until(lambda: [r for r in range(window.model.rowCount())
                                  if window.model.customer(r).id == customer.id
                                  and window.model.customer(r).value("status")], what="the table row")
    assert window.model.data(window.model.index(row, _status_column(window))) == "Erasure requested"
    assert customer.id in emulator.customer_ids_forgotten()
    # Once recorded it cannot be recorded again (nor withdrawn).
    window.table.selectRow(row)
    window.customer_menu.aboutToShow.emit()
    again = next(a for a in window.customer_menu.actions() if a.text().startswith("Record request to be forgotten"))
    assert not again.isEnabled()


async def test_metadata_and_a_tax_identifier_are_edited(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "digital-river")
    emulator = window.context.demo.emulator("digital-river")
    dialog = await open_edit_of_row(qtbot, window, 0)
    customer = dialog.original
    assert customer is not None
    metadata = dialog.editors["metadata"].editor
    add_entry = next(b for b in metadata.findChildren(QPushButton) if b.text() == "Add entry")
    dialog.tabs.setCurrentIndex(next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "Settings"))
    qtbot.mouseClick(add_entry, Qt.MouseButton.LeftButton)
    def cell_editor_at(column: int) -> Any:
        focus = QApplication.focusWidget()
        in_cell = isinstance(focus, QLineEdit) and focus.parent() is metadata.table.viewport()
        return focus if in_cell and metadata.table.currentColumn() == column else None

    cell_editor = await until(lambda: cell_editor_at(0), what="the key cell editor")
    qtbot.keyClicks(cell_editor, "segment")
    qtbot.keyClick(cell_editor, Qt.Key.Key_Tab)
    value_editor = await until(lambda: cell_editor_at(1), what="the value cell editor")
    qtbot.keyClicks(value_editor, "wholesale")
    qtbot.keyClick(value_editor, Qt.Key.Key_Tab)
    assert dialog.editors["metadata"].value().get("segment") == "wholesale"
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (updated,) = await saved
    assert emulator.customer(customer.id)["metadata"]["segment"] == "wholesale"  # type: ignore[index]

    dialog = await open_edit_of_row(qtbot, window, _row_of(window, lambda c: c.id == updated.id))
    tab = dialog.collection_tabs["tax_ids"]
    dialog.tabs.setCurrentWidget(tab)
    before = len(tab.items())
    qtbot.mouseClick(tab.buttons["add"], Qt.MouseButton.LeftButton)
    form: ItemDialog = await until(lambda: visible(ItemDialog, "itemDialog"), what="the tax id form")
    type_editor, value_editor_ = form.editors["type"].editor, form.editors["value"].editor
    assert isinstance(type_editor, QLineEdit) and isinstance(value_editor_, QLineEdit)
    qtbot.keyClicks(type_editor, "de")
    qtbot.keyClicks(value_editor_, "DE123456789")
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert len(tab.items()) == before + 1   # listed now, sent with the customer on Save
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    stored = emulator.customer(customer.id)["taxIdentifiers"]  # type: ignore[index]
    assert ("de", "DE123456789") in [(t["type"], t["value"]) for t in stored]


async def test_the_key_decides_the_environment_badge(qtbot: Any, window: MainWindow, context: Any) -> None:
    from console.sandbox.digital_river import DigitalRiverEmulator
    from console.ui.accounts_dialog import AccountsDialog

    live_key = "sk_live_" + "0" * 24  # a made-up key; the emulator is told to accept only it
    server = DigitalRiverEmulator(seed=9, customers=15, credentials={"secret_key": live_key})
    context.transport = server.transport()
    window.accounts_action.trigger()
    dialog: AccountsDialog = await until(lambda: visible(AccountsDialog), what="the accounts dialog")
    qtbot.mouseClick(dialog.findChild(QPushButton, "addAccount"), Qt.MouseButton.LeftButton)
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("digital-river"))
    assert not dialog.environment_combo.isEnabled()
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "DR store")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "credential:secret_key"), live_key)
    assert dialog.environment_combo.currentData() == "production"
    qtbot.keyClicks(dialog.base_url_edit, server.base_url)
    changed = signal(dialog.accounts_changed)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    await changed
    assert [(a.provider, a.environment) for a in context.settings.accounts] == [("digital-river", "production")]
    loaded = signal(window.load_finished, timeout=20)
    window.account_combo.setCurrentIndex(window.account_combo.findText("DR store", Qt.MatchFlag.MatchStartsWith))
    await loaded
    assert window.badge.text() == "PRODUCTION"
    assert window.model.rowCount() == 15
