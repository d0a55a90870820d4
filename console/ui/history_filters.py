"""History's filter row: account, staff member, operation, a range of days and the customer's name or id,
read as one JournalQuery. A change of box is applied at once; typing waits for a pause."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import QDate, QObject, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from console.domain.journal import JournalQuery
from console.services.write_records import WriteOp

Named = TypeVar("Named", bound=QObject)
TYPING_PAUSE_MS = 250
NO_DATE = QDate(2000, 1, 1)        # a date box at its minimum means "no bound"


def named(thing: Named, name: str) -> Named:
    thing.setObjectName(name)
    return thing


class HistoryFilters(QWidget):
    """The filter row; `changed` says the query is different (after a pause, for typing)."""

    changed = Signal()

    def __init__(self, accounts: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account_box = self._combo("historyAccount", self.tr("All accounts"), accounts)
        self.who_box = self._combo("historyWho", self.tr("Everyone"), ())
        self.operation_box = self._combo("historyOperation", self.tr("All operations"),
                                         [(op.value.replace("_", " "), op.value) for op in WriteOp])
        self.from_date, self.to_date = self._date("historyFrom"), self._date("historyTo")
        self.search = named(QLineEdit(self), "historyText")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Customer name or id (Ctrl+F)"))
        self.search.setMinimumWidth(220)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label, widget in ((self.tr("&Account:"), self.account_box), (self.tr("&Staff:"), self.who_box),
                              (self.tr("&Operation:"), self.operation_box), (self.tr("F&rom:"), self.from_date),
                              (self.tr("&To:"), self.to_date)):
            buddy = QLabel(label, self)
            buddy.setBuddy(widget)
            row.addWidget(buddy)
            row.addWidget(widget)
        row.addWidget(self.search, 1)

        self.typing = QTimer(self)
        self.typing.setSingleShot(True)
        self.typing.setInterval(TYPING_PAUSE_MS)
        self.typing.timeout.connect(self.changed)
        self.search.textChanged.connect(self.typing.start)
        for box in (self.account_box, self.who_box, self.operation_box):
            box.currentIndexChanged.connect(self.changed)
        for date in (self.from_date, self.to_date):
            date.dateChanged.connect(self.changed)

    def _combo(self, name: str, everything: str, items: Sequence[tuple[str, str]]) -> QComboBox:
        box = named(QComboBox(self), name)
        # Room for a short name; the list opens as wide as its longest ("update custom field definition").
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(12)
        box.addItem(everything, None)
        for label, data in items:
            box.addItem(label, data)
        return box

    def _date(self, name: str) -> QDateEdit:
        date = named(QDateEdit(self), name)
        date.setCalendarPopup(True)
        date.setMinimumDate(NO_DATE)
        date.setSpecialValueText(self.tr("any day"))
        date.setDisplayFormat("yyyy-MM-dd")
        date.setDate(NO_DATE)
        return date

    def query(self) -> JournalQuery:
        """The filters as the journal reads them (days are the computer's own, the last one included)."""
        return JournalQuery(account_id=self.account_box.currentData(), who=self.who_box.currentData(),
                            operation=self.operation_box.currentData(), since=_day(self.from_date),
                            until=_day(self.to_date, after=True), text=self.search.text().strip())

    def set_staff(self, names: list[str]) -> None:
        """Offer these staff names, keeping the one chosen (refilling is no change of filter)."""
        self._offer(self.who_box, [(name, name) for name in names])

    def set_accounts(self, accounts: Sequence[tuple[str, str]]) -> None:
        """Offer these (name, id) accounts: the ones added or removed since the window was made."""
        self._offer(self.account_box, list(accounts))

    @staticmethod
    def _offer(box: QComboBox, items: list[tuple[str, str]]) -> None:
        current = box.currentData()
        if [(box.itemText(i), box.itemData(i)) for i in range(1, box.count())] == items:
            return
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for label, data in items:
            box.addItem(label, data)
        box.setCurrentIndex(max(0, box.findData(current)) if current else 0)
        box.blockSignals(False)


def _day(box: QDateEdit, *, after: bool = False) -> datetime | None:
    """The start of the box's day in the computer's time zone (of the next day, for an end), or None."""
    if box.date() == NO_DATE:
        return None
    day = box.date().addDays(1 if after else 0)
    return datetime(day.year(), day.month(), day.day()).astimezone()
