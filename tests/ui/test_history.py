"""View → History over real writes made through the window's accounts: the rows and their groups,
each filter, the CSV export, verifying the chain (intact, then after a record is edited in the
database), the details of an entry and the revert request the lead's flow takes."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.journal import JournalEntry, Outcome
from console.services.context import AppContext
from console.services.history_rows import SHORT
from console.services.journal import Author
from console.services.settings import AccountSettings
from console.store.tables import journal as journal_table
from console.ui.history_detail import HistoryDetail
from console.ui.history_model import FIRST, LAST, HistoryModel
from console.ui.history_window import HistoryWindow
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.ui.conftest import make_context, open_demo
from tests.ui.menus import MENU_WARNINGS, context_menu

ADA = Author(os_user="ada", computer="desk-1", staff="Ada")
OPS = Author(os_user="op", computer="desk-2", staff="@ops")   # a name a spreadsheet would run as a formula


@pytest.fixture
async def context(tmp_path: Path) -> AsyncIterator[AppContext]:
    """The demo accounts with a workspace database, where the journal is kept."""
    context = make_context(tmp_path / "app", customers=30)
    # One customer with an email longer than History's cells show (the shortening is checked).
    square = context.demo.emulator("square")
    first = next(iter(square._customers.values()))  # type: ignore[attr-defined]
    first["email_address"] = "a.rather.long.email.address.for.history@example.com"
    context.workspace.start()
    context.journal.author = ADA
    yield context
    await context.workspace.close()


class Writes:
    """The writes made before History opens, newest last."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    async def make(self) -> None:
        window, journal = self.window, self.window.context.journal
        assert window.session is not None
        service = window.session.service
        shown = window.model.customers(list(range(window.model.rowCount())))
        # `a` has an email longer than a cell shows (the shortening is checked below).
        self.a = next(c for c in shown if c.email and len(c.email) > SHORT)
        self.b, self.c, self.d = [c for c in shown if c is not self.a][:3]
        await service.update(self.a, CustomerChanges(values={"email": "ada.new@example.com"}))
        with service.grouped():   # one save: two entries of one group
            changed = await service.update(self.b, CustomerChanges(values={"company_name": "Acme"}))
            await service.update(changed, CustomerChanges(values={"note": "Prefers mail"}))
        journal.author = OPS
        await service.update(self.c, CustomerChanges(values={"family_name": "Ops-changed"}))
        await service.delete_many([self.d])
        with pytest.raises(e.NotFoundError):   # it is gone: the write fails, and says so
            await service.update(self.d, CustomerChanges(values={"note": "too late"}))
        journal.author = ADA
        await open_demo(window, "clover")
        assert window.session is not None
        clover = window.session.service
        self.e = window.model.customer(0)
        await clover.update(self.e, CustomerChanges(values={"email": "clover.new@example.com"}))


