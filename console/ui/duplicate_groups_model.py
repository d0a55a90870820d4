"""The groups of a duplicate scan as the Find duplicates list shows them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from console.domain.duplicate_groups import DuplicateGroup

Index = QModelIndex | QPersistentModelIndex


class GroupsModel(QAbstractListModel):
    """One row a group; its text and its tooltip (the reasons) are made only for the rows the view asks
    for: a scan finds tens of thousands of groups, and an item each took about two seconds to fill."""

    def __init__(self, label: Callable[[DuplicateGroup], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.groups: list[DuplicateGroup] = []

    def set_groups(self, groups: list[DuplicateGroup]) -> None:
        self.beginResetModel()
        self.groups = groups
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 -- Qt's own default
        return 0 if parent.isValid() else len(self.groups)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.groups):
            return None
        group = self.groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.label(group)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(group.reasons)
        return None
