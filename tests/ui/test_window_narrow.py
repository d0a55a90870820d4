"""Narrow windows: the search and every toolbar button stay in reach from 640 px up."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar, QToolButton

from console.ui.main_window import MainWindow
from tests.support.qt import until

MINIMUM_WIDTH = 640


def _toolbar(window: MainWindow) -> QToolBar:
    bar = window.findChild(QToolBar, "mainToolbar")
    assert bar is not None
    return bar


def _extension_shown(window: MainWindow) -> bool:
    # QToolBar's » button, shown when its items do not fit.
    button = _toolbar(window).findChild(QToolButton, "qt_toolbar_ext_button")
    return button is not None and button.isVisible()


async def _resize(window: MainWindow, width: int) -> None:
    window.resize(width, 700)
    await until(lambda: window.width() == width, what=f"the window to be {width} px wide")
    await until(lambda: _toolbar(window).width() >= width - 20, what="the toolbar to follow")


async def test_a_640_px_window_shows_the_search_and_every_button(qtbot: Any, window: MainWindow) -> None:
    assert window.minimumWidth() == MINIMUM_WIDTH
    await _resize(window, MINIMUM_WIDTH)
    assert not _extension_shown(window)
    assert window.search.isVisible() and window.search.width() > 300
    for action in (window.new_action, window.edit_action, window.delete_action, window.refresh_action):
        button = _toolbar(window).widgetForAction(action)
        assert button is not None and button.isVisible(), action.text()
        assert button.geometry().right() <= _toolbar(window).width(), action.text()


async def test_ctrl_f_types_into_the_search_in_a_narrow_window(qtbot: Any, window: MainWindow) -> None:
    await _resize(window, MINIMUM_WIDTH)
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.focusWidget(), "abena")
    assert window.search.text() == "abena"


async def test_widening_again_leaves_no_extension_button(qtbot: Any, window: MainWindow) -> None:
    for width in (MINIMUM_WIDTH, 1600, MINIMUM_WIDTH, 1024):
        await _resize(window, width)
        assert not _extension_shown(window), width
        refresh = _toolbar(window).widgetForAction(window.refresh_action)
        assert refresh is not None and refresh.isVisible()