async def _history(qtbot: Any, window: MainWindow, expected: int) -> HistoryWindow:
    """Open History with its key and wait until it shows `expected` entries."""
    qtbot.keyClick(window.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    history: HistoryWindow = await until(lambda: visible(HistoryWindow, "historyWindow"), what="History")
    await until(lambda: history.model.rowCount() == expected and history.model.entry(0) is not None,
                what=f"{expected} entries")
    return history


@pytest.fixture
async def history(qtbot: Any, window: MainWindow) -> tuple[HistoryWindow, Writes]:
    writes = Writes(window)
    await writes.make()
    return await _history(qtbot, window, 7), writes


def _column(history: HistoryWindow, column: int) -> list[str]:
    model = history.model
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


async def _filtered(history: HistoryWindow, change: Any) -> int:
    loaded = signal(history.model.loaded)
    change()
    (count,) = await loaded
    assert history.model.rowCount() == count
    return int(count)


async def test_history_lists_every_write_newest_first_with_its_changes_outcome_and_groups(
        qtbot: Any, window: MainWindow, history: tuple[HistoryWindow, Writes]) -> None:
    win, w = history
    assert _column(win, HistoryModel.OPERATION) == ["update", "update", "delete", "update", "update", "update",
                                                    "update"]
    assert _column(win, HistoryModel.WHO) == ["Ada", "@ops", "@ops", "@ops", "Ada", "Ada", "Ada"]
    outcomes = _column(win, HistoryModel.OUTCOME)
    assert outcomes[0] == "succeeded" and outcomes[1].startswith("failed: ")
    changes = _column(win, HistoryModel.CHANGES)
    # Values are shortened in the table (this email is longer than that); the tooltip has them whole.
    assert w.a.email and len(w.a.email) > SHORT
    assert changes[6] == f"email: {w.a.email[:SHORT - 1]}… → ada.new@example.com"
    tip = win.model.data(win.model.index(6, HistoryModel.CHANGES), Qt.ItemDataRole.ToolTipRole)
    assert tip == f"email: {w.a.email} → ada.new@example.com"
    assert changes[2] == "the whole customer (kept, to re-create it from)"   # a delete
    assert changes[4:6] == ["note: — → Prefers mail", f"company_name: {w.b.company or '—'} → Acme"]
    assert _column(win, HistoryModel.CUSTOMER)[6] == f"{w.a.display_name} ({w.a.id})"
    assert _column(win, HistoryModel.ACCOUNT)[0] != _column(win, HistoryModel.ACCOUNT)[1]
    # The save of two changes reads as one: a bracket joins its rows, and nothing else.
    assert _column(win, HistoryModel.GROUP) == ["", "", "", "", FIRST, LAST, ""]
    assert win.filters.search.placeholderText() and win.status.text() == "7 entries"

    # Ctrl+H again raises the same window; Escape closes it.
    qtbot.keyClick(window.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert window.findChildren(HistoryWindow) == [win]
    qtbot.keyClick(win.table, Qt.Key.Key_Escape)
    assert not win.isVisible()


async def test_each_filter_is_applied_in_the_journal(history: tuple[HistoryWindow, Writes]) -> None:
    win, w = history
    f = win.filters
    assert await _filtered(win, lambda: f.account_box.setCurrentIndex(f.account_box.findData("demo:clover"))) == 1
    assert await _filtered(win, lambda: f.account_box.setCurrentIndex(0)) == 7
    assert [f.who_box.itemData(i) for i in range(f.who_box.count())] == [None, "@ops", "Ada"]
    assert await _filtered(win, lambda: f.who_box.setCurrentIndex(f.who_box.findData("@ops"))) == 3
    assert await _filtered(win, lambda: f.operation_box.setCurrentIndex(f.operation_box.findData("delete"))) == 1
    assert _column(win, HistoryModel.CUSTOMER) == [f"{w.d.display_name} ({w.d.id})"]
    assert await _filtered(win, lambda: f.operation_box.setCurrentIndex(0)) == 3
    assert await _filtered(win, lambda: f.who_box.setCurrentIndex(0)) == 7

    # Days are the computer's own: today holds everything, tomorrow nothing.
    today = QDate(date.today())   # the computer's own day, as the boxes show
    assert await _filtered(win, lambda: f.from_date.setDate(today.addDays(1))) == 0
    assert await _filtered(win, lambda: f.from_date.setDate(today)) == 7
    assert await _filtered(win, lambda: f.to_date.setDate(today.addDays(-1))) == 0
    assert await _filtered(win, lambda: f.to_date.setDate(today)) == 7

    # Text: the customer's id, or a part of the name (typing waits for a pause, then reads once).
    assert await _filtered(win, lambda: f.search.setText(w.c.id)) == 1
    assert await _filtered(win, lambda: f.search.setText(w.b.display_name[1:5].lower())) == 2
    assert {e.customer_id for e in (win.model.entry(0), win.model.entry(1)) if e} == {w.b.id}


async def test_export_writes_the_filtered_entries_as_csv_with_a_bom_and_no_formulas(
        tmp_path: Path, history: tuple[HistoryWindow, Writes]) -> None:
    win, w = history
    target = tmp_path / "history.csv"
    win.choose_export_path = lambda: str(target)
    await _filtered(win, lambda: win.filters.account_box.setCurrentIndex(
        win.filters.account_box.findData("demo:square")))
    win.buttons["export"].click()
    await until(lambda: win.status.text().startswith("Exported"), what="the export")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:4] == ["When", "Who", "Computer", "Account"] and len(rows) == 6
    assert [row[1] for row in rows] == ["'@ops", "'@ops", "'@ops", "Ada", "Ada", "Ada"]
    assert rows[5][7] == f"email: {w.a.email} → ada.new@example.com" and rows[5][8] == "succeeded"
    assert rows[3][12] and rows[3][12] == rows[4][12]   # the save's group
    assert win.buttons["export"].isEnabled() and not win.progress.isVisible()


async def test_verify_says_intact_then_names_the_record_edited_in_the_database(
        context: AppContext, history: tuple[HistoryWindow, Writes]) -> None:
    win, w = history
    win.buttons["verify"].click()
    await until(lambda: "intact" in win.verify_result.text(), what="the check")
    assert win.verify_result.text() == "History intact: 14 records checked."

    # Someone edits the first update's record: the email it says was sent.
    def forge(connection: sa.Connection) -> int:
        table = journal_table
        row = connection.execute(sa.select(table.c.seq, table.c.body).where(table.c.kind == "intent")
                                 .order_by(table.c.seq).limit(1)).one()
        connection.execute(sa.update(table).where(table.c.seq == row.seq)
                           .values(body=row.body.replace("ada.new@example.com", "forged@example.com")))
        return int(row.seq)

    workspace = context.workspace
    seq = await workspace._run(lambda: workspace._write(forge))
    win.buttons["verify"].click()
    await until(lambda: "altered" in win.verify_result.text(), what="the check")
    said = win.verify_result.text()
    assert f"record {seq}," in said and "by Ada" in said and f"{w.a.display_name} ({w.a.id})" in said
    assert "changed after it was written" in said


async def test_enter_shows_an_entry_in_full_and_ctrl_f_goes_to_the_text_filter(
        qtbot: Any, history: tuple[HistoryWindow, Writes]) -> None:
    win, w = history
    win.activateWindow()
    qtbot.keyClick(win.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert win.filters.search.hasFocus()
    win.table.setFocus()
    win.table.selectRow(6)
    qtbot.keyClick(win.table, Qt.Key.Key_Return)
    detail: HistoryDetail = await until(lambda: visible(HistoryDetail, "historyDetail"), what="the details")
    page = detail.text.toPlainText()
    assert f"before: {w.a.email}" in page and "after:  ada.new@example.com" in page
    assert "Ada (ada on desk-1)" in page and "Outcome:    succeeded" in page
    detail.close()


@MENU_WARNINGS
async def test_revert_is_offered_for_a_change_made_and_carries_the_entry_or_its_whole_save(
        history: tuple[HistoryWindow, Writes]) -> None:
    win, w = history
    win.table.selectRow(1)   # the update that failed: nothing to revert
    assert not win.revert_action.isEnabled() and not win.buttons["revert"].isEnabled()
    win.table.selectRow(5)   # one change of the two-change save
    assert win.revert_action.isEnabled() and win.revert_group_action.isEnabled()

    requested = signal(win.revert_requested)
    win.buttons["revert"].click()
    ((one,),) = await requested
    assert isinstance(one, JournalEntry) and one.intent.changes[0].after == "Acme"

    # The whole save, from the row's context menu (on its other entry).
    rect = win.table.visualRect(win.model.index(4, HistoryModel.WHEN))
    menu = await context_menu(win.table.viewport(), rect.center(), "historyMenu")
    assert win.selected() is win.model.entry(4)
    assert [a.objectName() for a in menu.actions()] == ["historyDetails", "historyRevert", "historyRevertGroup"]
    requested = signal(win.revert_requested)
    win.revert_group_action.trigger()
    menu.close()
    (entries,) = await requested
    assert [e.intent.changes[0].field for e in entries] == ["note", "company_name"]
    assert {(e.outcome, e.customer_id) for e in entries} == {(Outcome.SUCCEEDED, w.b.id)}


async def test_the_window_says_so_when_no_journal_is_kept(qtbot: Any, window: MainWindow) -> None:
    await window.context.workspace.close()
    qtbot.keyClick(window.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    win: HistoryWindow = await until(lambda: visible(HistoryWindow, "historyWindow"), what="History")
    await until(lambda: "local copy" in win.status.text(), what="the notice")
    assert win.model.rowCount() == 0



async def test_revert_from_history_puts_the_old_value_back_at_the_provider(
        qtbot: Any, history: tuple[HistoryWindow, Writes]) -> None:
    win, w = history
    window = w.window
    clover = window.session
    assert clover is not None
    # A change to an account that is not open (Square's, while Clover is) says how to revert it instead.
    row = next(r for r in range(win.model.rowCount())
               if (x := win.model.entry(r)) is not None and x.customer_id == w.a.id)
    win.table.selectRow(row)
    win.buttons["revert"].click()
    await until(lambda: "open that account" in window.statusBar().currentMessage(), what="the advice")

    await open_demo(window, "square")
    square = window.session
    assert square is not None
    win.table.selectRow(row)
    win.buttons["revert"].click()
    preview = await answer(QMessageBox.StandardButton.Yes)
    assert f"email: ada.new@example.com → {w.a.email}" in preview
    await until(lambda: window.statusBar().currentMessage().startswith("Reverted"), what="the revert")
    assert (await square.service.provider.get(w.a.id)).email == w.a.email
    await until(lambda: win.model.rowCount() == 8, what="the revert listed in History")
    reverted = win.model.entry(0)
    assert reverted is not None and reverted.intent.reverts is not None


async def test_an_account_added_while_history_is_open_is_offered_when_it_is_shown_again(
        qtbot: Any, history: tuple[HistoryWindow, Writes]) -> None:
    win, w = history
    window = w.window
    assert win.filters.account_box.findData("shop-added") == -1
    shop = AccountSettings(provider="square", name="Shop added later", id="shop-added")
    window.context.settings.accounts = [*window.context.settings.accounts, shop]
    window.switching.reload()
    window.activateWindow()
    await until(lambda: QApplication.activeWindow() is window, what="the main window active")
    loaded = signal(win.model.loaded)
    qtbot.keyClick(window.table, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    await loaded
    box = win.filters.account_box
    assert box.itemText(box.findData("shop-added")) == "Shop added later"
    assert await _filtered(win, lambda: box.setCurrentIndex(box.findData("shop-added"))) == 0
