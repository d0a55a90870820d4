"""One group in the Find duplicates list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem

from console.domain.duplicate_groups import DuplicateGroup


class GroupItem(QListWidgetItem):
    """A group in the list; its reasons, the tooltip, are made only when hovered (a scan finds tens of thousands)."""

    def __init__(self, group: DuplicateGroup, text: str) -> None:
        super().__init__(text)
        self.group = group

    def data(self, role: int) -> object:
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(self.group.reasons)
        return super().data(role)
