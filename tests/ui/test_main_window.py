"""The real main window in demo mode, driven the way a person would: keys, clicks, dialogs."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from console.providers.square import PAGE_SIZE as SQUARE_PAGE_SIZE
from console.ui.edit_dialog import CustomerDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.support.window import line_editor as _editor
from tests.support.window import open_edit_of_row as _open_edit_of_row
from tests.support.window import open_new as _open_new
from tests.ui.conftest import OtherClient


def _emulator(window: MainWindow) -> Any:
    return window.context.demo.emulator("square")


def _names(window: MainWindow) -> list[str]:
    return [window.model.data(window.model.index(r, 0)) for r in range(window.model.rowCount())]


async def test_opens_on_the_square_demo_account_badged_demo(window: MainWindow) -> None:
    assert window.account_combo.currentText().startswith("Square (Demo)")
    assert window.badge.text() == "DEMO"
    assert window.account_label.text() == "Square (Demo)"
    assert window.model.rowCount() == 120
    assert window.count_label.text() == "120 customers"
    assert not window.progress.isVisible()


async def test_typing_in_the_search_field_narrows_the_rows(qtbot: Any, window: MainWindow) -> None:
    target = window.model.customer(7)
    word = (target.family_name or target.company or target.email or "").split()[0]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, word)
    rows = window.model.rowCount()
    assert 1 <= rows < 120
    shown = window.model.customers(list(range(rows)))
    assert target in shown
    index = window.session.service.index  # type: ignore[union-attr]
    assert {c.id for c in shown} <= {index.at(p).id for p in index.matching(word)}
    assert window.count_label.text() == f"{rows} of 120 shown"
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.model.rowCount() == 120


async def test_new_fill_save_shows_the_new_customer(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open_new(qtbot, window)
    qtbot.keyClicks(_editor(dialog, "given_name"), "Grace")
    qtbot.keyClicks(_editor(dialog, "family_name"), "Hopper")
    qtbot.keyClicks(_editor(dialog, "email"), "grace.hopper@example.com")
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (customer,) = await saved
    assert visible(CustomerDialog) is None
    assert window.model.rowCount() == 121
    row = window.customer_list.selected_rows()[0]
    assert window.model.customer(row).id == customer.id
    assert window.model.data(window.model.index(row, 0)) == "Grace Hopper"
    created = [r for r in _emulator(window).requests if r.method == "POST" and r.path == "/v2/customers"]
    assert len(created) == 1


async def test_edit_save_shows_the_change(qtbot: Any, window: MainWindow, other: OtherClient) -> None:
    dialog = await _open_edit_of_row(qtbot, window, 3)
    customer = dialog.original
    assert customer is not None
    company = _editor(dialog, "company")
    company.selectAll()
    qtbot.keyClicks(company, "Analytical Engines Ltd")
    saved = signal(dialog.saved)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    (updated,) = await saved
    assert updated.company == "Analytical Engines Ltd"
    row = window.model.row_of(customer.id)
    assert row is not None
    company_column = [c.key for c in window.model.columns].index("company")
    assert window.model.data(window.model.index(row, company_column)) == "Analytical Engines Ltd"
    assert other.get(customer.id)["company_name"] == "Analytical Engines Ltd"
    assert int(updated.version) == int(customer.version or 0) + 1


async def test_delete_removes_the_rows_with_one_bulk_call(qtbot: Any, window: MainWindow) -> None:
    victims = window.model.customers([0, 1, 2])
    window.table.setFocus()
    window.table.selectRow(0)
    window.table.selectionModel().select(window.model.index(1, 0), window.table.selectionModel().SelectionFlag.Select
                                         | window.table.selectionModel().SelectionFlag.Rows)
    window.table.selectionModel().select(window.model.index(2, 0), window.table.selectionModel().SelectionFlag.Select
                                         | window.table.selectionModel().SelectionFlag.Rows)
    _emulator(window).clear_log()
    deleted = signal(window.customers_deleted)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    text = await answer(QMessageBox.StandardButton.Yes)
    for victim in victims:
        assert window.session.service.index.name(victim) in text  # type: ignore[union-attr]
    (ids,) = await deleted
    assert set(ids) == {v.id for v in victims}
    assert window.model.rowCount() == 117
    assert all(window.model.row_of(v.id) is None for v in victims)
    paths = [r.path for r in _emulator(window).requests]
    assert paths == ["/v2/customers/bulk-delete"]


async def test_delete_can_be_cancelled(qtbot: Any, window: MainWindow) -> None:
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    await answer(QMessageBox.StandardButton.No)
    assert window.model.rowCount() == 120


async def test_invalid_email_shows_on_the_field_and_sends_nothing(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open_new(qtbot, window)
    qtbot.keyClicks(_editor(dialog, "given_name"), "Alan")
    qtbot.keyClicks(_editor(dialog, "email"), "alan@turing")
    message = dialog.editors["email"].message
    assert message.isVisible()
    assert "Not a valid email address" in message.text()
    _emulator(window).clear_log()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "nothing was sent" in dialog.state.text()
    assert _emulator(window).requests == []
    assert _editor(dialog, "email").hasFocus()


async def test_server_failure_keeps_the_dialog_open_with_the_input(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open_new(qtbot, window)
    qtbot.keyClicks(_editor(dialog, "given_name"), "Katherine")
    qtbot.keyClicks(_editor(dialog, "phone"), "+1 206-555-0199")
    _emulator(window).fail_next("503", count=2)  # both attempts of the first save
    failed = signal(dialog.save_failed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (error,) = await failed
    assert error.retryable
    assert dialog.isVisible()
    assert dialog.banner.isVisible()
    assert "try Save again" in dialog.banner_text.text()
    assert _editor(dialog, "given_name").text() == "Katherine"
    assert _editor(dialog, "phone").text() == "+1 206-555-0199"
    # Once the provider is back, the same dialog saves, and only one customer exists.
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    matches = window.session.service.index.matching("Katherine")  # type: ignore[union-attr]
    assert len(matches) == 1


async def test_stale_version_is_reported_and_their_copy_can_be_loaded(
        qtbot: Any, window: MainWindow, other: OtherClient) -> None:
    dialog = await _open_edit_of_row(qtbot, window, 5)
    customer = dialog.original
    assert customer is not None
    other.update(customer.id, note="Changed by a colleague", nickname="Colleague's nick")
    nickname = _editor(dialog, "nickname")
    nickname.selectAll()
    qtbot.keyClicks(nickname, "Mine")
    failed = signal(dialog.save_failed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await failed
    assert dialog.isVisible()
    assert "Someone else changed this customer" in dialog.banner_text.text()
    assert dialog.banner_action.text() == "Reload their copy"
    qtbot.mouseClick(dialog.banner_action, Qt.MouseButton.LeftButton)
    # Their note arrives; the nickname I typed stays, with their value offered beside it.
    note = dialog.editors["note"].value()
    assert note == "Changed by a colleague"
    assert nickname.text() == "Mine"
    assert "Colleague's nick" in dialog.editors["nickname"].message.text()
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (updated,) = await saved
    assert updated.extra["nickname"] == "Mine"
    assert updated.note == "Changed by a colleague"


async def test_exact_email_is_looked_up_on_the_server(qtbot: Any, window: MainWindow, other: OtherClient) -> None:
    made = other.create(given_name="Hedy", family_name="Lamarr", email_address="hedy@example.net")
    assert window.model.row_of(made["id"]) is None  # created elsewhere after our load
    found = signal(window.lookup_finished)
    qtbot.keyClicks(window.search, "hedy@example.net")
    (count,) = await found
    assert count == 1
    assert window.model.rowCount() == 1
    assert window.model.customer(0).id == made["id"]
    searches = [r for r in _emulator(window).requests if r.path == "/v2/customers/search"]
    assert searches


async def test_clicking_a_header_sorts(qtbot: Any, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    email_column = [c.key for c in window.model.columns].index("email")
    x = header.sectionViewportPosition(email_column) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    emails = [window.model.customer(r).email for r in range(window.model.rowCount())]
    filled = [m.casefold() for m in emails if m]
    assert filled == sorted(filled)
    assert all(not m for m in emails[len(filled):])


class HeldPage(httpx.AsyncBaseTransport):
    """The emulator's transport, except that the answer to list request `page` waits for `release`."""

    def __init__(self, inner: httpx.AsyncBaseTransport, page: int) -> None:
        self.inner = inner
        self.page = page
        self.lists = 0
        self.held = asyncio.Event()
        self.release = asyncio.Event()
        self.cancelled = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "GET" and request.url.path.rstrip("/") == "/v2/customers":
            self.lists += 1
            if self.lists == self.page:
                self.held.set()
                try:
                    await self.release.wait()
                except asyncio.CancelledError:
                    self.cancelled = True
                    raise
        return response


