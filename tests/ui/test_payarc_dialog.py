"""PayArc from the window: its strict field rules explained on the field, and invoice emails edited."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from console.ui.main_window import MainWindow
from tests.support.qt import signal
from tests.support.window import line_editor, open_edit_of_row, open_new, type_value
from tests.ui.conftest import open_demo


async def test_an_invalid_name_shows_the_rule_and_sends_nothing(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "payarc")
    emulator = window.context.demo.emulator("payarc")
    dialog = await open_new(qtbot, window)
    qtbot.keyClicks(line_editor(dialog, "given_name"), "Sean O'Brien")
    message = dialog.editors["given_name"].message
    assert message.isVisible()
    assert "Letters and spaces only" in message.text() and "OBrien" in message.text()
    emulator.clear_log()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "nothing was sent" in dialog.state.text()
    assert emulator.requests == []


async def test_a_phone_with_spaces_is_offered_as_digits(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "payarc")
    dialog = await open_new(qtbot, window)
    phone = dialog.editors["phone"]
    qtbot.keyClicks(line_editor(dialog, "phone"), "+1 541 754 3010")
    assert "Digits only" in phone.message.text()
    assert phone.fix.isVisible()
    qtbot.mouseClick(phone.fix, Qt.MouseButton.LeftButton)
    assert line_editor(dialog, "phone").text() == "15417543010"
    assert not phone.message.isVisible()


async def test_invoice_emails_are_edited_from_the_window(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "payarc")
    emulator = window.context.demo.emulator("payarc")
    dialog = await open_edit_of_row(qtbot, window, 2)
    original = dialog.original
    assert original is not None
    for key, value in (("send_email_address", "accounts@example.com"), ("cc_email_address", "boss@example.com")):
        editor = line_editor(dialog, key)
        editor.selectAll()
        qtbot.keyClicks(editor, value)
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    stored = emulator.customer(original.id)
    assert stored is not None
    assert (stored["send_email_address"], stored["cc_email_address"]) == ("accounts@example.com", "boss@example.com")
    patch = next(r for r in reversed(emulator.requests) if r.method == "PATCH")
    assert b"send_email_address=accounts%40example.com" in patch.body


async def test_cards_are_shown_masked_and_read_only(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "payarc")
    assert window.session is not None
    row = next(r for r in range(window.model.rowCount()) if window.model.customer(r).payment_methods)
    dialog = await open_edit_of_row(qtbot, window, row)
    tab = dialog.collection_tabs["payment_methods"]
    text = tab.table.item(0, 0).text()
    assert "••••" in text and len([ch for ch in text if ch.isdigit()]) == 4
    # Read-only: no add, edit, delete or default; Add card only explains where cards are added.
    assert set(tab.buttons) == {"addCard"}
    headers = [tab.table.horizontalHeaderItem(c).text() for c in range(tab.table.columnCount())]
    default_column = headers.index("Default")
    marks = [tab.table.item(r, default_column).text() for r in range(tab.table.rowCount())]
    assert marks.count("✓") == sum(m.is_default for m in dialog.original.payment_methods)  # type: ignore[union-attr]


async def test_a_field_payarc_cannot_clear_is_explained_and_not_saved_blank(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "payarc")
    emulator = window.context.demo.emulator("payarc")
    row = next(r for r in range(window.model.rowCount())
               if window.model.customer(r).email and window.model.customer(r).value("description"))
    dialog = await open_edit_of_row(qtbot, window, row)
    original = dialog.original
    assert original is not None and original.email
    email = line_editor(dialog, "email")
    assert not email.isClearButtonEnabled()   # no one-click clear for what PayArc cannot clear
    # The user empties the email and, as well, changes the description.
    email.setFocus()
    email.selectAll()
    qtbot.keyClick(email, Qt.Key.Key_Delete)
    message = dialog.editors["email"].message
    assert message.isVisible() and "PayArc cannot clear this field" in message.text()
    type_value(qtbot, dialog.editors["description"], "Changed description")
    emulator.clear_log()
    failed_state = dialog.state.text
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "nothing was sent" in failed_state()
    assert emulator.requests == []
    assert (emulator.customer(original.id) or {})["email"] == original.email
    assert "Saved" not in window.statusBar().currentMessage()
    # One click puts the old value back; then the rest is saved.
    fix = dialog.editors["email"].fix
    assert fix.isVisible() and fix.text() == "Put it back"
    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert email.text() == original.email and not message.isVisible()
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    stored = emulator.customer(original.id) or {}
    assert (stored["email"], stored["description"]) == (original.email, "Changed description")
    assert "Saved" in window.statusBar().currentMessage()


async def test_a_new_payarc_customer_may_leave_fields_empty(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "payarc")
    dialog = await open_new(qtbot, window)
    assert line_editor(dialog, "email").isClearButtonEnabled()
    qtbot.keyClicks(line_editor(dialog, "given_name"), "Ann Example")
    assert "email" not in dialog.problems()
