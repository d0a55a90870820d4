"""What the window keeps in the settings: column layouts per provider, its geometry, the appearance.
The first failure to save them in a session is shown, later ones only logged."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from console.services.accounts import ALL_ACCOUNTS
from console.services.settings import ColumnLayout
from console.services.table_columns import keep_unknown
from console.ui.theme import apply_color_scheme

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class WindowPreferences:
    """Reads and writes `window.context.settings` for the window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._problem_shown = False

    def save(self) -> None:
        """Save the settings; the first failure in a session is shown, later ones only logged."""
        window = self.window
        problem = window.context.save_settings()
        if problem and not self._problem_shown:
            self._problem_shown = True
            window.statusBar().showMessage(problem)
            box = QMessageBox(QMessageBox.Icon.Warning, window.tr("Settings not saved"), problem,
                              QMessageBox.StandardButton.Ok, window)
            box.setObjectName("noticeBox")
            box.finished.connect(box.deleteLater)
            box.open()

    def set_color_scheme(self, choice: str) -> None:
        """Follow the system or force light or dark (View → Appearance); remembered in settings."""
        settings = self.window.context.settings
        apply_color_scheme(choice)
        self.window.scheme_actions[choice].setChecked(True)
        if settings.color_scheme != choice:
            settings.color_scheme = choice  # type: ignore[assignment]
            self.save()

    def column_layout(self, provider: str) -> ColumnLayout:
        return self.window.context.settings.columns.get(provider, ColumnLayout())

    def keep_columns(self) -> None:
        """Note the open account's column layout (saved with the next save)."""
        window = self.window
        if not window.model.columns or (window.session is None and not window.all_accounts.active):
            return
        provider = window.session.service.capabilities.provider if window.session is not None else ALL_ACCOUNTS
        window.context.settings.columns[provider] = keep_unknown(self.column_layout(provider),
                                                                 window.customer_list.header.layout())

    def columns_changed(self) -> None:
        self.keep_columns()
        self.save()

    def remember_window(self) -> None:
        self.keep_columns()
        self.window.context.settings.window.geometry = self.window.saved_geometry()
        self.save()
