"""Square custom fields in the window, driven as a person would: the dialog's tab, the table's columns,
the search, the manager (Customer → Custom fields…) and the stale choice."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QListWidget, QMessageBox, QToolButton

from console.domain.custom_fields import CustomFieldDefinition, CustomFieldType, SelectionOption, column_key
from console.services.custom_field_service import CustomFieldService
from console.services.drafts import Draft
from console.ui.custom_field_editors import CustomFieldEditor
from console.ui.custom_field_form import DefinitionForm
from console.ui.custom_fields_dialog import CustomFieldsDialog
from console.ui.custom_fields_tab import CustomFieldsTab
from console.ui.edit_dialog import CustomerDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.support.window import open_edit_of_row, type_value
from tests.ui.conftest import OtherClient, custom_values_read

ACCOUNT_MANAGER = "account-manager"


async def values_read(window: MainWindow) -> None:
    """Wait until the background read of every loaded customer's custom field values has ended."""
    await custom_values_read(window)
    assert window.session is not None and window.session.custom_fields.known_definitions


def column(window: MainWindow, key: str) -> int:
    return [c.key for c in window.model.columns].index(column_key(key))


def show_column(window: MainWindow, key: str) -> None:
    """Tick the custom field's column in the column chooser (the header's context menu)."""
    menu = window.customer_list.header.chooser()
    action = menu.findChild(QAction, f"column_{column_key(key)}")
    assert action is not None and not action.isChecked()
    action.trigger()
    assert not window.table.horizontalHeader().isSectionHidden(column(window, key))


def row_of(window: MainWindow, customer_id: str) -> int:
    row = window.model.row_of(customer_id)
    assert row is not None
    return row


def cell(window: MainWindow, customer_id: str, key: str) -> str:
    return str(window.model.index(row_of(window, customer_id), column(window, key)).data())


async def open_custom_tab(qtbot: Any, window: MainWindow, customer_id: str) -> tuple[CustomerDialog, CustomFieldsTab]:
    dialog = await open_edit_of_row(qtbot, window, row_of(window, customer_id))
    assert dialog.custom_tab is not None
    dialog.tabs.setCurrentWidget(dialog.custom_tab)
    await until(lambda: dialog.custom_tab is not None and dialog.custom_tab.editors
                and not any(ed.read_only and not ed.definition.read_only for ed in dialog.custom_tab.editors.values()),
                what="the custom fields to be editable")
    return dialog, dialog.custom_tab


async def save(qtbot: Any, dialog: CustomerDialog) -> Any:
    saved = signal(dialog.saved, timeout=15)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (customer,) = await saved
    return customer


async def open_manager(window: MainWindow) -> CustomFieldsDialog:
    """Customer → Custom fields…"""
    window.customer_menu.aboutToShow.emit()
    action = window.customer_menu.findChild(QAction, "customFieldsAction")
    assert action is not None and action.isEnabled()
    action.trigger()
    manager: CustomFieldsDialog = await until(lambda: visible(CustomFieldsDialog, "customFieldsDialog"),
                                              what="the custom fields manager")
    await until(lambda: manager.list.count() > 0, what="the definitions listed")
    return manager


async def create_definition(qtbot: Any, manager: CustomFieldsDialog, name: str, kind: CustomFieldType,
                            options: list[str] = ()) -> None:  # type: ignore[assignment]
    count = manager.list.count()
    qtbot.mouseClick(manager.add_button, Qt.MouseButton.LeftButton)
    form: DefinitionForm = await until(lambda: visible(DefinitionForm, "definitionForm"), what="the form")
    qtbot.keyClicks(form.name, name)
    form.type.setCurrentIndex(form.type.findData(kind.value))
    for option in options:   # one a line
        qtbot.keyClicks(form.options, option)
        qtbot.keyClick(form.options, Qt.Key.Key_Return)
    qtbot.keyClicks(form.description, f"The customer's {name.lower()}")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    await until(lambda: manager.list.count() == count + 1, what=f"{name} to be listed")


