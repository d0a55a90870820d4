"""What the window's menus open, each module imported when first asked for: a dialog's module and what it
needs cost milliseconds each, which a start would otherwise spend before its first rows (P1b, P9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from console.ui.main_window import MainWindow


def _history(window: MainWindow) -> None:
    from console.ui.history_window import show_history

    show_history(window)


def _about(window: MainWindow) -> None:
    from console.ui.help_menu import show_about

    show_about(window)


def _diagnostics(window: MainWindow) -> None:
    from console.ui.help_menu import show_diagnostics

    show_diagnostics(window)


def _duplicates(window: MainWindow) -> None:
    from console.ui.duplicates_window import find_duplicates

    find_duplicates(window)


def _change_field(window: MainWindow) -> None:
    from console.ui.bulk_change import change_field

    window.tasks.start(change_field(window), name="bulk-change")


def _import(window: MainWindow) -> None:
    from console.ui.import_wizard import import_customers

    window.tasks.start(import_customers(window), name="import")


def _export(window: MainWindow) -> None:
    from console.ui.export_dialog import open_export

    open_export(window)


def _reset_demo(window: MainWindow) -> None:
    from console.ui.demo_reset import reset_demo_flow

    window.tasks.start(reset_demo_flow(window), name="reset-demo")


def _forget_local_data(window: MainWindow) -> None:
    from console.ui.forget_data import forget_local_data_flow

    window.tasks.start(forget_local_data_flow(window), name="forget-data")


def _undo(window: MainWindow) -> None:
    from console.ui.undo_save import undo_last_save

    window.tasks.start(undo_last_save(window), name="undo-save")


def _staff_name(window: MainWindow) -> None:
    from console.ui.undo_save import ask_staff_name

    ask_staff_name(window)


def _team_workspace(window: MainWindow) -> None:
    from console.ui.team_workspace_dialog import open_team_workspace_dialog

    open_team_workspace_dialog(window)


def connect_menu_actions(window: MainWindow) -> None:
    """Each menu action to what it opens."""
    opened: tuple[tuple[QAction, Callable[[MainWindow], None]], ...] = (
        (window.history_action, _history), (window.about_action, _about),
        (window.diagnostics_action, _diagnostics), (window.duplicates_action, _duplicates),
        (window.bulk_action, _change_field), (window.import_action, _import),
        (window.export_action, _export), (window.reset_demo_action, _reset_demo),
        (window.forget_data_action, _forget_local_data), (window.undo_action, _undo),
        (window.staff_name_action, _staff_name), (window.team_action, _team_workspace))
    for action, open_it in opened:
        action.triggered.connect(lambda _=False, open_it=open_it: open_it(window))
