"""The main window's keyboard: Ctrl+1…9 pick an account, Ctrl+Shift+A opens the account list, and the
toolbar's buttons take part in the Tab order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


def choose_account(window: MainWindow, number: int) -> None:
    """Switch to the `number`-th account of the selector (1-based), if there is one."""
    if 0 < number <= window.account_combo.count():
        window.account_combo.setCurrentIndex(number - 1)


def open_account_list(window: MainWindow) -> None:
    window.account_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
    window.account_combo.showPopup()


def connect_keys(window: MainWindow) -> None:
    for number, action in enumerate(window.account_actions, start=1):
        action.triggered.connect(lambda _=False, n=number: choose_account(window, n))
    window.account_list_action.triggered.connect(lambda: open_account_list(window))
    for key, action in window.scheme_actions.items():
        action.triggered.connect(lambda _=False, k=key: window.preferences.set_color_scheme(k))
    # A toolbar makes its buttons NoFocus: reachable by mouse only. Tab should reach them too.
    for action in window.toolbar.actions():
        button = window.toolbar.widgetForAction(action)
        if button is not None and button.focusPolicy() == Qt.FocusPolicy.NoFocus:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
