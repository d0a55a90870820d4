"""What the window's menus open, each module imported when first asked for: a dialog's module and what it
needs cost milliseconds each, which a start would otherwise spend before its first rows (P1b, P9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from console.ui.main_window import MainWindow


def show_history(window: MainWindow) -> None:
    from console.ui.history_window import show_history

    show_history(window)


def show_about(window: MainWindow) -> None:
    from console.ui.help_menu import show_about

    show_about(window)


def show_diagnostics(window: MainWindow) -> None:
    from console.ui.help_menu import show_diagnostics

    show_diagnostics(window)


def find_duplicates(window: MainWindow) -> None:
    from console.ui.duplicates_window import find_duplicates

    find_duplicates(window)


def change_field(window: MainWindow) -> None:
    from console.ui.bulk_change import change_field

    window.tasks.start(change_field(window), name="bulk-change")


def import_customers(window: MainWindow) -> None:
    from console.ui.import_wizard import import_customers

    window.tasks.start(import_customers(window), name="import")


def export_customers(window: MainWindow) -> None:
    from console.ui.export_dialog import open_export

    open_export(window)


def reset_demo(window: MainWindow) -> None:
    from console.ui.demo_reset import reset_demo_flow

    window.tasks.start(reset_demo_flow(window), name="reset-demo")


def forget_local_data(window: MainWindow) -> None:
    from console.ui.forget_data import forget_local_data_flow

    window.tasks.start(forget_local_data_flow(window), name="forget-data")


def undo_last_save(window: MainWindow) -> None:
    from console.ui.undo_save import undo_last_save

    window.tasks.start(undo_last_save(window), name="undo-save")


def ask_staff_name(window: MainWindow) -> None:
    from console.ui.undo_save import ask_staff_name

    ask_staff_name(window)


def team_workspace(window: MainWindow) -> None:
    from console.ui.team_workspace_dialog import open_team_workspace_dialog

    open_team_workspace_dialog(window)


def connect_menu_actions(window: MainWindow) -> None:
    """Each menu action to what it opens."""
    opened: tuple[tuple[QAction, Callable[[MainWindow], None]], ...] = (
        (window.history_action, show_history), (window.about_action, show_about),
        (window.diagnostics_action, show_diagnostics), (window.duplicates_action, find_duplicates),
        (window.bulk_action, change_field), (window.import_action, import_customers),
        (window.export_action, export_customers), (window.reset_demo_action, reset_demo),
        (window.forget_data_action, forget_local_data), (window.undo_action, undo_last_save),
        (window.staff_name_action, ask_staff_name), (window.team_action, team_workspace))
    for action, open_it in opened:
        action.triggered.connect(lambda _=False, open_it=open_it: open_it(window))
