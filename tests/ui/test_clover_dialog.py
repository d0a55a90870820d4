"""Clover from the window: a customer's second address and second phone edited on their tabs."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from console.ui.collection_tab import CollectionTab, ItemDialog
from console.ui.main_window import MainWindow
from tests.support.qt import signal, until, visible
from tests.support.window import open_edit_of_row
from tests.ui.conftest import open_demo


async def _edit_second(qtbot: Any, tab: CollectionTab, key: str, text: str) -> None:
    tab.table.selectRow(1)
    qtbot.mouseClick(tab.buttons["edit"], Qt.MouseButton.LeftButton)
    form: ItemDialog = await until(lambda: visible(ItemDialog, "itemDialog"), what="the item form")
    editor = form.editors[key].editor
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    await until(lambda: not form.isVisible(), what="the item form to close")


async def test_second_address_and_phone_are_edited(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "clover")
    emulator = window.context.demo.emulator("clover")
    row = next(r for r in range(window.model.rowCount())
               if len(window.model.customer(r).addresses) > 1 and len(window.model.customer(r).phones) > 1)
    dialog = await open_edit_of_row(qtbot, window, row)
    customer = dialog.original
    assert customer is not None
    before = copy.deepcopy(emulator.customer(customer.id))
    addresses = dialog.collection_tabs["addresses"]
    dialog.tabs.setCurrentWidget(addresses)
    await _edit_second(qtbot, addresses, "city", "Springfield")
    assert addresses.table.item(1, 0).text().count("Springfield") == 1
    phones = dialog.collection_tabs["phones"]
    dialog.tabs.setCurrentWidget(phones)
    await _edit_second(qtbot, phones, "value", "4155550123")
    assert emulator.customer(customer.id) == before   # nothing is sent before Save
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    stored = emulator.customer(customer.id)
    assert stored is not None
    assert stored["addresses"][1]["city"] == "Springfield"
    assert stored["addresses"][0] == {**stored["addresses"][0], "city": customer.addresses[0].city}
    assert [p["phoneNumber"] for p in stored["phoneNumbers"]] == [customer.phones[0].value, "4155550123"]
    # The table row follows what the dialog saved.
    assert window.session is not None
    assert window.session.service.index.get(customer.id).phones[1].value == "4155550123"  # type: ignore[union-attr]
