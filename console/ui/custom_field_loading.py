"""Custom fields in the table: once an account's customers have loaded, its definitions are read,
offered as columns, and every loaded customer's values are read in the background (a few at a
time, progress in the status bar), each row updated as its values arrive."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from shiboken6 import isValid

from console.domain import errors as e
from console.domain.custom_fields import CustomFieldDefinition
from console.services.accounts import AccountSession
from console.services.custom_field_service import ValuesProgress
from console.services.customer_service import LoadProgress

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

log = logging.getLogger(__name__)

TASK = "custom-values"


class CustomFieldLoading:
    """Starts the values' read after each load of a Square (custom_fields) account."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.load_finished.connect(self._load_finished)
        window.account_opened.connect(self._account_opened)

    def _account_opened(self, _account_id: str) -> None:
        session = self.window.session
        if session is not None and session.custom_fields.available:
            session.custom_fields.definitions_changed.append(
                lambda definitions: self._show_columns(session, definitions))

    def _load_finished(self, result: object) -> None:
        session = self.window.session
        if isinstance(result, LoadProgress) and session is not None and session.custom_fields.available:
            self.window.tasks.start(self._read(session), name=TASK)

    def _show_columns(self, session: AccountSession, _definitions: list[CustomFieldDefinition]) -> None:
        """The table's columns follow the definitions (added or gone), the layout kept."""
        window = self.window
        if window.session is session:
            window.preferences.keep_columns()
            window.customer_list.show_session(session)

    async def _read(self, session: AccountSession) -> None:
        window, tr = self.window, self.window.tr
        status = window.statusBar()
        try:
            definitions = await session.custom_fields.definitions(refresh=True)
            if not definitions or not _showing(window, session):
                return

            def show(progress: ValuesProgress) -> None:
                if _showing(window, session):
                    status.showMessage(tr("Reading custom fields: {0} of {1} customers…").format(
                        progress.read, progress.total))

            progress = await session.custom_fields.load_values(show)
        except e.ConsoleError as exc:
            if _showing(window, session):
                status.showMessage(tr("Custom fields could not be read: {0}").format(exc.message), 10000)
            return
        if not _showing(window, session):
            return
        if progress.failures:
            status.showMessage(tr("Custom fields read; {0} customers' could not be read.").format(progress.failures),
                               10000)
        else:
            status.showMessage(tr("Custom fields read for {0} customers.").format(progress.read), 8000)


def _showing(window: MainWindow, session: AccountSession) -> bool:
    """`session` is the window's account, and the window is still there (a read may outlive it)."""
    return isValid(window) and window.session is session
