"""Cells whose text, colour and tooltip depend on more than their value's plain text (a card that
has expired), declared once per column key for the customer table and the dialog's record tabs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidgetItem

from console.domain.capabilities import ColumnSpec
from console.domain.card_expiry import card_expiry
from console.services.combined_index import CombinedIndex
from console.services.customer_index import CustomerIndex, Getter
from console.services.table_columns import CARD_EXPIRES_COLUMN
from console.ui.expiry_marks import expiry_colour, expiry_text, expiry_text_plain, expiry_tooltip


@dataclass(frozen=True, slots=True)
class CellMark:
    """How a cell shows a value: its text, its colour (None: the usual one) and its tooltip; `plain`
    tells from the text alone that the colour is the usual one (the table paints such a cell itself)."""

    text: Callable[[Any], str]
    colour: Callable[[Any], QColor | None]
    tooltip: Callable[[Any], str]
    plain: Callable[[str], bool]


EXPIRY_MARK = CellMark(expiry_text, expiry_colour, expiry_tooltip, expiry_text_plain)

# The customer table's marked columns, by key; each is given the column's value.
COLUMN_MARKS: dict[str, CellMark] = {CARD_EXPIRES_COLUMN.key: EXPIRY_MARK}


def _card_expiry(item: Any) -> Any:
    return card_expiry(getattr(item, "exp_month", None), getattr(item, "exp_year", None))


# The record tabs' marked columns (a `CollectionSpec` column key): the mark, and what it is given of an item.
ITEM_MARKS: dict[str, tuple[CellMark, Callable[[Any], Any]]] = {"expiry": (EXPIRY_MARK, _card_expiry)}


def mark_item_cell(cell: QTableWidgetItem, item: Any, key: str) -> None:
    """Give a record tab's cell its mark, where its column has one (else leave it as it is)."""
    entry = ITEM_MARKS.get(key)
    if entry is None:
        return
    mark, value_of = entry
    value = value_of(item)
    cell.setText(mark.text(value))
    cell.setToolTip(mark.tooltip(value))
    colour = mark.colour(value)
    if colour is not None:
        cell.setForeground(colour)


def column_marks(index: CustomerIndex | CombinedIndex | None,
                 columns: Sequence[ColumnSpec]) -> dict[int, tuple[CellMark, Getter]]:
    """The table's marked columns by number: the mark, and the getter of the value it is given."""
    if index is None:
        return {}
    return {i: (COLUMN_MARKS[c.key], index.getter(c.key)) for i, c in enumerate(columns) if c.key in COLUMN_MARKS}