async def test_a_value_edited_on_the_tab_appears_in_its_table_column(qtbot: Any, window: MainWindow,
                                                                     other: OtherClient) -> None:
    await values_read(window)
    show_column(window, ACCOUNT_MANAGER)
    customer = window.model.customer(0)
    dialog, tab = await open_custom_tab(qtbot, window, customer.id)
    type_value(qtbot, tab.editors[column_key(ACCOUNT_MANAGER)], "Grace Hopper")
    saved = await save(qtbot, dialog)
    assert saved.custom_value(ACCOUNT_MANAGER) == "Grace Hopper"
    await until(lambda: cell(window, customer.id, ACCOUNT_MANAGER) == "Grace Hopper", what="the cell to show it")
    stored = other.http.get(f"/v2/customers/{customer.id}/custom-attributes/{ACCOUNT_MANAGER}").json()
    assert stored["custom_attribute"]["value"] == "Grace Hopper"

    # Emptied on the tab: deleted at Square, and the cell is empty.
    dialog, tab = await open_custom_tab(qtbot, window, customer.id)
    assert tab.editors[column_key(ACCOUNT_MANAGER)].value() == "Grace Hopper"
    type_value(qtbot, tab.editors[column_key(ACCOUNT_MANAGER)], "")
    await save(qtbot, dialog)
    await until(lambda: cell(window, customer.id, ACCOUNT_MANAGER) == "", what="the cell to be emptied")
    gone = other.http.get(f"/v2/customers/{customer.id}/custom-attributes/{ACCOUNT_MANAGER}")
    assert gone.status_code == 404


async def test_a_definition_created_in_the_manager_appears_in_the_dialog(qtbot: Any, window: MainWindow) -> None:
    await values_read(window)
    manager = await open_manager(window)
    await create_definition(qtbot, manager, "Renewal date", CustomFieldType.DATE)
    manager.reject()
    customer = window.model.customer(0)
    dialog, tab = await open_custom_tab(qtbot, window, customer.id)
    editor = tab.editors[column_key("renewal-date")]
    assert isinstance(editor, CustomFieldEditor) and editor.spec.label == "Renewal date"
    # A date picker: the calendar opens at today for an empty field, and a day chosen fills it in.
    pick = editor.findChild(QToolButton, f"pick:{column_key('renewal-date')}")
    assert pick is not None and pick.menu() is not None
    pick.menu().aboutToShow.emit()
    assert editor.calendar.selectedDate() == QDate.currentDate()
    editor.calendar.clicked.emit(QDate(2027, 1, 31))
    assert editor.value() == "2027-01-31"
    saved = await save(qtbot, dialog)
    assert saved.custom_value("renewal-date") == "2027-01-31"
    # ...and in the column chooser.
    assert window.customer_list.header.chooser().findChild(QAction, f"column_{column_key('renewal-date')}")


async def test_done_when_a_newcomer_adds_a_drink_field_sets_it_shows_it_and_finds_the_customer_by_it(
        qtbot: Any, window: MainWindow) -> None:
    await values_read(window)
    manager = await open_manager(window)
    await create_definition(qtbot, manager, "Favourite drink", CustomFieldType.SELECTION,
                            ["Horchata", "Kombucha", "Green tea"])
    manager.reject()

    customer = window.model.customer(3)
    dialog, tab = await open_custom_tab(qtbot, window, customer.id)
    drink = tab.editors[column_key("favourite-drink")]
    combo = drink.editor
    assert isinstance(combo, QComboBox)   # one choice: a dropdown
    combo.setFocus()
    combo.setCurrentIndex(combo.findText("Horchata"))
    await save(qtbot, dialog)

    show_column(window, "favourite-drink")
    await until(lambda: cell(window, customer.id, "favourite-drink") == "Horchata", what="the drink in its column")
    window.search.setFocus()
    qtbot.keyClicks(window.search, "horchata")
    await until(lambda: window.model.rowCount() == 1, what="the search to find one customer")
    assert window.model.customer(0).id == customer.id


