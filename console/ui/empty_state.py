"""A message over the empty table saying why it is empty and offering the way out."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QPushButton, QVBoxLayout, QWidget

from console.ui.customer_table import CustomerTableModel


class EmptyState(QWidget):
    """Lies over a table's viewport (below its header) while shown; buttons are the window's to connect."""

    def __init__(self, table: QAbstractScrollArea) -> None:
        super().__init__(table)
        self.setObjectName("emptyState")
        self._table = table
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.message = QLabel(self)
        self.message.setObjectName("emptyMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message)
        self.buttons: dict[str, QPushButton] = {}
        for key, text in (("clear_search", self.tr("Clear search")), ("clear_filters", self.tr("Clear filters")),
                          ("accounts", self.tr("Accounts…"))):
            button = QPushButton(text, self)
            button.setObjectName(f"empty_{key}")
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            self.buttons[key] = button
        layout.addStretch(2)
        # The table's own background, without its alternating rows.
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        table.installEventFilter(self)
        self.hide()

    def show_message(self, text: str, *buttons: str) -> None:
        """Show `text` with the named buttons (clear_search, clear_filters, accounts)."""
        self.message.setText(text)
        for key, button in self.buttons.items():
            button.setVisible(key in buttons)
        self._place()
        self.show()
        self.raise_()

    def update_for(self, model: CustomerTableModel, *, has_accounts: bool, open_failed: str | None,
                   session_open: bool) -> None:
        """Say why the table is empty, with the way out; hidden while it shows customers or loads."""
        searching, filtering = bool(model.filter_text), model.filters.active
        if model.rowCount() or (session_open and not model.loaded_count()):
            self.hide()
        elif not has_accounts:
            self.show_message(self.tr("No accounts yet. Add your provider account in File → Accounts… to see "
                                      "its customers."), "accounts")
        elif not session_open and open_failed:
            self.show_message(self.tr("Could not open {0}\nCheck the account's credentials in File → "
                                      "Accounts….").format(open_failed), "accounts")
        elif session_open and (searching or filtering):
            what = (self.tr("No customer matches the search and the filters.") if searching and filtering else
                    self.tr("No customer matches the search.") if searching else
                    self.tr("No customer passes the filters."))
            buttons = [b for b, on in (("clear_search", searching), ("clear_filters", filtering)) if on]
            self.show_message(what, *buttons)
        else:
            self.hide()

    def _place(self) -> None:
        self.setGeometry(self._table.viewport().geometry())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._table and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self._place()
        return False
