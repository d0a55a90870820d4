"""The search field: typing narrows the table at once and, a moment later, asks the provider's server
for an exact email, phone or reference (`server_lookup.py`); Return asks at once, Escape clears,
Down goes to the table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

from console.ui.server_lookup import ServerLookup

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class CustomerSearch(QObject):
    """Drives `window.search`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.lookup = ServerLookup(window)
        window.search.textChanged.connect(self._changed)
        window.search.returnPressed.connect(lambda: self.lookup.start(explicit=True))
        window.search.installEventFilter(self)

    def focus(self) -> None:
        self.window.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.window.search.selectAll()

    def _changed(self, text: str) -> None:
        self.window.model.set_filter(text)
        self.lookup.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        window = self.window
        if event.key() == Qt.Key.Key_Escape and window.search.text():
            window.search.clear()
            return True
        if event.key() == Qt.Key.Key_Down:
            window.table.setFocus()
            if window.model.rowCount() and not window.customer_list.selected_rows():
                window.table.selectRow(0)
            return True
        return False
