"""The main window in everyday use: actions follow the selection, counts are said properly."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from console.domain.text_folding import fold
from console.ui.main_window import MainWindow
from console.ui.wording import count_of
from tests.support.qt import answer, signal, until, visible
from tests.ui.conftest import open_demo


def test_counted_nouns() -> None:
    assert count_of(1, "customer") == "1 customer"
    assert count_of(0, "customer") == "0 customers"
    assert count_of(2, "address", "addresses") == "2 addresses"


async def test_edit_and_delete_follow_the_selection_when_a_search_hides_it(qtbot: Any, window: MainWindow) -> None:
    window.table.setFocus()
    window.table.selectRow(0)
    assert window.edit_action.isEnabled() and window.delete_action.isEnabled()
    qtbot.keyClicks(window.search, "zzzz-no-such-customer")
    await until(lambda: window.model.rowCount() == 0, what="the search to hide every row")
    assert not window.edit_action.isEnabled()
    assert not window.delete_action.isEnabled()


async def test_edit_and_delete_are_off_after_a_delete(qtbot: Any, window: MainWindow) -> None:
    window.table.setFocus()
    window.table.selectRow(0)
    deleted = signal(window.customers_deleted)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    await answer(QMessageBox.StandardButton.Yes)
    await deleted
    assert not window.customer_list.selected_rows()
    assert not window.edit_action.isEnabled()
    assert not window.delete_action.isEnabled()
    assert window.count_label.text() == "119 customers"


async def test_typing_a_name_without_its_accents_finds_it(qtbot: Any, window: MainWindow) -> None:
    accented = [c for c in window.session.service.index if c.family_name and "í" in c.family_name]  # type: ignore[union-attr]
    assert accented, "the demo data has names with accents"
    target = accented[0]
    plain = target.family_name.replace("í", "i")  # type: ignore[union-attr]
    qtbot.keyClicks(window.search, plain.lower())
    await until(lambda: window.model.row_of(target.id) is not None and window.model.rowCount() < 120,
                what="the accented name to be found")


async def test_the_name_column_sorts_accented_names_among_their_letters(qtbot: Any, window: MainWindow) -> None:
    name_column = [c.key for c in window.model.columns].index("name")
    window.table.horizontalHeader().setSortIndicator(name_column, Qt.SortOrder.AscendingOrder)
    await until(lambda: window.model.sort_state()[0] == "name", what="the sort")
    names = [window.model.data(window.model.index(r, name_column)) for r in range(window.model.rowCount())]
    folded = [fold(n) for n in names if n]
    assert folded == sorted(folded)


async def test_a_provider_that_cannot_search_phones_says_so_once(qtbot: Any, window: MainWindow) -> None:
    await open_demo(window, "authorize-net")
    window.search.setFocus()
    qtbot.keyClicks(window.search, "206-555-0151")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    await until(lambda: "can't search by phone" in window.statusBar().currentMessage(), what="the notice")
    assert "Authorize.net" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    window.search.clear()
    qtbot.keyClicks(window.search, "312-555-0199")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert "can't search by phone" not in window.statusBar().currentMessage()  # said once is enough


async def test_the_delete_confirmation_says_what_its_buttons_do(qtbot: Any, window: MainWindow) -> None:
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    box: QMessageBox = await until(lambda: visible(QMessageBox, "confirmBox"), what="the confirmation")
    assert box.button(QMessageBox.StandardButton.Yes).text() == "Delete 1 customer"
    assert box.button(QMessageBox.StandardButton.No).text() == "Keep it"
    box.button(QMessageBox.StandardButton.No).click()
    await until(lambda: not box.isVisible(), what="the box to close")
    assert window.model.rowCount() == 120
