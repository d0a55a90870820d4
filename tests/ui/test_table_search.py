"""The table's search in slices: the first rows at once, the rest added below on the event loop,
the same rows in the end as one search over every customer, and the selection kept."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from console.domain.capabilities import DEFAULT_COLUMNS
from console.domain.customer import Customer
from console.services import row_search
from console.services.customer_filters import NO_FILTERS
from console.services.customer_index import CustomerIndex
from console.ui.customer_table import CustomerTableModel
from tests.support.qt import signal


@pytest.fixture(autouse=True)
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_search, "FIRST_ROWS", 10)
    monkeypatch.setattr(row_search, "FIRST_CHUNK", 8)
    monkeypatch.setattr(row_search, "SLICE_CHUNK", 16)
    monkeypatch.setattr(row_search, "SLICE_SECONDS", 0.0)


def _model(count: int = 300) -> tuple[CustomerTableModel, CustomerIndex]:
    index = CustomerIndex(search_fields=("name", "company", "email", "phone", "reference_id"),
                          name_fields=("full_name", "company", "email"))
    index.upsert(Customer(id=f"c{i}", given_name=f"Person{i:03d}", company="Acme" if i % 3 == 0 else "Bolt",
                          email=f"p{i}@example.com") for i in range(count))
    model = CustomerTableModel()
    model.set_source(index, DEFAULT_COLUMNS)
    return model, index


def _ids(model: CustomerTableModel) -> list[str]:
    return [model.customer(r).id for r in range(model.rowCount())]


def _whole(model: CustomerTableModel, index: CustomerIndex, text: str) -> list[str]:
    """What one search over every position in the table's order shows."""
    in_load_order = model.sort_state()[0] is None
    return [index.id_at(p) for p in index.shown(model.order, text, NO_FILTERS, in_load_order=in_load_order)]


async def test_rows_come_in_slices_added_below(qtmodeltester: Any) -> None:
    model, index = _model()
    events: list[str] = []
    model.layoutChanged.connect(lambda *_: events.append("layout"))
    model.modelReset.connect(lambda: events.append("reset"))
    model.rowsInserted.connect(lambda _p, first, last: events.append(f"insert {first}-{last}"))
    finished = signal(model.search_finished)
    model.set_filter("acme")
    assert model.search.pending
    first = model.rowCount()
    assert 10 <= first < 100 and events == ["layout"]
    qtmodeltester.check(model)
    await finished
    assert _ids(model) == _whole(model, index, "acme") and len(_ids(model)) == 100
    inserts = [e for e in events if e.startswith("insert")]
    assert inserts and inserts[0] == f"insert {first}-{int(inserts[0].split('-')[1])}"
    assert events.count("layout") == 1 and "reset" not in events   # the view never jumps
    qtmodeltester.check(model)


async def test_typing_on_while_slices_run_finds_the_longer_texts_rows() -> None:
    model, index = _model()
    model.set_filter("person")
    assert model.search.pending
    model.set_filter("person1")
    model.set_filter("person1 acme")
    finished = signal(model.search_finished)
    await finished
    assert _ids(model) == _whole(model, index, "person1 acme")
    model.set_filter("bolt")
    model.set_filter("")   # cleared while slices ran: every row, at once
    assert not model.search.pending and model.rowCount() == 300


async def test_a_selected_row_the_search_still_shows_stays_selected() -> None:
    model, _ = _model()
    selection = QItemSelectionModel(model)
    selection.select(model.index(291, 0), QItemSelectionModel.SelectionFlag.Select
                     | QItemSelectionModel.SelectionFlag.Rows)
    model.set_filter("acme")   # c291 is the 98th of the rows found: far beyond the first ones
    (row,) = {i.row() for i in selection.selectedRows()}
    assert model.customer(row).id == "c291"
    model.set_filter("acme p1")   # no longer shown: not waited for, the selection goes
    assert model.search.pending and not selection.selectedRows()


async def test_sorting_changes_and_lookups_see_the_whole_result() -> None:
    model, index = _model()
    model.set_filter("bolt")
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.search.pending
    assert model.row_of("c1") == model.rowCount() - 1   # found, and every row with it
    assert _ids(model) == _whole(model, index, "bolt")
    model.set_filter("bolt person")
    index.upsert([Customer(id="new", given_name="Person999", company="Bolt")])
    assert not model.search.pending
    assert _ids(model) == _whole(model, index, "bolt person") and _ids(model)[0] == "new"


async def test_a_customer_added_after_a_search_that_kept_its_rows_shows_once() -> None:
    model, index = _model()
    model.set_filter("zed")
    model.set_filter("zedd")   # the same rows (none): the view is not relaid
    index.upsert([Customer(id="z", given_name="Zedd")])
    model.finish_search()
    assert _ids(model) == ["z"]


async def test_select_all_while_the_search_goes_on_selects_every_row_it_will_show(qtbot: Any, window: Any) -> None:
    model = window.model
    window.search.setText("e")   # most of the demo's 120 customers: more than the first rows found
    assert model.search.pending
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert not model.search.pending
    assert window.customer_list.selected_rows() == list(range(model.rowCount()))
    assert model.rowCount() == len(_whole(model, model.source, "e"))


async def test_a_current_row_that_is_not_selected_does_not_hold_up_the_search(window: Any) -> None:
    model, table = window.model, window.table
    # The last of the rows the search will show, with the current row on it but nothing selected:
    # the search need not find it at once (it did, searching every customer on the keystroke).
    wanted = _whole(model, model.source, "e")
    row = model.row_of(wanted[-1])
    table.setCurrentIndex(model.index(row, 0))
    table.clearSelection()
    window.search.setText("e")
    assert model.search.pending and model.rowCount() < len(wanted)
    # A selected row is still found at once, and stays selected.
    window.search.clear()
    table.selectRow(row)
    window.search.setText("e")
    assert not model.search.pending
    assert [model.customer(r).id for r in window.customer_list.selected_rows()] == [wanted[-1]]


async def test_the_rows_a_keystroke_replaced_are_let_go_on_the_next_turn_of_the_loop() -> None:
    model, _ = _model()
    replaced = model.shown_rows
    held = sys.getrefcount(replaced)
    turned = signal(model.search._timer.timeout)
    model.set_filter("person299")   # found at once: nothing left to search
    assert not model.search.pending and _ids(model) == ["c299"]
    assert sys.getrefcount(replaced) == held   # not freed inside the keystroke (held by the search)
    await turned
    assert sys.getrefcount(replaced) == held - 1 and not model.search._timer.isActive()


async def test_a_keystroke_fills_the_table_at_once_and_finds_the_rest_in_slices(window: Any) -> None:
    model, table = window.model, window.table
    window.resize(1000, 1300)   # more rows than the first runs of FIRST_CHUNK find
    window.search.setText("e")   # here FIRST_ROWS is 10: fewer than the table shows
    assert model.search.pending and model.rowCount() < len(_whole(model, model.source, "e"))
    assert table.rowAt(table.viewport().height() - 1) != -1   # rows to the table's foot
    assert model.rowCount() >= table.viewport().height() // table.rowHeight(0)
