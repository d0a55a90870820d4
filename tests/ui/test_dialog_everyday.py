"""The customer dialog in everyday use: titles, messages that fit, tabs that fit, labels level with their
fields, card brands, empty lists, the customer's status, Authorize.net's billing details, the country
chooser, phones, placeholders, tabs marked when invalid, Ctrl+Tab from a table, and confirmations in verbs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLabel, QLineEdit, QMessageBox

from console.domain.capabilities import FieldSpec
from console.domain.customer import PaymentMethod, brand_name
from console.providers.registry import providers
from console.ui.edit_dialog import CustomerDialog
from console.ui.field_widgets import FieldEditor
from console.ui.item_dialog import ItemDialog
from console.ui.main_window import MainWindow
from tests.support.qt import until, visible
from tests.support.window import line_editor, open_edit_of_row, type_value
from tests.ui.conftest import open_demo


def _row(window: MainWindow, predicate: Any) -> int:
    return next(r for r in range(window.model.rowCount()) if predicate(window.model.customer(r)))


async def _open(qtbot: Any, window: MainWindow, key: str, predicate: Any = lambda c: True) -> CustomerDialog:
    await open_demo(window, key)
    return await open_edit_of_row(qtbot, window, _row(window, predicate))


async def _open_item_form(qtbot: Any, dialog: CustomerDialog, kind: str) -> ItemDialog:
    tab = dialog.collection_tabs[kind]
    dialog.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.buttons["add"], Qt.MouseButton.LeftButton)
    return await until(lambda: visible(ItemDialog, "itemDialog"), what="the item form")


def test_every_collection_has_a_proper_singular() -> None:
    nouns = {spec.label: spec.noun for info in providers() for spec in info.capabilities.collections}
    assert nouns["Addresses"] == "address" and nouns["Shipping addresses"] == "shipping address"
    assert nouns["Email addresses"] == "email address" and nouns["Phone numbers"] == "phone number"
    assert all(not noun.endswith("sse") and (noun.endswith("ss") or not noun.endswith("s"))
               for noun in nouns.values()), nouns


def test_card_brands_read_as_people_write_them() -> None:
    assert brand_name("AmericanExpress") == brand_name("AMERICAN_EXPRESS") == "American Express"
    assert PaymentMethod(id="p", brand="AmericanExpress", last4="0002").masked() == "American Express •••• 0002"
    assert brand_name("Some New Brand") == "Some New Brand"


async def test_address_form_title_and_a_long_message_fit(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "clover")
    form = await _open_item_form(qtbot, dialog, "addresses")
    assert form.windowTitle() == "Add address"
    type_value(qtbot, form.editors["country"], "Atlantis")
    type_value(qtbot, form.editors["line1"], "x" * 130)
    for key in ("country", "line1"):
        message = form.editors[key].message
        await until(lambda m=message: m.isVisible(), what="the message")
    messages = [form.editors[key].message for key in ("country", "line1")]
    # The whole message is shown: wrapped, and as tall as its wrapped text needs (the form grows).
    await until(lambda: all(m.height() >= m.heightForWidth(m.width()) for m in messages),
                what="the messages to be shown whole")
    assert all(m.wordWrap() and m.geometry().bottom() <= m.parentWidget().height() for m in messages)
    assert form.height() >= form.layout().heightForWidth(form.width())
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)


async def test_every_tab_title_is_shown_whole(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "clover")
    bar = dialog.tabs.tabBar()
    assert bar.elideMode() == Qt.TextElideMode.ElideNone
    assert all(bar.tabRect(i).right() <= bar.width() for i in range(bar.count()))
    assert "Phone numbers" in [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]


async def test_the_note_label_stays_level_with_the_note(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "clover")
    note = dialog.editors["note"]
    label = dialog.findChild(QLabel, "label:note")
    top_of = lambda w: w.mapTo(dialog, w.rect().topLeft()).y()  # noqa: E731
    assert abs(top_of(label) - top_of(note.editor)) <= 4
    assert note.editor.height() > 100   # the note takes the room the form has to spare


async def test_cards_show_brand_names_and_empty_lists_say_so(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "authorize-net",
                         lambda c: not c.shipping_addresses
                         and any(m.brand == "AmericanExpress" for m in c.payment_methods))
    cards = dialog.collection_tabs["payment_methods"]
    texts = [cards.table.item(r, 0).text() for r in range(cards.table.rowCount())]
    assert any(t.startswith("American Express ••••") for t in texts) and "AmericanExpress" not in " ".join(texts)
    shipping = dialog.collection_tabs["shipping_addresses"]
    dialog.tabs.setCurrentWidget(shipping)
    assert shipping.empty.isVisible() and not shipping.table.isVisible()
    assert "No shipping addresses yet" in shipping.empty.text()
    shipping.empty.linkActivated.emit("add")   # the "Add one…" link
    form: ItemDialog = await until(lambda: visible(ItemDialog, "itemDialog"), what="the address form")
    type_value(qtbot, form.editors["line1"], "4 Empty Lane")
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    await until(lambda: shipping.table.isVisible(), what="the list to replace the empty state")


async def test_authorize_net_shows_the_default_billing_details_read_only(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "authorize-net", lambda c: c.value("bill_to_address"))
    customer = dialog.original
    assert customer is not None
    for key in ("bill_to_name", "bill_to_address", "bill_to_phone"):
        editor = line_editor(dialog, key)
        assert editor.isReadOnly() and editor.text()
    assert line_editor(dialog, "bill_to_address").text() == customer.value("bill_to_address")
    assert "bill_to_name" not in dialog.values()   # never sent


async def test_the_header_says_when_a_customer_is_disabled_or_to_be_forgotten(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "digital-river", lambda c: c.value("enabled") is False)
    assert dialog.header.status.isVisible() and "Disabled" in dialog.header.status.text()
    dialog.reject()
    await until(lambda: visible(CustomerDialog) is None, what="the dialog to close")
    assert window.session is not None
    forgotten = next(c for c in window.session.service.index if c.value("request_to_be_forgotten"))
    dialog = await open_edit_of_row(qtbot, window, window.model.row_of(forgotten.id))  # type: ignore[arg-type]
    assert "Asked to be forgotten" in dialog.header.status.text()


async def test_country_accepts_names_and_codes_and_keeps_what_was_loaded(qtbot: Any) -> None:
    spec = FieldSpec(key="address.country", label="Country", pattern="[A-Z]{2}")
    editor = FieldEditor(spec)
    qtbot.addWidget(editor)
    assert isinstance(editor.editor, QComboBox) and editor.editor.isEditable()
    line = editor.editor.lineEdit()
    assert line is not None and line.placeholderText().startswith("e.g. ")
    for typed in ("USA", "United States", "us", "United States (US)"):
        type_value(qtbot, editor, typed)
        assert editor.value() == "US" and editor.check() is None, typed
    type_value(qtbot, editor, "Atlantis")
    assert editor.check() is not None
    editor.set_value("USA")   # as a provider stored it: shown by name, saved unchanged unless edited
    assert editor.editor.currentText() == "United States (US)" and editor.value() == "USA"


def test_placeholders_never_look_like_data(qtbot: Any) -> None:
    editor = FieldEditor(FieldSpec(key="locale", label="Locale", placeholder="en_US"))
    dated = FieldEditor(FieldSpec(key="birthday", label="Birthday", placeholder="YYYY-MM-DD or MM-DD"))
    for widget in (editor, dated):
        qtbot.addWidget(widget)
    assert isinstance(editor.editor, QLineEdit) and editor.editor.placeholderText() == "e.g. en_US"
    assert isinstance(dated.editor, QLineEdit) and dated.editor.placeholderText() == "YYYY-MM-DD or MM-DD"
    palette = editor.editor.palette()
    assert palette.color(palette.ColorRole.PlaceholderText).alpha() < 255


async def test_phones_are_shown_formatted_and_saved_as_they_were(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "digital-river", lambda c: c.phone and c.phone.isdigit())
    customer = dialog.original
    assert customer is not None and customer.phone
    shown = line_editor(dialog, "phone").text()
    assert shown != customer.phone and "(" in shown
    assert dialog.values()["phone"] == customer.phone and not dialog.has_unsaved_changes()


async def test_a_tab_with_an_invalid_field_is_marked_at_once(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "digital-river")
    shipping = dialog.tabs.indexOf(dialog.editors["address.city"].parentWidget().parentWidget().parentWidget())
    assert dialog.tabs.tabText(shipping) == "Shipping"
    type_value(qtbot, dialog.editors["shipping_email"], "not an email")
    assert dialog.tabs.tabText(shipping) == "• Shipping"
    assert dialog.tabs.tabText(0) == "Customer"
    type_value(qtbot, dialog.editors["shipping_email"], "ok@example.com")
    assert dialog.tabs.tabText(shipping) == "Shipping"


async def test_ctrl_tab_moves_between_tabs_from_inside_a_table(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "clover", lambda c: len(c.addresses) > 1)
    tab = dialog.collection_tabs["addresses"]
    dialog.tabs.setCurrentWidget(tab)
    tab.table.setFocus()
    await until(lambda: QApplication.focusWidget() is tab.table, what="the table to have the focus")
    here = dialog.tabs.currentIndex()
    qtbot.keyClick(tab.table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert dialog.tabs.currentIndex() == here + 1
    dialog.tabs.setCurrentWidget(tab)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert dialog.tabs.currentIndex() == here - 1


async def test_deleting_an_address_asks_in_verbs(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open(qtbot, window, "clover", lambda c: c.addresses)
    tab = dialog.collection_tabs["addresses"]
    dialog.tabs.setCurrentWidget(tab)
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.buttons["delete"], Qt.MouseButton.LeftButton)
    box: QMessageBox = await until(lambda: visible(QMessageBox, "confirmBox"), what="the confirmation")
    buttons = {box.standardButton(b): b.text() for b in box.buttons()}
    assert buttons == {QMessageBox.StandardButton.Yes: "Delete this address",
                       QMessageBox.StandardButton.No: "Keep it"}
    box.button(QMessageBox.StandardButton.Yes).click()
    await until(lambda: tab.buttons["delete"].text() == "Undo delete", what="the address marked deleted")
    assert tab.table.item(0, 0).font().strikeOut()
