"""Where the table's persistent indexes (selection, current row) go when its shown rows change."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex

# The layout signals' overload that carries a hint, and the hint that only rows change.
HINTED_SIGNAL = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"
_ROWS_ONLY = QAbstractItemModel.LayoutChangeHint.VerticalSortHint

# Up to this many distinct positions are looked up one by one (`list.index`, in C, stopping at
# the first hit); more build one position -> row table over every new row.
_LOOKUPS = 8


@contextmanager
def rows_relaid(model: QAbstractItemModel, old_rows: Sequence[int], new_rows: list[int]) -> Iterator[None]:
    """One layout change around the model replacing `old_rows` by `new_rows`, persistent indexes
    carried to their positions' new rows.

    Hinted as rows only: else the horizontal header holds a persistent index per sized or hidden
    column across the change, each moved through the rows (what made P2 slow at 13 columns).
    """
    signals = cast(Any, model)   # the stubs do not know a signal's overloads by signature
    signals.layoutAboutToBeChanged[HINTED_SIGNAL].emit([], _ROWS_ONLY)
    persistent = model.persistentIndexList()
    yield
    if persistent:
        model.changePersistentIndexList(persistent, moved_indexes(model, persistent, old_rows, new_rows))
    signals.layoutChanged[HINTED_SIGNAL].emit([], _ROWS_ONLY)


def moved_indexes(model: QAbstractItemModel, persistent: Sequence[QModelIndex | QPersistentModelIndex],
                  old_rows: Sequence[int], new_rows: list[int]) -> list[QModelIndex]:
    """Each persistent index at the row now showing the same index position, or invalid where it went.

    Rows are positions in the customer index. The lookups go by distinct position: the indexes of
    one row (a selected row's cells, a header's sections at row 0) share one.
    """
    positions = [old_rows[i.row()] if 0 <= i.row() < len(old_rows) else -1 for i in persistent]
    wanted = set(positions)
    wanted.discard(-1)
    if len(wanted) > _LOOKUPS:
        every = dict(zip(new_rows, range(len(new_rows)), strict=True))
        row_of = {pos: every.get(pos) for pos in wanted}
    else:
        row_of = {pos: _row(new_rows, pos) for pos in wanted}
    moved = []
    for old, pos in zip(persistent, positions, strict=True):
        new_row = row_of.get(pos)
        moved.append(model.index(new_row, old.column()) if new_row is not None else QModelIndex())
    return moved


def _row(rows: list[int], position: int) -> int | None:
    try:
        return rows.index(position)
    except ValueError:
        return None
