"""Authorize.net from the window: search, edit, shipping addresses, payment profiles, and a duplicate
profile that offers the existing one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from console.ui.collection_tab import ItemDialog
from console.ui.edit_dialog import CustomerDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.support.window import line_editor, open_edit_of_row, open_new, type_value
from tests.ui.conftest import open_demo


async def test_search_then_edit_a_profile(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "authorize-net")
    emulator = window.context.demo.emulator("authorize-net")
    target = window.model.customer(5)
    assert target.reference_id
    window.search.setFocus()
    found = signal(window.lookup_finished)
    qtbot.keyClicks(window.search, target.reference_id)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # Enter asks the server for the merchant customer id
    (count,) = await found
    assert count == 1
    assert window.model.rowCount() >= 1 and window.model.customer(0).id == target.id
    dialog = await open_edit_of_row(qtbot, window, 0)
    description = line_editor(dialog, "description")
    description.selectAll()
    qtbot.keyClicks(description, "Edited from the console")
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    assert emulator.profile(target.id)["description"] == "Edited from the console"  # type: ignore[index]
    assert window.model.data(window.model.index(0, 0)) == "Edited from the console"


async def test_shipping_address_added_and_a_card_deleted_on_save(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "authorize-net")
    emulator = window.context.demo.emulator("authorize-net")
    row = next(r for r in range(window.model.rowCount()) if len(window.model.customer(r).payment_methods) > 1)
    dialog = await open_edit_of_row(qtbot, window, row)
    customer = dialog.original
    assert customer is not None
    shipping = dialog.collection_tabs["shipping_addresses"]
    dialog.tabs.setCurrentWidget(shipping)
    before = len(shipping.items())
    qtbot.mouseClick(shipping.buttons["add"], Qt.MouseButton.LeftButton)
    form: ItemDialog = await until(lambda: visible(ItemDialog, "itemDialog"), what="the address form")
    for key, text in (("first_name", "Ada"), ("last_name", "Lovelace"), ("line1", "12 Main Street"),
                      ("city", "Springfield"), ("postal_code", "62701"), ("country", "USA")):
        type_value(qtbot, form.editors[key], text)
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert len(shipping.items()) == before + 1

    cards = dialog.collection_tabs["payment_methods"]
    dialog.tabs.setCurrentWidget(cards)
    assert all("••••" in cards.table.item(r, 0).text() for r in range(cards.table.rowCount()))
    doomed = cards.items()[1]
    cards.table.selectRow(1)
    qtbot.mouseClick(cards.buttons["delete"], Qt.MouseButton.LeftButton)
    text = await answer(QMessageBox.StandardButton.Yes)
    assert doomed.last4 in text
    stored = emulator.profile(customer.id)
    assert stored is not None and doomed.id in [p["customerPaymentProfileId"] for p in stored["paymentProfiles"]]

    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    stored = emulator.profile(customer.id)
    assert stored is not None
    assert [(a.get("address"), a.get("country")) for a in stored["shipToList"]
            if a.get("address") == "12 Main Street"] == [("12 Main Street", "US")]
    assert doomed.id not in [p["customerPaymentProfileId"] for p in stored["paymentProfiles"]]


async def test_a_duplicate_profile_offers_the_existing_one(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "authorize-net")
    existing = next(window.model.customer(r) for r in range(window.model.rowCount())
                    if window.model.customer(r).value("description"))
    dialog = await open_new(qtbot, window)
    for key in ("description", "email", "reference_id"):
        qtbot.keyClicks(line_editor(dialog, key), str(existing.value(key)))
    failed = signal(dialog.save_failed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await failed
    assert dialog.banner_action.text() == "Open the existing profile"
    qtbot.mouseClick(dialog.banner_action, Qt.MouseButton.LeftButton)
    opened: CustomerDialog = await until(lambda: next((w for w in window.findChildren(CustomerDialog)
                                                       if w.isVisible() and w.original is not None), None),
                                         what="the existing profile's dialog")
    assert opened.original is not None and opened.original.id == existing.id


async def test_a_profile_is_made_from_a_transaction_id(qtbot: Any, window: MainWindow) -> None:
    from console.ui.reference_dialog import ReferenceDialog

    await open_demo(window, "authorize-net")
    emulator = window.context.demo.emulator("authorize-net")
    transaction = emulator.transaction_ids()[2]
    rows = window.model.rowCount()
    window.customer_menu.aboutToShow.emit()
    action = next(a for a in window.customer_menu.actions() if a.objectName() == "createFromAction")
    action.trigger()
    ask_for: ReferenceDialog = await until(lambda: visible(ReferenceDialog), what="the transaction id prompt")
    qtbot.keyClicks(ask_for.field, "12ab")
    qtbot.keyClick(ask_for.field, Qt.Key.Key_Return)
    assert ask_for.isVisible() and "digits only" in ask_for.problem.text()
    ask_for.field.clear()
    qtbot.keyClicks(ask_for.field, transaction)
    qtbot.keyClick(ask_for.field, Qt.Key.Key_Return)
    opened: CustomerDialog = await until(lambda: next((w for w in window.findChildren(CustomerDialog)
                                                       if w.isVisible() and w.original is not None), None),
                                         what="the new profile's dialog")
    assert window.model.rowCount() == rows + 1
    assert opened.original is not None and opened.original.payment_methods
