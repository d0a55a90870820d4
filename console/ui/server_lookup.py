"""Asking the provider's server for an exact email, phone or reference typed into the search, so
customers not loaded yet are found too; the status line then says what the table shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from console.domain import errors as e
from console.domain.capabilities import SearchKey
from console.domain.validation import is_email, looks_like_phone
from console.services.accounts import AccountSession
from console.ui.wording import count_of

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

LOOKUP_DELAY_MS = 400


class ServerLookup(QObject):
    """Started a moment after typing stops (the timer), or at once by Return."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(LOOKUP_DELAY_MS)
        self.timer.timeout.connect(lambda: self.start(explicit=False))

    def key_for(self, text: str, explicit: bool) -> SearchKey | None:
        session = self.window.session
        if session is None or not text:
            return None
        supported = session.service.capabilities.server_exact
        if SearchKey.EMAIL in supported and is_email(text):
            return SearchKey.EMAIL
        if SearchKey.PHONE in supported and looks_like_phone(text):
            return SearchKey.PHONE
        if explicit and SearchKey.REFERENCE_ID in supported and " " not in text:
            return SearchKey.REFERENCE_ID
        return None

    def start(self, *, explicit: bool) -> None:
        self.timer.stop()
        window = self.window
        text = window.search.text().strip()
        key = self.key_for(text, explicit)
        if key is not None and window.session is not None:
            window.tasks.start(self._lookup(window.session, key, text), name="lookup")

    async def _lookup(self, session: AccountSession, key: SearchKey, value: str) -> None:
        window, tr = self.window, self.window.tr
        status = window.statusBar()
        provider = session.provider.name
        status.showMessage(tr("Asking {0} for {1} {2}…").format(provider, key.value, value))
        try:
            found = await session.service.lookup(key, value)
        except e.ConsoleError as exc:
            status.showMessage(tr("{0} lookup failed: {1}").format(provider, exc.message))
            window.lookup_finished.emit(0)
            return
        # Said together with what the table shows: the search there also matches parts and any case,
        # so the provider's exact lookup may find none while the table shows some.
        rows = window.model.rowCount()
        shown = count_of(rows, tr("customer"), tr("customers"))
        if found:
            message = tr("{0} found {1} with {2} {3}; {4} shown.").format(
                provider, count_of(len(found), tr("customer"), tr("customers")), key.value, value, shown)
        elif rows:
            message = tr("{0} shown; {1} has no other customer with {2} {3}.").format(shown, provider, key.value, value)
        else:
            message = tr("No customer with {0} {1}, at {2} either.").format(key.value, value, provider)
        status.showMessage(message, 8000)
        window.lookup_finished.emit(len(found))