async def test_a_value_changed_by_someone_else_meanwhile_offers_their_copy(qtbot: Any, window: MainWindow,
                                                                          other: OtherClient) -> None:
    await values_read(window)
    assert window.session is not None
    fields = window.session.custom_fields
    # A customer who holds a value, so Square has a version to check the write against.
    customer = next(window.model.customer(r) for r in range(window.model.rowCount())
                    if any(v.key == ACCOUNT_MANAGER for v in fields.values_of(window.model.customer(r).id) or ()))
    dialog, tab = await open_custom_tab(qtbot, window, customer.id)
    # Someone else changes the value after the dialog read it.
    path = f"/v2/customers/{customer.id}/custom-attributes/{ACCOUNT_MANAGER}"
    other.http.post(path, json={"custom_attribute": {"value": "Margaret Hamilton"}}).raise_for_status()
    type_value(qtbot, tab.editors[column_key(ACCOUNT_MANAGER)], "Tom Becker")
    failed = signal(dialog.save_failed, timeout=15)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await failed
    assert "Someone else changed" in dialog.banner_text.text()
    qtbot.mouseClick(dialog.banner_action, Qt.MouseButton.LeftButton)
    editor = tab.editors[column_key(ACCOUNT_MANAGER)]
    assert editor.value() == "Tom Becker"   # what was typed is kept...
    assert "Margaret Hamilton" in editor.message.text()   # ...with their value beside it
    saved = await save(qtbot, dialog)   # and Save now writes over theirs, knowingly
    assert saved.custom_value(ACCOUNT_MANAGER) == "Tom Becker"


async def test_deleting_a_definition_says_how_many_customers_hold_a_value(qtbot: Any, window: MainWindow) -> None:
    await values_read(window)
    assert window.session is not None
    fields = window.session.custom_fields
    definition = next(d for d in fields.known_definitions or [] if d.key == ACCOUNT_MANAGER)
    holders = fields.holders(ACCOUNT_MANAGER)
    assert holders > 0
    # Square counts them (one search); every demo customer is loaded, so it agrees with the loaded count.
    assert await window.session.provider.custom_field_holders(ACCOUNT_MANAGER) == holders
    manager = await open_manager(window)
    manager.list.setCurrentRow(next(i for i in range(manager.list.count())
                                    if manager.list.item(i).text().startswith(definition.name)))
    qtbot.mouseClick(manager.delete_button, Qt.MouseButton.LeftButton)
    text = await answer(QMessageBox.StandardButton.Yes)
    assert definition.name in text and f"{holders} customers hold a value" in text
    await until(lambda: fields.definition(ACCOUNT_MANAGER) is None, what="the definition to go")
    assert column_key(ACCOUNT_MANAGER) not in [c.key for c in window.model.columns]
    assert fields.holders(ACCOUNT_MANAGER) == 0


async def test_read_only_fields_are_shown_read_only_and_drafts_keep_typed_values(qtbot: Any,
                                                                                 window: MainWindow) -> None:
    await values_read(window)
    dialog, tab = await open_custom_tab(qtbot, window, window.model.customer(2).id)
    read_only = [ed for ed in tab.editors.values() if ed.definition.read_only]
    assert read_only and all(ed.read_only for ed in read_only)
    type_value(qtbot, tab.editors[column_key(ACCOUNT_MANAGER)], "Kenji Sato")
    drafts = window.context.drafts
    key = column_key(ACCOUNT_MANAGER)
    await until(lambda: any(d.values.get(key) == "Kenji Sato" for _k, d in drafts.pending()),
                what="the draft to hold the typed value")
    [(_key, draft)] = [(k, d) for k, d in drafts.pending() if d.values.get(key) == "Kenji Sato"]
    # As after a crash: the draft is put back into a dialog opened afresh.
    customer = dialog.original
    assert customer is not None
    dialog.draft.store = None   # this one goes away without forgetting the draft
    dialog.done(0)
    restored = window.editing.open_dialog(window.model.customer(2), draft_key=_key)
    assert restored is not None and restored.custom_tab is not None
    restored.restore_draft(draft)
    await until(lambda: restored.editors[key].value() == "Kenji Sato" and not restored.editors[key].read_only,
                what="the typed value to be back")
    restored.done(0)


async def test_fields_made_elsewhere_can_be_filled_in_but_not_changed_in_the_manager(qtbot: Any,
                                                                                      window: MainWindow) -> None:
    await values_read(window)
    manager = await open_manager(window)
    for row in range(manager.list.count()):
        manager.list.setCurrentRow(row)
        definition = manager.selected()
        assert definition is not None
        assert manager.edit_button.isEnabled() == manager.delete_button.isEnabled() == definition.owned
    owners = {d.owned for d in window.session.custom_fields.known_definitions or []}  # type: ignore[union-attr]
    assert owners == {True, False}   # the demo has both kinds
    manager.reject()


