"""The Tools menu's privacy entries (issue 21), added to the window's menu bar before Help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


def add_privacy_menu(window: MainWindow) -> None:
    """Tools → Privacy request… and Privacy requests (their windows imported when first opened)."""
    bar = window.menuBar()
    help_menu = bar.actions()[-1]
    tools = bar.addMenu(window.tr("&Tools"))
    bar.insertMenu(help_menu, tools)
    request = QAction(window.tr("&Privacy request…"), window)
    request.setObjectName("privacyRequestAction")
    request.triggered.connect(lambda: _open_request(window))
    listing = QAction(window.tr("Privacy re&quests"), window)
    listing.setObjectName("privacyRequestsAction")
    listing.triggered.connect(lambda: _open_requests(window))
    tools.addAction(request)
    tools.addAction(listing)


# Imported when first opened, not before the window shows (P9 in benchmarks/run.py).
def _open_request(window: MainWindow) -> None:
    from console.ui.privacy_dialog import open_privacy_request

    open_privacy_request(window)


def _open_requests(window: MainWindow) -> None:
    from console.ui.privacy_requests_window import open_privacy_requests

    open_privacy_requests(window)
