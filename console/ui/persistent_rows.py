"""Where the table's persistent indexes (selection, current row) go when its shown rows change."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex


def moved_indexes(model: QAbstractItemModel, persistent: Sequence[QModelIndex | QPersistentModelIndex],
                  old_rows: Sequence[int], new_rows: list[int]) -> list[QModelIndex]:
    """Each persistent index at the row now showing the same index position, or invalid where it went.

    Rows are positions in the customer index; a dict is built only when many indexes move (a
    selection), since a lookup or two (the current row) is cheaper done by `list.index`.
    """
    positions = [old_rows[i.row()] if 0 <= i.row() < len(old_rows) else -1 for i in persistent]
    row_of = {pos: r for r, pos in enumerate(new_rows)} if len(persistent) > 8 else None
    moved = []
    for old, pos in zip(persistent, positions, strict=True):
        if row_of is not None:
            new_row = row_of.get(pos)
        else:
            try:
                new_row = new_rows.index(pos)
            except ValueError:
                new_row = None
        moved.append(model.index(new_row, old.column()) if new_row is not None else QModelIndex())
    return moved
