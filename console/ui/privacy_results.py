"""The privacy request's search results: one branch per account (searched and how, or not searched and
why), the records found under it, each with a check box staff tick when the record is this person's."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from console.services.privacy_search import AccountSearch, FoundRecord, SearchResult

ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 1   # on an account's row: its AccountSearch
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2    # on a record's row: its FoundRecord


class PrivacyResults(QTreeWidget):
    """Accounts and their records; Space ticks the current record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("privacyResults")
        self.setColumnCount(3)
        self.setHeaderLabels([self.tr("Account / record"), self.tr("Matched by"), self.tr("Searched / found in")])
        # Names and reasons whole; the account's search (the longest text) takes what is left.
        for column in (0, 1):
            self.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.result: SearchResult | None = None

    def show_result(self, result: SearchResult) -> None:
        self.clear()
        self.result = result
        bold = QFont(self.font())
        bold.setBold(True)
        for account in result.accounts:
            top = QTreeWidgetItem(self, [account.account.name, "", self._account_state(account)])
            top.setData(0, ACCOUNT_ROLE, account)
            top.setFont(0, bold)
            top.setToolTip(2, account.how)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            for record in account.records:
                self._add_record(top, record)
            top.setExpanded(True)
        if first := self.topLevelItem(0):
            self.setCurrentItem(first)

    def _account_state(self, account: AccountSearch) -> str:
        if account.searched:
            found = len(account.records)
            return self.tr("{0} found — {1}").format(found, account.how)
        if account.waived:
            return self.tr("not searched (waived: {0})").format(account.waived)
        return self.tr("NOT SEARCHED: {0}").format(account.how)

    def _add_record(self, parent: QTreeWidgetItem, record: FoundRecord) -> None:
        customer = record.customer
        name = customer.display_name or customer.id
        where = self.tr("live") if record.live else self.tr("local copy only")
        item = QTreeWidgetItem(parent, [f"{name}  ({customer.id})", ", ".join(record.reasons), where])
        item.setData(0, RECORD_ROLE, record)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Unchecked)

    def account_items(self) -> list[QTreeWidgetItem]:
        return [item for n in range(self.topLevelItemCount()) if (item := self.topLevelItem(n)) is not None]

    def refresh_states(self) -> None:
        """Say again how each account stands (after a waiver)."""
        for top in self.account_items():
            top.setText(2, self._account_state(top.data(0, ACCOUNT_ROLE)))

    def record_items(self) -> list[QTreeWidgetItem]:
        return [child for top in self.account_items() for m in range(top.childCount())
                if (child := top.child(m)) is not None]

    def ticked(self) -> list[FoundRecord]:
        return [item.data(0, RECORD_ROLE) for item in self.record_items()
                if item.checkState(0) == Qt.CheckState.Checked]

    def mark_erased(self, keys: set[tuple[str, str]]) -> None:
        """Records erased: said so, unticked and no longer tickable."""
        for item in self.record_items():
            if item.data(0, RECORD_ROLE).key in keys:
                item.setCheckState(0, Qt.CheckState.Unchecked)
                item.setFlags(Qt.ItemFlag.ItemIsSelectable)
                item.setText(2, self.tr("erased"))

    def tick_all(self, checked: bool = True) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        for item in self.record_items():
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(0, state)

    def current_account(self) -> AccountSearch | None:
        """The account of the current row (its own row, or a record's parent)."""
        item = self.currentItem()
        if item is not None and item.parent() is not None:
            item = item.parent()
        return item.data(0, ACCOUNT_ROLE) if item is not None else None
