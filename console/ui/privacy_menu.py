"""The Tools menu's privacy entries (issue 21), added to the window's menu bar before Help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from console.ui.privacy_dialog import open_privacy_request
from console.ui.privacy_requests_window import open_privacy_requests

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


def add_privacy_menu(window: MainWindow) -> None:
    bar = window.menuBar()
    help_menu = bar.actions()[-1]
    tools = bar.addMenu(window.tr("&Tools"))
    bar.insertMenu(help_menu, tools)
    request = QAction(window.tr("&Privacy request…"), window)
    request.setObjectName("privacyRequestAction")
    request.triggered.connect(lambda: open_privacy_request(window))
    listing = QAction(window.tr("Privacy re&quests"), window)
    listing.setObjectName("privacyRequestsAction")
    listing.triggered.connect(lambda: open_privacy_requests(window))
    tools.addAction(request)
    tools.addAction(listing)
