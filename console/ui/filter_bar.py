"""The filter bar under the search: created and updated date ranges, has email/phone, the provider's status.

One compact row; each change emits the whole `CustomerFilters`, which the window hands to the
table model together with the search text.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from console.domain.capabilities import StatusFilterSpec
from console.services.accounts import ALL_ACCOUNTS
from console.services.customer_filters import NO_FILTERS, CustomerFilters

if TYPE_CHECKING:
    from console.services.accounts import Account
    from console.ui.main_window import MainWindow

_ANY = "__any__"


class DateRange(QWidget):
    """Two optional dates ("from", "to"): each starts blank and shows a calendar when opened."""

    changed = Signal()

    def __init__(self, label: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        caption = QLabel(label, self)
        layout.addWidget(caption)
        self.first = self._date_edit(self.tr("from"), f"{name}From")
        self.last = self._date_edit(self.tr("to"), f"{name}To")
        caption.setBuddy(self.first)
        layout.addWidget(self.first)
        layout.addWidget(QLabel("–", self))
        layout.addWidget(self.last)

    def _date_edit(self, blank: str, name: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        # The minimum date stands for "no date": it shows as the special text.
        edit.setMinimumDate(QDate(1970, 1, 1))
        edit.setSpecialValueText(blank)
        edit.setDate(edit.minimumDate())
        edit.dateChanged.connect(lambda _d: self.changed.emit())
        return edit

    @staticmethod
    def _value(edit: QDateEdit) -> date | None:
        return None if edit.date() == edit.minimumDate() else edit.date().toPython()  # type: ignore[return-value]

    def values(self) -> tuple[date | None, date | None]:
        return self._value(self.first), self._value(self.last)

    def set_values(self, first: date | None, last: date | None) -> None:
        for edit, value in ((self.first, first), (self.last, last)):
            edit.setDate(QDate(value.year, value.month, value.day) if value else edit.minimumDate())


class FilterBar(QWidget):
    """Filters beyond the search text, for the open account."""

    changed = Signal(object)   # CustomerFilters

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        # Two rows of filters side by side, or one above the other when the window is narrow.
        self.rows = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(10)
        dates, others = QHBoxLayout(), QHBoxLayout()
        for row in (dates, others):
            row.setSpacing(10)
            self.rows.addLayout(row)
        self._row_layouts = (dates, others)
        self.created = DateRange(self.tr("Created"), "createdRange", self)
        self.updated = DateRange(self.tr("Updated"), "updatedRange", self)
        self.has_email = QCheckBox(self.tr("Has email"), self)
        self.has_email.setObjectName("hasEmail")
        self.has_phone = QCheckBox(self.tr("Has phone"), self)
        self.has_phone.setObjectName("hasPhone")
        self.status_label = QLabel(self)
        self.status = QComboBox(self)
        self.status.setObjectName("statusFilter")
        self.status_label.setBuddy(self.status)
        self.clear_button = QPushButton(self.tr("Clear filters"), self)
        self.clear_button.setObjectName("clearFiltersInBar")
        dates.addWidget(self.created)
        dates.addWidget(self.updated)
        dates.addStretch(1)
        for widget in (self.has_email, self.has_phone, self.status_label, self.status):
            others.addWidget(widget)
        others.addStretch(1)
        others.addWidget(self.clear_button)
        self._spec: StatusFilterSpec | None = None
        self._quiet = False
        for signal in (self.created.changed, self.updated.changed, self.has_email.toggled, self.has_phone.toggled,
                       self.status.currentIndexChanged):
            signal.connect(self._emit)
        self.clear_button.clicked.connect(lambda: self.set_filters(NO_FILTERS, emit=True))
        self.set_status_field(None, [])

    def set_status_field(self, spec: StatusFilterSpec | None, values: list[str]) -> None:
        """Offer the provider's status (values as loaded; "" is the spec's empty label); hidden if none."""
        self._spec = spec
        current = self.status.currentData()
        self._quiet = True
        self.status.clear()
        if spec is not None:
            self.status_label.setText(spec.label)
            self.status.addItem(self.tr("Any"), _ANY)
            for value in values:
                self.status.addItem(value or spec.empty_label, value)
            found = self.status.findData(current)
            self.status.setCurrentIndex(max(found, 0))
        self._quiet = False
        self.status_label.setVisible(spec is not None)
        self.status.setVisible(spec is not None)

    def filters(self) -> CustomerFilters:
        created_from, created_to = self.created.values()
        updated_from, updated_to = self.updated.values()
        status = self.status.currentData() if self._spec is not None else None
        return CustomerFilters(created_from=created_from, created_to=created_to, updated_from=updated_from,
                               updated_to=updated_to, has_email=self.has_email.isChecked(),
                               has_phone=self.has_phone.isChecked(),
                               status=None if status in (None, _ANY) else str(status))

    def set_filters(self, filters: CustomerFilters, *, emit: bool = False) -> None:
        """Show `filters` (a status not among the loaded values is added, so it is not lost)."""
        self._quiet = True
        self.created.set_values(filters.created_from, filters.created_to)
        self.updated.set_values(filters.updated_from, filters.updated_to)
        self.has_email.setChecked(filters.has_email)
        self.has_phone.setChecked(filters.has_phone)
        if self._spec is not None:
            if filters.status is None:
                self.status.setCurrentIndex(0)
            else:
                found = self.status.findData(filters.status)
                if found < 0:
                    self.status.addItem(filters.status or self._spec.empty_label, filters.status)
                    found = self.status.count() - 1
                self.status.setCurrentIndex(found)
        self._quiet = False
        if emit:
            self._emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        one_row = sum(row.sizeHint().width() for row in self._row_layouts) + self.rows.spacing()
        wanted = (QBoxLayout.Direction.LeftToRight if event.size().width() >= one_row
                  else QBoxLayout.Direction.TopToBottom)
        if self.rows.direction() != wanted:
            self.rows.setDirection(wanted)
        super().resizeEvent(event)

    def focus_first(self) -> None:
        self.created.first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _emit(self) -> None:
        if not self._quiet:
            self.changed.emit(self.filters())


def show_filter_count(window: MainWindow, filters: CustomerFilters) -> None:
    """Name how many filters are on in the toolbar button, so hidden filters are never forgotten."""
    count = filters.count()
    window.filters_action.setText(window.tr("F&ilters ({0})").format(count) if count else window.tr("F&ilters"))


def show_account_filters(window: MainWindow, account: Account) -> None:
    """The filters kept for `account`, in the bar and the table (its status values come with its load)."""
    filters = window.context.settings.filters.get(account.id, NO_FILTERS)
    window.filter_bar.set_status_field(account.info.capabilities.status_filter, [])
    window.filter_bar.set_filters(filters)
    show_filter_count(window, filters)
    window.model.set_filters(filters)


def connect_filter_bar(window: MainWindow) -> None:
    """Open and close the bar with its action; apply it with the search and keep it per account."""
    settings = window.context.settings

    def show(shown: bool) -> None:
        window.filter_bar.setVisible(shown)
        settings.window.filter_bar = shown
        if shown:
            window.filter_bar.focus_first()
        window.preferences.save()

    def changed(filters: CustomerFilters) -> None:
        window.model.set_query(window.search.text(), filters)   # one table change for both
        show_filter_count(window, filters)
        kept_as = window.session.account.id if window.session is not None else \
            ALL_ACCOUNTS if window.all_accounts.active else None
        if kept_as is not None:
            if filters.active:
                settings.filters[kept_as] = filters
            else:
                settings.filters.pop(kept_as, None)
            window.preferences.save()

    window.filter_bar.setVisible(settings.window.filter_bar)
    window.filters_action.setChecked(settings.window.filter_bar)
    window.filters_action.toggled.connect(show)
    window.filter_bar.changed.connect(changed)
