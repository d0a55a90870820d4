"""Several customers deleted as a job per account (one account or All accounts), and the question before
a bulk delete or a copy naming the accounts it writes to, production accounts listed on their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from console.domain.jobs import JobState
from console.sandbox.square import SquareEmulator
from console.services.accounts import DEMO_PREFIX
from console.services.context import AppContext
from console.services.secrets import set_secret
from console.services.settings import AccountSettings
from console.ui.copy_dialog import CopyDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.ui.conftest import journaled_window, make_context
from tests.ui.test_all_accounts import _all_accounts, _rows_of, _select

TOKEN = "EAAAl-production-token-for-tests"


async def _jobs_done(window: MainWindow, count: int) -> None:
    panel = window.jobs
    await until(lambda: len(panel.jobs) == count and all(j.state is JobState.FINISHED for j in panel.jobs.values())
                and not window.tasks.running("load"), timeout=30, what=f"{count} job(s) to finish")


async def test_deleting_three_customers_of_two_accounts_makes_a_job_per_account(qtbot: Any, tmp_path: Path) -> None:
    context = make_context(tmp_path / "app", customers=8)
    context.workspace.start()
    window = await _all_accounts(qtbot, context)
    model = window.model
    square, payarc = DEMO_PREFIX + "square", DEMO_PREFIX + "payarc"
    rows = [*_rows_of(window, square)[:2], _rows_of(window, payarc)[0]]
    gone = [(model.account_of(r), model.customer(r).id) for r in rows]
    _select(window, rows)
    window.delete_action.trigger()
    question = await answer(QMessageBox.StandardButton.Yes)
    assert "Delete 3 customers from 2 accounts?" in question
    assert "Square (Demo) [DEMO]: 2 customers" in question and "PayArc (Demo) [DEMO]: 1 customer" in question
    assert "PRODUCTION" not in question
    await _jobs_done(window, 2)
    assert sorted((j.account_id, j.counts["done"]) for j in window.jobs.jobs.values()) == [(payarc, 1), (square, 2)]
    for account_id, customer_id in gone:
        assert context.demo.emulator(account_id.removeprefix(DEMO_PREFIX)).customer(customer_id) is None
        assert model.row_of(customer_id, account_id) is None
    await window.shutdown()
    await context.workspace.close()


async def _live_window(qtbot: Any, context: AppContext, *, open_demo: bool = False) -> tuple[MainWindow, Any]:
    """The window with a production Square account ("Main shop", an emulator) and the demo accounts."""
    emulator = SquareEmulator(seed=3, customers=10, credentials={"token": TOKEN})
    context.transport = emulator.transport()
    live = AccountSettings(provider="square", name="Main shop", environment="production", base_url=emulator.base_url)
    context.settings.accounts = [live]
    context.settings.show_demo_accounts = True
    context.settings.last_account_id = DEMO_PREFIX + "square" if open_demo else live.id
    await set_secret(context.secrets, live.id, "square", "token", TOKEN)
    return await journaled_window(qtbot, context), emulator


def _writes(emulator: Any) -> list[str]:
    return [r.method for r in emulator.requests if r.method != "GET"]


async def test_a_bulk_delete_names_the_production_account_and_asks_once(qtbot: Any, context: AppContext) -> None:
    window, emulator = await _live_window(qtbot, context)
    ids = [window.model.customer(r).id for r in (0, 1)]
    _select(window, [0, 1])
    window.delete_action.trigger()
    question = await answer(QMessageBox.StandardButton.No)
    assert "Main shop [PRODUCTION]: 2 customers" in question
    assert "PRODUCTION (live data, real customers): Main shop" in question
    assert _writes(emulator) == [] and not window.jobs.jobs

    _select(window, [0, 1])
    window.delete_action.trigger()
    await answer(QMessageBox.StandardButton.Yes)
    await _jobs_done(window, 1)   # no second "Change live data?" question: this one named the account
    assert all(emulator.customer(i) is None for i in ids)
    await window.shutdown()
    await context.workspace.close()


async def test_a_copy_into_a_production_account_names_it_and_no_sends_nothing(qtbot: Any, context: AppContext) -> None:
    window, emulator = await _live_window(qtbot, context, open_demo=True)
    assert window.session is not None and window.session.account.id == DEMO_PREFIX + "square"
    _select(window, [0])
    window.customer_menu.aboutToShow.emit()
    action = window.customer_menu.findChild(QAction, "copyToAccountAction")
    assert action is not None
    action.trigger()
    dialog: CopyDialog = await until(lambda: visible(CopyDialog, "copyDialog"), what="the copy dialog")
    dialog.target_list.setCurrentRow(next(i for i, a in enumerate(dialog.accounts) if a.name == "Main shop"))
    previewed = signal(dialog.previewed, timeout=20)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    await previewed
    emulator.clear_log()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    question = await answer(QMessageBox.StandardButton.No)
    assert "Main shop [PRODUCTION]: 1 customer" in question and "PRODUCTION (live data" in question
    await until(lambda: not dialog.tasks.running("job"), what="the answer to be taken")
    assert _writes(emulator) == [] and dialog.job_id is None and dialog.copy_button.isVisible()
    dialog.reject()
    await until(lambda: visible(CopyDialog, "copyDialog") is None, what="the dialog to close")
    await window.shutdown()
    await context.workspace.close()
