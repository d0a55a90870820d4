"""All accounts: every account's customers in one table, searched, sorted and selected across
accounts; each row edited and deleted at its own account, with that account's confirmation; New
asks which account; an account that cannot be reached goes offline on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from console.domain.text_folding import fold
from console.sandbox.square import SquareEmulator
from console.services.accounts import ALL_ACCOUNTS, DEMO_PREFIX
from console.services.context import AppContext
from console.services.secrets import set_secret
from console.services.settings import AccountSettings
from console.services.start_snapshot import read_kept_snapshot
from console.ui.account_choice import AccountChoice
from console.ui.all_accounts_loading import AllLoaded
from console.ui.edit_dialog import CustomerDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.support.window import active, type_value
from tests.ui.conftest import FAST_RETRIES, make_context, wrap_demo_transports

PER_ACCOUNT = 30
PROVIDERS = ("square", "authorize-net", "clover", "payarc", "digital-river")
TOKEN = "EAAAl-production-token-for-tests"


class Unreachable(httpx.AsyncBaseTransport):
    """A stopped emulator (the test hook): every request fails to connect until `back` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.back = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.back:
            raise httpx.ConnectError("the emulator is stopped", request=request)
        return await self.inner.handle_async_request(request)


async def _all_accounts(qtbot: Any, context: AppContext) -> MainWindow:
    """The window with All accounts chosen in the selector, every account loaded."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.offline.retry_delays = (0.05,)
    first = signal(window.load_finished, timeout=30)
    window.show()
    await first
    combo = window.account_combo
    loaded = signal(window.load_finished, timeout=60)
    combo.setFocus()
    combo.setCurrentIndex(combo.findData(ALL_ACCOUNTS))
    (result,) = await loaded
    assert isinstance(result, AllLoaded)
    return window


def _rows_of(window: MainWindow, account_id: str) -> list[int]:
    model = window.model
    return [r for r in range(model.rowCount()) if model.account_of(r) == account_id]


def _select(window: MainWindow, rows: list[int]) -> None:
    selection = QItemSelection()
    for row in rows:
        selection.select(window.model.index(row, 0), window.model.index(row, window.model.columnCount() - 1))
    window.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)


async def test_all_accounts_shows_every_account_and_searches_and_sorts_across_them(
        qtbot: Any, tmp_path: Path) -> None:
    context = make_context(tmp_path / "app", customers=PER_ACCOUNT)
    context.workspace.start()   # the next start's preview is kept in it
    window = await _all_accounts(qtbot, context)
    model = window.model
    assert model.rowCount() == PER_ACCOUNT * len(PROVIDERS)
    assert {model.account_of(r) for r in range(model.rowCount())} == {DEMO_PREFIX + p for p in PROVIDERS}
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Account"
    clover_row = _rows_of(window, DEMO_PREFIX + "clover")[0]
    assert model.data(model.index(clover_row, 0)) == "Clover (Demo)  [DEMO]"
    assert not model.data(model.index(clover_row, 0), Qt.ItemDataRole.DecorationRole).isNull()
    assert window.account_label.text() == "All accounts" and window.badge.text() == "DEMO"

    # A surname found at more than one provider: typed once, it finds them all, and only them.
    surnames = {}
    for row in range(model.rowCount()):
        last = model.customer(row).family_name
        if last:
            surnames.setdefault(last, set()).add(model.account_of(row))
    # ASCII only: QTest's keyClicks cannot type "Díaz" (it asserts on a non-ASCII key).
    shared = next(name for name, accounts in sorted(surnames.items()) if len(accounts) >= 2 and name.isascii())
    window.search.setFocus()
    qtbot.keyClicks(window.search, shared)
    await until(lambda: 0 < model.rowCount() < PER_ACCOUNT * len(PROVIDERS), what="the search")
    found = {model.account_of(r) for r in range(model.rowCount())}
    assert len(found) >= 2
    assert all(fold(shared) in fold(repr(model.customer(r))) for r in range(model.rowCount()))
    window.search.clear()

    # Sorting by Name orders every account's rows together; by Account, the accounts by name.
    name_column = [c.key for c in model.columns].index("name")
    window.table.sortByColumn(name_column, Qt.SortOrder.AscendingOrder)
    names = [model.data(model.index(r, name_column)) for r in range(model.rowCount())]
    filled = [fold(n) for n in names if n]
    assert filled == sorted(filled)
    assert len({model.account_of(r) for r in range(10)}) >= 2   # interleaved, not one account after another
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    accounts = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert accounts == sorted(accounts, key=str.casefold)
    await window.shutdown()
    await context.workspace.start_views()   # after the shut-down's write
    # The next start's preview shows this view, not the account shown before it.
    snapshot = read_kept_snapshot(context.paths)
    assert snapshot is not None and (snapshot.account_id, snapshot.account_name) == (ALL_ACCOUNTS, "All accounts")
    assert snapshot.columns[0] == "Account" and snapshot.rows[0][0] == accounts[0]


async def test_a_row_of_each_provider_is_edited_at_its_own_account(qtbot: Any, tmp_path: Path) -> None:
    window = await _all_accounts(qtbot, make_context(tmp_path / "app", customers=PER_ACCOUNT))
    model = window.model
    for n, provider in enumerate(PROVIDERS):
        account_id = DEMO_PREFIX + provider
        row = _rows_of(window, account_id)[0]
        customer_id = model.customer(row).id
        window.activateWindow()
        window.table.setFocus()
        _select(window, [row])
        qtbot.keyClick(window.table, Qt.Key.Key_Return)
        dialog: CustomerDialog = await active(await until(lambda: visible(CustomerDialog), what="the dialog"))
        assert dialog.account_id == account_id
        # A text field this provider lets the dialog change (Clover's email is its own list, say).
        key = next(k for k in ("email", "company", "description") if k in dialog.editors
                   and isinstance(editor := dialog.editors[k].editor, QLineEdit) and not editor.isReadOnly()
                   and editor.isEnabled())
        value = f"all-view-{n}@example.com"
        type_value(qtbot, dialog.editors[key], value)
        assert dialog.has_unsaved_changes()
        saved = signal(dialog.saved, timeout=20)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        await saved
        await until(lambda: visible(CustomerDialog) is None, what="the dialog to close")
        session = window.all_accounts.sessions[account_id]
        get = session.service.index.getter(key)
        assert get(session.service.index.get(customer_id)) == value
        row_now = model.row_of(customer_id, account_id)
        assert row_now is not None and get(model.customer(row_now)) == value
        assert window.table.selectionModel().isRowSelected(row_now)
    await window.shutdown()


async def test_new_asks_which_account_and_delete_acts_on_each_rows_account(qtbot: Any, tmp_path: Path) -> None:
    window = await _all_accounts(qtbot, make_context(tmp_path / "app", customers=PER_ACCOUNT))
    model = window.model

    # New: the account is asked first, then the dialog is that account's.
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    choice: AccountChoice = await until(lambda: visible(AccountChoice), what="the account choice")
    items = [choice.list.item(i).text() for i in range(choice.list.count())]
    assert len(items) == len(PROVIDERS) and "Clover (Demo)  [DEMO]" in items
    choice.list.setFocus()
    choice.list.setCurrentRow(items.index("Clover (Demo)  [DEMO]"))
    qtbot.keyClick(choice.list, Qt.Key.Key_Return)
    dialog: CustomerDialog = await active(await until(lambda: visible(CustomerDialog), what="the new dialog"))
    assert dialog.account_id == DEMO_PREFIX + "clover" and dialog.original is None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    await until(lambda: visible(CustomerDialog) is None, what="the dialog to close")

    # Delete two rows of two accounts at once: one question naming both, each deleted at its own account.
    square_row = _rows_of(window, DEMO_PREFIX + "square")[2]
    payarc_row = _rows_of(window, DEMO_PREFIX + "payarc")[3]
    gone = [(DEMO_PREFIX + "square", model.customer(square_row).id),
            (DEMO_PREFIX + "payarc", model.customer(payarc_row).id)]
    _select(window, [square_row, payarc_row])
    assert window.delete_action.isEnabled()
    window.delete_action.trigger()
    question = await answer(QMessageBox.StandardButton.Yes)
    assert "from 2 accounts" in question and "Square (Demo)" in question and "PayArc (Demo)" in question
    await until(lambda: all(model.row_of(cid, aid) is None for aid, cid in gone), what="both rows to go")
    for account_id, customer_id in gone:
        assert window.all_accounts.sessions[account_id].service.index.get(customer_id) is None
    assert model.rowCount() == PER_ACCOUNT * len(PROVIDERS) - 2
    await window.shutdown()


async def test_the_production_confirmation_is_asked_per_row_account(qtbot: Any, tmp_path: Path) -> None:
    context = make_context(tmp_path / "app", customers=PER_ACCOUNT)
    emulator = SquareEmulator(seed=3, customers=12, credentials={"token": TOKEN})
    context.transport = emulator.transport()
    live = AccountSettings(provider="square", name="Main shop", environment="production",
                           base_url=emulator.base_url)
    context.settings.accounts = [live]
    context.settings.show_demo_accounts = True
    await set_secret(context.secrets, live.id, "square", "token", TOKEN)
    window = await _all_accounts(qtbot, context)
    assert window.badge.text() == "PRODUCTION"   # the most consequential environment shown
    assert len(_rows_of(window, live.id)) == 12

    async def edit(account_id: str, company: str) -> CustomerDialog:
        row = _rows_of(window, account_id)[0]
        window.activateWindow()
        window.table.setFocus()
        _select(window, [row])
        qtbot.keyClick(window.table, Qt.Key.Key_Return)
        dialog: CustomerDialog = await active(await until(lambda: visible(CustomerDialog), what="the dialog"))
        type_value(qtbot, dialog.editors["company"], company)
        return dialog

    # The production row asks first…
    dialog = await edit(live.id, "Live Ltd")
    saved = signal(dialog.saved, timeout=20)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    question = await answer(QMessageBox.StandardButton.Yes)
    assert "Main shop" in question and "PRODUCTION" in question
    await saved
    assert [r.method for r in emulator.requests if r.method == "PUT"] == ["PUT"]
    await until(lambda: visible(CustomerDialog) is None, what="the dialog to close")

    # …a demo row in the same table does not.
    dialog = await edit(DEMO_PREFIX + "square", "Demo Ltd")
    saved = signal(dialog.saved, timeout=20)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    assert visible(QMessageBox, "confirmBox") is None
    await window.shutdown()


async def test_an_unreachable_account_goes_offline_alone_and_comes_back(qtbot: Any, tmp_path: Path) -> None:
    context = make_context(tmp_path / "app", customers=PER_ACCOUNT)
    context.workspace.start()
    stopped: dict[str, Unreachable] = {}
    window = await _all_accounts(qtbot, context)
    await window.shutdown()
    await context.workspace.close()

    # Second start on All accounts: Clover's emulator is stopped; its rows come from the local copy.
    context = make_context(tmp_path / "app", customers=PER_ACCOUNT)
    context.workspace.start()
    wrap_demo_transports(context, lambda key, inner: stopped.setdefault(key, Unreachable(inner))
                         if key == "clover" else inner)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.offline.retry_delays = (3600.0,)   # retried by the button below, not by the clock

    def fast_retries(_view: str) -> None:   # the HTTP core's own retries, before the bar's
        for session in window.all_accounts.sessions.values():
            session.provider.http.policy = FAST_RETRIES  # type: ignore[attr-defined]

    window.account_opened.connect(fast_retries)
    loaded = signal(window.load_finished, timeout=60)
    window.show()
    (result,) = await loaded
    assert isinstance(result, AllLoaded) and result.offline == ["Clover (Demo)"]
    bar, model = window.offline, window.model
    assert bar.isVisible() and bar.text.text().startswith("Offline — Clover (Demo): data as of ")
    clover = _rows_of(window, DEMO_PREFIX + "clover")
    assert len(clover) == PER_ACCOUNT and model.rowCount() == PER_ACCOUNT * len(PROVIDERS)

    # Clover's rows cannot be deleted (the reason says why); Square's can; New offers only the others.
    _select(window, [clover[0]])
    assert not window.delete_action.isEnabled() and "Clover (Demo)" in window.delete_action.toolTip()
    _select(window, [_rows_of(window, DEMO_PREFIX + "square")[0]])
    assert window.delete_action.isEnabled()
    assert DEMO_PREFIX + "clover" not in {s.account.id for s in window.all_accounts.writable_sessions()}
    _select(window, [clover[1]])
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    dialog: CustomerDialog = await until(lambda: visible(CustomerDialog), what="the dialog")
    assert not dialog.save_button.isEnabled() and "Offline" in dialog.save_button.toolTip()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    await until(lambda: visible(CustomerDialog) is None, what="the dialog to close")

    # The emulator is back: Retry now brings Clover online and the bar goes.
    stopped["clover"].back = True
    back = signal(window.load_finished, timeout=30)
    qtbot.mouseClick(bar.retry_button, Qt.MouseButton.LeftButton)
    (result,) = await back
    assert isinstance(result, AllLoaded) and result.offline == []
    assert not bar.isVisible() and not bar.offline
    _select(window, [_rows_of(window, DEMO_PREFIX + "clover")[0]])
    assert window.delete_action.isEnabled()
    await window.shutdown()
    await context.workspace.close()


async def test_after_all_accounts_loads_the_keyboard_starts_at_the_first_row(qtbot: Any, tmp_path: Path) -> None:
    # The current row is put on the first row as the first account's rows show; the other accounts'
    # rows then load in front of it. Once all have loaded it is the first row again.
    context = make_context(tmp_path / "app", customers=40)
    window = await _all_accounts(qtbot, context)
    table = window.table
    assert not table.selectionModel().hasSelection()
    assert table.currentIndex().row() == 0
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert [r.row() for r in table.selectionModel().selectedRows()] == [1]
    await window.shutdown()
