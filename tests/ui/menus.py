"""Opening and clicking context menus in the real window, as a person would."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from tests.support.qt import until, visible

# The offscreen platform cannot grab the keyboard for a popup menu; the menus work all the same.
MENU_WARNINGS = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")


async def context_menu(widget: QWidget, pos: QPoint, name: str) -> QMenu:
    """Right-click `widget` at `pos` and return the menu called `name` that opens."""
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, widget.mapToGlobal(pos))
    QApplication.sendEvent(widget, event)
    menu: QMenu = await until(lambda: visible(QMenu, name), what=f"menu {name}")
    return menu


def entry(menu: QMenu, name: str) -> QAction:
    action = menu.findChild(QAction, name)
    assert action is not None, f"no entry {name} in {menu.objectName()}"
    return action


async def click(qtbot: Any, menu: QMenu, name: str) -> None:
    """Click the entry `name` of an open menu (which then closes)."""
    action = entry(menu, name)
    assert action.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    await until(lambda: not menu.isVisible(), what="the menu to close")