async def test_a_dialog_opened_before_anything_was_read_reads_it_then_puts_the_draft_back(
        qtbot: Any, window: MainWindow) -> None:
    await values_read(window)
    session = window.session
    assert session is not None
    held = session.custom_fields
    customer = next(c for c in session.service.index   # one whose value the draft below changes
                    if any(v.key == ACCOUNT_MANAGER and v.value != "Kenji Sato" for v in held.values_of(c.id) or ()))
    theirs = held.with_values(customer).custom_value(ACCOUNT_MANAGER)
    # As right after the account opened: neither the definitions nor this customer's values read yet.
    unread = CustomFieldService(session.service)
    dialog = CustomerDialog(session.service, customer, account_label=session.account.name,
                            environment=session.environment, custom_fields=unread, parent=window)
    key = column_key(ACCOUNT_MANAGER)
    mine = "Kenji Sato" if theirs != "Kenji Sato" else "Ada Lovelace"   # a change, whatever the demo holds
    draft = Draft(account_id=session.account.id, account_name=session.account.name, customer_id=customer.id,
                  values={key: mine}, base_values={key: theirs})
    dialog.show()
    dialog.restore_draft(draft)
    assert dialog.custom_tab is not None and key not in dialog.editors   # still reading
    await until(lambda: key in dialog.editors and not dialog.editors[key].read_only, what="the tab to be read")
    assert dialog.editors[key].value() == mine
    assert dialog.original is not None and dialog.original.custom_value(ACCOUNT_MANAGER) == theirs
    assert dialog.has_unsaved_changes()
    dialog.done(0)


def test_each_type_gets_its_widget_and_its_rules(qtbot: Any) -> None:
    def editor(kind: CustomFieldType, **more: Any) -> CustomFieldEditor:
        widget = CustomFieldEditor(CustomFieldDefinition(key="k", name="Field", type=kind, **more))
        qtbot.addWidget(widget)
        return widget

    options = tuple(SelectionOption(uid=f"u{i}", name=n) for i, n in enumerate(["Tea", "Coffee", "Mate"]))
    several = editor(CustomFieldType.SELECTION, options=options, max_selections=2)
    assert isinstance(several.editor, QListWidget)   # several may be chosen: a list to tick
    several.set_value(("u0",))
    several.editor.item(2).setCheckState(Qt.CheckState.Checked)
    assert several.value() == ("u0", "u2") and several.check() is None
    several.editor.item(1).setCheckState(Qt.CheckState.Checked)
    problem = several.check()
    assert problem is not None and "at most 2" in problem.message

    box = editor(CustomFieldType.BOOLEAN)
    assert box.value() is None   # never set and not ticked: nothing to save
    box.set_value(True)
    box.editor.setChecked(False)  # type: ignore[attr-defined]
    assert box.value() is False  # set before and unticked now: saved as no

    number = editor(CustomFieldType.NUMBER)
    type_value(qtbot, number, "1.123456")
    problem = number.check()
    assert problem is not None and "5 digits" in problem.message

    phone = editor(CustomFieldType.PHONE)
    type_value(qtbot, phone, "+1 (206) 555-0100")
    phone.show_problem(phone.check())
    assert phone.fix.isVisibleTo(phone)
    phone.apply_suggestion()
    assert phone.value() == "+12065550100" and phone.check() is None


async def test_their_choice_is_named_in_the_stale_note(qtbot: Any, window: MainWindow, other: OtherClient) -> None:
    await values_read(window)
    assert window.session is not None
    fields = window.session.custom_fields
    tier = fields.definition("loyalty-tier")
    assert tier is not None
    customer = next(c for c in window.session.service.index
                    if any(v.key == tier.key for v in fields.values_of(c.id) or ()))
    held = fields.with_values(customer).custom_value(tier.key)
    mine, theirs = [o for o in tier.options if o.uid not in held][:2]
    dialog, tab = await open_custom_tab(qtbot, window, customer.id)
    path = f"/v2/customers/{customer.id}/custom-attributes/{tier.key}"
    other.http.post(path, json={"custom_attribute": {"value": [theirs.uid]}}).raise_for_status()
    combo = tab.editors[column_key(tier.key)].editor
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findText(mine.name))
    failed = signal(dialog.save_failed, timeout=15)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await failed
    qtbot.mouseClick(dialog.banner_action, Qt.MouseButton.LeftButton)
    note = tab.editors[column_key(tier.key)].message.text()
    assert theirs.name in note and theirs.uid not in note
    dialog.done(0)
