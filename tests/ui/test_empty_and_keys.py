"""Empty states that say what to do, and the keyboard: account keys, the account list, toolbar in the Tab order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox, QToolBar

from console.services.demo import DemoSandbox
from console.services.settings import AccountSettings
from console.ui.accounts_dialog import AccountsDialog
from console.ui.main_window import MainWindow
from tests.support.qt import signal, until, visible
from tests.ui.conftest import make_context
from tests.ui.menus import MENU_WARNINGS


async def test_no_search_results_say_so_with_a_clear_search_button(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClicks(window.search, "zzzz-nobody")
    overlay = window.empty_state
    assert overlay.isVisible()
    assert "No customer matches the search" in overlay.message.text()
    assert overlay.buttons["clear_search"].isVisible()
    assert not overlay.buttons["clear_filters"].isVisible()
    qtbot.mouseClick(overlay.buttons["clear_search"], Qt.MouseButton.LeftButton)
    assert window.search.text() == ""
    assert window.model.rowCount() == 120
    assert not overlay.isVisible()


async def test_with_filters_on_the_empty_table_offers_to_clear_them_too(qtbot: Any, window: MainWindow) -> None:
    window.filters_action.trigger()
    qtbot.mouseClick(window.filter_bar.has_phone, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.search, "zzzz-nobody")
    overlay = window.empty_state
    assert overlay.buttons["clear_search"].isVisible() and overlay.buttons["clear_filters"].isVisible()
    assert "search and the filters" in overlay.message.text()
    qtbot.mouseClick(overlay.buttons["clear_filters"], Qt.MouseButton.LeftButton)
    assert not window.filter_bar.has_phone.isChecked()
    assert window.search.text() == "zzzz-nobody"          # the search is left alone
    assert overlay.message.text() == "No customer matches the search."


async def test_a_loaded_table_shows_no_message(qtbot: Any, window: MainWindow) -> None:
    assert not window.empty_state.isVisible()


class _NoDemo(DemoSandbox):
    """A build without any emulator: with nothing configured, there is no account at all."""

    def providers(self) -> list[str]:
        return []


async def test_without_accounts_the_window_says_how_to_add_one(qtbot: Any, tmp_path: Path) -> None:
    context = make_context(tmp_path / "app")
    context.demo = _NoDemo(context.paths.demo_dir)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    overlay = window.empty_state
    await until(overlay.isVisible, what="the empty state")
    assert "File → Accounts" in overlay.message.text()
    qtbot.mouseClick(overlay.buttons["accounts"], Qt.MouseButton.LeftButton)
    dialog = await until(lambda: visible(AccountsDialog, "accountsDialog"), what="the accounts dialog")
    dialog.close()
    await window.shutdown()


async def test_an_account_that_cannot_open_says_where_to_fix_it(qtbot: Any, tmp_path: Path) -> None:
    context = make_context(tmp_path / "app")
    context.settings.accounts.append(AccountSettings(provider="square", name="Shop"))   # no token stored
    context.settings.show_demo_accounts = False
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    await until(window.empty_state.isVisible, what="the empty state")
    assert "Could not open Shop" in window.empty_state.message.text()
    assert window.empty_state.buttons["accounts"].isVisible()
    box = await until(lambda: visible(QMessageBox, "errorBox"), what="the error box")
    box.close()
    await window.shutdown()


async def test_ctrl_number_switches_to_that_account(qtbot: Any, window: MainWindow) -> None:
    window.activateWindow()
    window.table.setFocus()
    third = window.switching.accounts[2]
    loaded = signal(window.load_finished, timeout=20)
    qtbot.keyClick(window.table, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    await loaded
    assert window.session is not None and window.session.account.id == third.id
    assert window.account_combo.currentIndex() == 2
    qtbot.keyClick(window.table, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)   # no ninth account
    assert window.account_combo.currentIndex() == 2


@MENU_WARNINGS
async def test_ctrl_shift_a_opens_the_account_list(qtbot: Any, window: MainWindow) -> None:
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    await until(lambda: window.account_combo.view().isVisible(), what="the account list")
    assert window.account_combo.view().isVisible()
    window.account_combo.hidePopup()


async def test_tab_reaches_the_toolbar_buttons(qtbot: Any, window: MainWindow) -> None:
    window.activateWindow()
    await until(lambda: QApplication.activeWindow() is window, what="the window to be active")
    window.account_combo.setFocus()
    bar = window.findChild(QToolBar, "mainToolbar")
    assert bar is not None
    reached = []
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    for action in (window.new_action, window.refresh_action, window.filters_action):
        assert bar.widgetForAction(action) in reached, action.text()
    assert window.search in reached and window.table in reached


async def test_the_platforms_standard_keys_reach_their_actions(window: MainWindow) -> None:
    standard = QKeySequence.StandardKey
    for action, keys in ((window.new_action, standard.New), (window.delete_action, standard.Delete),
                         (window.refresh_action, standard.Refresh), (window.find_action, standard.Find),
                         (window.quit_action, standard.Quit)):
        assert action.shortcut() == QKeySequence(keys), action.text()
    assert window.export_action.shortcut() == QKeySequence("Ctrl+E")   # keys given as text
