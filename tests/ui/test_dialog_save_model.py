"""One save model in the customer dialog: addresses, phones and emails are sent on Save, Cancel cancels
them, a Save of several requests shows each and keeps what failed, and a new Authorize.net profile gets
shipping addresses before its first save."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from console.services.context import AppContext
from console.services.phone_display import phone_region
from console.ui.collection_tab import CollectionTab
from console.ui.edit_dialog import CustomerDialog
from console.ui.item_dialog import ItemDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.support.window import line_editor, open_edit_of_row, open_new, type_value
from tests.ui.conftest import make_context, open_demo, wrap_demo_transports


class RefusePath(httpx.AsyncBaseTransport):
    """The emulator's transport, answering 400 to writes whose path contains `refuse` (while set)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refuse: str | None = None
        self.writes: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            self.writes.append(f"{request.method} {request.url.path}")
            if self.refuse is not None and self.refuse in request.url.path:
                return httpx.Response(400, json={"message": "Refused by the test"})
        return await self.inner.handle_async_request(request)


@pytest.fixture
def wires() -> dict[str, RefusePath]:
    return {}


@pytest.fixture
def context(tmp_path: Path, wires: dict[str, RefusePath]) -> AppContext:
    def wrap(key: str, plain: httpx.AsyncBaseTransport) -> RefusePath:
        wires[key] = RefusePath(plain)
        return wires[key]

    return wrap_demo_transports(make_context(tmp_path / "app"), wrap)


async def _add(qtbot: Any, tab: CollectionTab, values: dict[str, str]) -> None:
    """Click Add on the tab, type the values into the form and press OK."""
    qtbot.mouseClick(tab.buttons["add"], Qt.MouseButton.LeftButton)
    form: ItemDialog = await until(lambda: visible(ItemDialog, "itemDialog"), what="the item form")
    for key, value in values.items():
        type_value(qtbot, form.editors[key], value)
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    await until(lambda: not form.isVisible(), what="the item form to close")


ADDRESS = {"line1": "1 Plan Street", "city": "Austin", "state": "TX", "postal_code": "78701", "country": "us"}


async def _clover_dialog(qtbot: Any, window: MainWindow) -> CustomerDialog:
    await open_demo(window, "clover")
    # A customer in the US: the phones typed below are shown in US form (a national number's region
    # is the customer's country).
    row = next(r for r in range(window.model.rowCount())
               if window.model.customer(r).addresses and phone_region(window.model.customer(r)) == "US")
    return await open_edit_of_row(qtbot, window, row)


async def test_cancel_undoes_an_added_address(qtbot: Any, window: MainWindow, wires: dict[str, RefusePath]) -> None:
    dialog = await _clover_dialog(qtbot, window)
    customer = dialog.original
    assert customer is not None
    emulator = window.context.demo.emulator("clover")
    before = copy.deepcopy(emulator.customer(customer.id))
    tab = dialog.collection_tabs["addresses"]
    dialog.tabs.setCurrentWidget(tab)
    await _add(qtbot, tab, ADDRESS)
    assert "1 Plan Street" in [a.line1 for a in tab.items()]
    assert dialog.has_unsaved_changes()

    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    text = await answer(QMessageBox.StandardButton.Discard)
    assert "not saved" in text
    await until(lambda: visible(CustomerDialog) is None, what="the dialog to close")
    assert wires["clover"].writes == []
    assert emulator.customer(customer.id) == before


async def test_a_save_of_several_requests_shows_each_and_keeps_what_failed(
        qtbot: Any, window: MainWindow, wires: dict[str, RefusePath]) -> None:
    dialog = await _clover_dialog(qtbot, window)
    customer = dialog.original
    assert customer is not None
    emulator = window.context.demo.emulator("clover")
    type_value(qtbot, dialog.editors["company"], "Planned Ltd")
    for kind, values in (("addresses", ADDRESS), ("phones", {"value": "4155550188"}),
                         ("emails", {"value": "planned@example.com"})):
        tab = dialog.collection_tabs[kind]
        dialog.tabs.setCurrentWidget(tab)
        await _add(qtbot, tab, values)
    wires["clover"].refuse = "phone_numbers"

    failed = signal(dialog.save_failed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await failed
    rows = [dialog.progress.item(r).text() for r in range(dialog.progress.count())]
    assert dialog.progress.isVisible()
    assert [r.split(":")[0] for r in rows] == ["Saved", "Saved", "Not saved", "Saved"]
    assert "Add phone number: (415) 555-0188" in rows[2] and "Refused by the test" in rows[2]
    assert dialog.isVisible() and "1 of 4 changes were not saved" in dialog.banner_text.text()
    phones = dialog.collection_tabs["phones"]
    assert dialog.tabs.tabText(dialog.tabs.indexOf(phones)).startswith("• ")
    assert "Refused by the test" in phones.status.text()
    stored = emulator.customer(customer.id)
    assert stored is not None and stored["metadata"]["businessName"] == "Planned Ltd"
    assert [a["address1"] for a in stored["addresses"]].count("1 Plan Street") == 1
    assert "4155550188" not in [p["phoneNumber"] for p in stored["phoneNumbers"]]

    # Saved again once the provider takes it: only the phone is sent.
    wires["clover"].refuse = None
    wires["clover"].writes.clear()
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    assert len(wires["clover"].writes) == 1
    assert wires["clover"].writes[0].startswith("POST ")
    assert wires["clover"].writes[0].endswith(f"/customers/{customer.id}/phone_numbers")
    stored = emulator.customer(customer.id)
    assert stored is not None
    assert [a["address1"] for a in stored["addresses"]].count("1 Plan Street") == 1
    assert "4155550188" in [p["phoneNumber"] for p in stored["phoneNumbers"]]


async def test_a_new_profile_gets_shipping_addresses_before_its_first_save(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "authorize-net")
    emulator = window.context.demo.emulator("authorize-net")
    dialog = await open_new(qtbot, window)
    assert set(dialog.collection_tabs) == {"shipping_addresses"}   # no cards on a profile not made yet
    qtbot.keyClicks(line_editor(dialog, "description"), "Planned profile")
    tab = dialog.collection_tabs["shipping_addresses"]
    dialog.tabs.setCurrentWidget(tab)
    await _add(qtbot, tab, {"first_name": "Ada", "line1": "3 First Street", "city": "Reno", "country": "United States"})
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (created,) = await saved
    stored = emulator.profile(created.id)
    assert stored is not None and stored["description"] == "Planned profile"
    assert [(a["address"], a["country"]) for a in stored["shipToList"]] == [("3 First Street", "US")]


async def test_a_planned_address_is_kept_in_the_draft_and_restored(qtbot: Any, window: MainWindow) -> None:
    dialog = await _clover_dialog(qtbot, window)
    customer = dialog.original
    assert customer is not None
    tab = dialog.collection_tabs["addresses"]
    dialog.tabs.setCurrentWidget(tab)
    await _add(qtbot, tab, ADDRESS)
    drafts = window.context.drafts
    await until(lambda: drafts.pending(), what="the draft to be written")
    ((_key, draft),) = drafts.pending()
    assert draft.customer_id == customer.id
    assert [c["values"]["line1"] for c in draft.item_changes] == ["1 Plan Street"]

    again = CustomerDialog(dialog.service, customer, account_label="Clover (Demo)", environment="demo")
    qtbot.addWidget(again)
    again.restore_draft(draft)
    assert "1 Plan Street" in [a.line1 for a in again.collection_tabs["addresses"].items()]
    assert again.has_unsaved_changes()
