"""The customer dialog's Groups tab: tick the groups the customer belongs to (Square)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from console.domain import errors as e
from console.services.customer_service import CustomerService
from console.ui.async_qt import TaskRegistry


class GroupsTab(QWidget):
    """The account's groups, loaded as the tab is made, ticked where the customer is a member."""

    def __init__(self, service: CustomerService, tasks: TaskRegistry, member_of: Callable[[], set[str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.member_of = member_of   # the customer's groups as last saved, read when the list arrives
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Groups this customer belongs to:"), self))
        self.list = QListWidget(self)
        self.list.setObjectName("groupsList")
        layout.addWidget(self.list)
        self.status = QLabel(self.tr("Loading groups…"), self)
        layout.addWidget(self.status)
        tasks.start(self._load(), name="groups")

    async def _load(self) -> None:
        try:
            groups = await self.service.groups()
        except e.ConsoleError as exc:
            self.status.setText(self.tr("Could not load groups: {0}").format(exc.message))
            return
        self.list.clear()
        member_of = self.member_of()
        for group in sorted(groups, key=lambda g: g.name.casefold()):
            item = QListWidgetItem(group.name, self.list)
            item.setData(Qt.ItemDataRole.UserRole, group.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if group.id in member_of else Qt.CheckState.Unchecked)
        self.status.setText(self.tr("{0} groups").format(len(groups)) if groups
                            else self.tr("This account has no customer groups."))

    def chosen(self) -> set[str] | None:
        """The ticked groups' ids; None while there is no list to tick (loading, failed or none)."""
        if self.list.count() == 0:
            return None
        chosen = set()
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.add(item.data(Qt.ItemDataRole.UserRole))
        return chosen
