"""The customer table's view: how the window sets it up, and rows taken in below the visible ones repaint nothing.

QTableView lays its items out again after any change in the number of rows, and that repaints every
visible row, even when the new rows are all below the last one shown: a load's pages and a warm
start's batches repainted the table for each (2-11 ms a time on the development VM). Here such a
layout only lengthens the scroll bar. Anything else that lays the items out (a reset, a new order,
rows removed or moved, columns changed) repaints as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, SignalInstance
    from PySide6.QtWidgets import QWidget


class CustomerTableView(QTableView):
    """A QTableView whose rows inserted below the last visible row only update the scroll bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # What changed since the last layout: None nothing, "below" only rows inserted below the visible
        # ones, "other" anything else (repainted as QTableView does).
        self._changed: str | None = None

    def set_up(self, row_height: int) -> None:
        """As the window's customer table: whole rows selected (several at once), nothing edited in place,
        sortable, no row header, rows `row_height` pixels high, columns movable, the last one stretched."""
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(row_height)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        self._changed = "other"
        previous = self.model()
        if previous is not None:
            for signal in _repainting(previous):
                signal.disconnect(self._must_repaint)
        super().setModel(model)
        if model is not None:
            for signal in _repainting(model):
                signal.connect(self._must_repaint)

    def _must_repaint(self, *_: object) -> None:
        self._changed = "other"

    def rowsInserted(self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int) -> None:
        # Asked before the layout that follows: the last row shown (-1 when the rows do not fill the view).
        last = self.rowAt(self.viewport().height() - 1)
        below = not parent.isValid() and 0 <= last < start
        self._changed = "below" if below and self._changed in (None, "below") else "other"
        super().rowsInserted(parent, start, end)

    def doItemsLayout(self) -> None:
        changed, self._changed = self._changed, None
        if changed == "below":
            self.updateGeometries()   # the scroll bar's range; no row shown has changed
            return
        super().doItemsLayout()


def _repainting(model: QAbstractItemModel) -> tuple[SignalInstance, ...]:
    """Every model signal after which QTableView lays its items out, other than rows inserted."""
    return (model.modelReset, model.layoutChanged, model.rowsRemoved, model.rowsMoved, model.columnsInserted,
            model.columnsRemoved, model.columnsMoved)
