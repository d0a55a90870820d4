"""How values read in the customer table's cells, and the texts of the rows painted lately, kept
until their customer changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from console.domain.capabilities import ColumnSpec
from console.services.customer_index import CustomerIndex
from console.ui.generations import Generations

# Rows whose cell texts are kept formatted, a generation (generations.py; a window shows a few
# dozen): the view repaints a cell far more often than its customer changes, and formatting reads
# every column and turns the dates into local time each time.
_CACHE_ROWS = 1024


def format_value(value: Any) -> str:
    """How a field value reads in a table cell."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, tuple | list):
        return ", ".join(format_value(v) for v in value)
    return str(value)


class PaintedRow(NamedTuple):
    """A shown row as the table's painters draw it (cell_painter.py, row_painter.py)."""

    texts: tuple[str, ...]     # every column's text
    icon: Any                  # the icon of `icon_column` (None: none)
    icon_column: int | None
    marked: tuple[int, ...]    # the columns a mark colours, painted by Qt's delegate


class RowTexts:
    """The formatted cells of customers by their position in one index, in the columns shown."""

    icon_column: int | None = None   # one account's table has no Account column (see CombinedTexts)

    def __init__(self, index: CustomerIndex | None = None, columns: tuple[ColumnSpec, ...] = (),
                 formats: Mapping[str, Callable[[Any], str]] | None = None) -> None:
        """`formats`: how the values of some columns (by key) read, instead of `format_value`."""
        self._index = index
        self._getters = tuple(index.getter(c.key) for c in columns) if index is not None else ()
        formats = formats or {}
        # None where every column reads as format_value, the common case kept to one call per cell.
        self._formats = tuple(formats.get(c.key, format_value) for c in columns) \
            if index is not None and any(c.key in formats for c in columns) else None
        self._cells: Generations[int, tuple[str, ...]] = Generations(_CACHE_ROWS)   # position -> its cells

    def row(self, position: int) -> tuple[str, ...]:
        """The cells of the customer at `position` (formatted once, then kept)."""
        cells = self._cells.newer.get(position)
        if cells is None:
            cells = self._cells.revive(position)
            if cells is None:
                assert self._index is not None
                customer = self._index.at(position)
                if self._formats is None:
                    cells = tuple(format_value(get(customer)) for get in self._getters)
                else:
                    cells = tuple(fmt(get(customer)) for get, fmt in zip(self._getters, self._formats, strict=True))
                self._cells.keep(position, cells)
        return cells

    def forget(self, positions: Iterable[int]) -> None:
        """Drop the texts of customers that changed or went."""
        for position in positions:
            self._cells.forget(position)
