"""Between keystrokes, the texts of the rows a next keystroke is likely to show are laid out ahead
(layout_ahead.py); the painters' caches keep the rows on screen while that fills them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTableView

from console.domain.customer import Customer
from console.providers.registry import provider as provider_info
from console.services.customer_index import CustomerIndex
from console.services.table_columns import table_columns
from console.ui import table_cells
from console.ui.cell_painter import CellPainter
from console.ui.customer_table import CustomerTableModel
from console.ui.layout_ahead import AHEAD_ROWS, NEXT_ROWS
from console.ui.main_window import MainWindow
from tests.support.qt import signal
from tests.ui.conftest import custom_values_read, make_context


def _laid_out(cells: CellPainter) -> set[str]:
    """The texts the cell painter holds laid out (as given, before any eliding)."""
    return {text for text, _ in (*cells._texts.newer, *cells._texts.older)}


@pytest.fixture
async def big_window(qtbot: Any, tmp_path: Path) -> Any:
    """The Square demo with more customers than AHEAD_ROWS, loaded with its custom field values, the search
    field focused. (The values come after the load, and a value holding the letter typed adds a row to its
    search: the rows laid out before it would then be numbered one off.)"""
    window = MainWindow(make_context(tmp_path / "app", customers=AHEAD_ROWS + 200))
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=30)
    window.resize(1000, 600)
    window.show()
    await loaded
    await custom_values_read(window)
    window.search.setFocus()
    yield window
    await window.shutdown()


def _row_laid(model: CustomerTableModel, row: int, columns: list[int], laid: set[str]) -> bool:
    texts = model.painted_row(row).texts
    return all(texts[column] in laid for column in columns if texts[column])


async def test_a_keystroke_has_the_rows_below_the_screen_laid_out_before_the_next(qtbot: Any,
                                                                                    big_window: MainWindow) -> None:
    window = big_window
    model, table = window.model, window.table
    cells = table.itemDelegate()
    assert isinstance(cells, CellPainter)
    ahead = window.customer_list.ahead
    name = next(n for n, column in enumerate(model.columns) if column.key == "name")
    settled = signal(ahead.settled)
    qtbot.keyClicks(window.search, "e")
    await settled
    assert not ahead.pending
    on_screen = table.rowAt(table.viewport().height() - 1) + 1
    rows = model.rowCount()
    assert 0 < on_screen < AHEAD_ROWS < rows   # rows below the screen, and past the rows ahead
    laid = _laid_out(cells)
    painted = {model.painted_row(row).texts[name] for row in range(on_screen)}
    assert {model.painted_row(row).texts[name] for row in (on_screen, AHEAD_ROWS // 2, AHEAD_ROWS - 1)} <= laid
    # A next letter's screenful comes from among the rows shown now that match it, in their order.
    source, shown_rows = model.source, list(model.shown_rows)
    assert source is not None

    def screenful(letter: str) -> list[int]:
        matches = set(source.matching("e" + letter))
        return [p for p in shown_rows if p in matches][:on_screen]
    # The letter whose screenful comes most from below the first rows laid out (a rare narrowing): laid out
    # too, before it is typed.
    letter = max("abcdefghijklmnopqrstuvwxyz", key=lambda c: len(set(screenful(c)) - set(shown_rows[:AHEAD_ROWS])))
    assert len(set(screenful(letter)) - set(shown_rows[:AHEAD_ROWS])) > on_screen // 2
    qtbot.keyClicks(window.search, letter)
    table.viewport().repaint()
    shown = {model.painted_row(row).texts[name] for row in range(on_screen)}
    assert len(shown - painted) > on_screen // 2   # most of them were not on screen before the key
    assert shown <= laid                           # yet every one was laid out before it


async def test_rows_no_next_letter_brings_up_are_not_laid_out(qtbot: Any, big_window: MainWindow) -> None:
    window = big_window
    model, table = window.model, window.table
    cells = table.itemDelegate()
    assert isinstance(cells, CellPainter)
    ahead = window.customer_list.ahead
    settled = signal(ahead.settled)
    qtbot.keyClicks(window.search, "e")
    await settled
    source, shown_rows = model.source, list(model.shown_rows)
    assert source is not None
    assert model.search.screenful is not None
    screen = model.search.screenful()   # the rows a keystroke shows at once
    # Every character any customer's keys hold, as a next letter: the rows at the top of each.
    letters = {letter for position in shown_rows for key in source.search_keys(position) for letter in key}
    wanted: set[int] = set()
    for letter in letters - {" "}:
        matches = set(source.matching("e" + letter))
        wanted.update([row for row, position in enumerate(shown_rows) if position in matches][:screen])
    below = [row for row in range(AHEAD_ROWS, len(shown_rows)) if row in wanted]
    others = [row for row in range(AHEAD_ROWS, len(shown_rows)) if row not in wanted]
    assert below and others and len(below) <= NEXT_ROWS
    columns = [column for column, _ in ahead._columns()]
    laid = _laid_out(cells)
    assert all(_row_laid(model, row, columns, laid) for row in below)
    assert not any(_row_laid(model, row, columns, laid) for row in others)


async def test_nothing_is_laid_out_ahead_without_a_search(qtbot: Any, big_window: MainWindow) -> None:
    # Loading and sorting are not typing: laying out ahead then would only compete with them.
    window = big_window
    model, table = window.model, window.table
    cells = table.itemDelegate()
    assert isinstance(cells, CellPainter)
    name = next(n for n, column in enumerate(model.columns) if column.key == "name")
    on_screen = table.rowAt(table.viewport().height() - 1)
    assert not window.customer_list.ahead.pending
    assert model.painted_row(on_screen + 40).texts[name] not in _laid_out(cells)


@pytest.fixture
def bare_cells(qtbot: Any) -> CellPainter:
    """A cell painter of its own (its caches only)."""
    view = QTableView()
    qtbot.addWidget(view)
    model = CustomerTableModel()
    return CellPainter(view, model)


def test_the_texts_on_screen_stay_when_a_generation_fills(qtbot: Any, bare_cells: CellPainter) -> None:
    cells = bare_cells
    cells._texts.size = 4
    cells._texts.clear()
    first = cells._static_text("on screen", 100)
    for n in range(6):   # a generation and a half of texts laid out ahead
        cells._static_text(f"ahead {n}", 100)
    assert cells._static_text("on screen", 100) is first   # kept: the generation before the newest
    cells._let_go.per_turn = 1
    for n in range(12):
        cells._static_text(f"later {n}", 100)
    assert cells._static_text("on screen", 100) is not first   # two generations on: let go
    # Let go of a few per turn of the event loop, not all at once (a generation took 16 ms).
    assert sum(map(len, cells._let_go.spent)) >= 4
    qtbot.waitUntil(lambda: not cells._let_go.spent)


def test_a_row_on_screen_keeps_its_texts_when_a_generation_of_rows_fills(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_cells, "_CACHE_ROWS", 4)
    caps = provider_info("square").capabilities
    index = CustomerIndex.for_capabilities(caps)
    index.upsert([Customer(id=f"c{n}", given_name=f"Person {n}", created_at=datetime(2025, 1, 1, tzinfo=UTC))
                  for n in range(20)])
    texts = table_cells.RowTexts(index, table_columns(caps, ()))
    first = texts.row(0)
    for position in range(1, 7):
        texts.row(position)
    assert texts.row(0) is first
    for position in range(7, 20):
        texts.row(position)
    again = texts.row(0)
    assert again is not first and again == first
    for position in range(1, 5):
        texts.row(position)
    assert 0 in texts._cells.older   # a generation on: row 0 is in the older one
    texts.forget([0])                # a changed customer: its texts are made again
    assert texts.row(0) is not again