async def test_cancel_stops_a_load_part_way(qtbot: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.ui.conftest import make_context

    context = make_context(tmp_path / "slow", customers=1000)
    gate = HeldPage(context.demo.transport("square"), page=3)
    monkeypatch.setattr(context.demo, "transport", lambda provider: gate)
    win = MainWindow(context)
    qtbot.addWidget(win)
    win.show()
    page = SQUARE_PAGE_SIZE
    # The first two pages are shown and the third is on its way: the load is part-way.
    await until(lambda: gate.held.is_set() and win.model.rowCount() == 2 * page, what="two pages shown")
    assert win.cancel_button.isVisible()
    qtbot.mouseClick(win.cancel_button, Qt.MouseButton.LeftButton)
    await until(lambda: not win.cancel_button.isVisible() and gate.cancelled, what="loading to stop")
    gate.release.set()
    assert win.model.rowCount() == 2 * page < 1000
    assert gate.lists == 3, "the load went on after Cancel"
    assert "stopped" in win.statusBar().currentMessage()
    await win.shutdown()


async def test_column_widths_and_account_are_remembered(qtbot: Any, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    header.resizeSection(2, 321)
    header.moveSection(2, 0)
    window.close()
    assert window.context.settings.columns["square"].widths["email"] == 321
    again = MainWindow(window.context)
    qtbot.addWidget(again)
    opened = signal(again.account_opened)
    again.show()
    await opened
    assert again.table.horizontalHeader().sectionSize(2) == 321
    assert again.table.horizontalHeader().logicalIndex(0) == 2
    await again.shutdown()


async def test_unsaved_dialog_blocks_quitting(qtbot: Any, window: MainWindow) -> None:
    dialog = await _open_new(qtbot, window)
    qtbot.keyClicks(_editor(dialog, "given_name"), "Unsaved")
    window.close()
    assert window.isVisible()
    assert dialog.isVisible()
    assert _editor(dialog, "given_name").text() == "Unsaved"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    await answer(QMessageBox.StandardButton.Discard)
    await until(lambda: visible(CustomerDialog) is None, what="the dialog to close")


async def test_reset_demo_data(qtbot: Any, window: MainWindow, other: OtherClient) -> None:
    first = window.model.customer(0)
    other.update(first.id, note="temporary")
    opened = signal(window.load_finished, timeout=20)
    window.reset_demo_action.trigger()
    await answer(QMessageBox.StandardButton.Yes)
    await opened
    assert other.get(first.id).get("note") != "temporary"

