"""The main window as the last session left it, painted from its snapshot before the app has loaded.

The snapshot is the last account's start view in the workspace database (services/start_snapshot.py),
read on a thread the entry point (console/launch.py) begins before Qt is imported.

Importing the domain, providers and services takes several times longer than showing a window
(P1 in `benchmarks/run.py`), so start-up first shows this: the same layout (`WindowLayout`), the
last account with its environment badge, and the first screenful of its customers as text.
Nothing in it can change data; the real window takes its place as soon as it has its first page.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

from console.services.start_snapshot import SnapshotRead, StartSnapshot
from console.ui.window_layout import WindowLayout

if TYPE_CHECKING:   # importing QCloseEvent builds QEvent's 180 types as Python enums: 4 ms before the paint
    from PySide6.QtGui import QCloseEvent

EXPOSE_WAIT_S = 0.2


class StartPreview(WindowLayout):
    """A read-only stand-in for the main window while the app loads; closing it ends the start."""

    closed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("startPreview")

    def show_snapshot(self, snapshot: StartSnapshot) -> None:
        """Fill the window with what the snapshot holds."""
        model = QStandardItemModel(len(snapshot.rows), len(snapshot.columns), self)
        model.setHorizontalHeaderLabels(list(snapshot.columns))
        for r, row in enumerate(snapshot.rows):
            for c, text in enumerate(row):
                model.setItem(r, c, QStandardItem(text))
        # The rows are already in the order the user chose (and our sort rules are not Qt's): the
        # header state below shows the sort indicator, and the preview never sorts.
        self.table.setSortingEnabled(False)
        self.table.setModel(model)
        self.table.horizontalHeader().restoreState(QByteArray.fromBase64(snapshot.header_state.encode()))
        self.account_combo.addItem(snapshot.account_label)
        for action in (self.new_action, self.edit_action, self.delete_action, self.refresh_action):
            action.setEnabled(False)   # as in the real window until the account is open
        self.show_account(snapshot.account_name, snapshot.environment)
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Loading…"))
        self.progress.setVisible(True)
        self.count_label.setText(self.tr("List from your last session"))
        self.statusBar().showMessage(self.tr("Loading customers from {0}…").format(snapshot.account_name))
        self.restore_geometry(snapshot.geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        event.accept()
        self.closed.emit()


def show_preview(read: SnapshotRead) -> StartPreview | None:
    """Show and paint the last session's window, if there is a usable snapshot of it."""
    if not read.expected:
        return None
    preview = StartPreview()   # built while the read finishes
    snapshot = read.result()
    if snapshot is None:
        preview.deleteLater()
        return None
    preview.show_snapshot(snapshot)
    preview.show()
    # Paint now: the imports that follow keep the event loop from running for a while. Like
    # QSplashScreen, give a slow window system a moment to map the window first.
    QApplication.processEvents()
    handle = preview.windowHandle()
    deadline = time.monotonic() + EXPOSE_WAIT_S
    while handle is not None and not handle.isExposed() and time.monotonic() < deadline:
        time.sleep(0.002)
        QApplication.processEvents()
    return preview
