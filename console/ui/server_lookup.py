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
        self._phone_notice_given: set[str] = set()   # account ids told their provider cannot

    def key_for(self, text: str, explicit: bool) -> SearchKey | None:
        session = self.window.session
        if session is None or not text:
            return None
        supported = session.service.capabilities.server_exact
        if SearchKey.EMAIL in supported and is_email(text):
            return SearchKey.EMAIL
        if looks_like_phone(text):
            # A phone is not asked for as a reference where the provider cannot search phones.
            return SearchKey.PHONE if SearchKey.PHONE in supported else None
        if explicit and SearchKey.REFERENCE_ID in supported and " " not in text:
            return SearchKey.REFERENCE_ID
        return None

    def start(self, *, explicit: bool) -> None:
        self.timer.stop()
        window = self.window
        text = window.search.text().strip()
        key = self.key_for(text, explicit)
        session = window.session
        if key is not None and session is not None:
            window.tasks.start(self._lookup(session, key, text), name="lookup")
        elif session is not None and looks_like_phone(text) \
                and SearchKey.PHONE not in session.service.capabilities.server_exact \
                and session.account.id not in self._phone_notice_given:
            # Said once per account: the table still finds phones among the customers loaded.
            self._phone_notice_given.add(session.account.id)
            window.statusBar().showMessage(window.tr("{0} can't search by phone; showing matches among loaded "
                                                     "customers.").format(session.service.provider_name), 8000)

    async def _lookup(self, session: AccountSession, key: SearchKey, value: str) -> None:
        window, tr = self.window, self.window.tr
        status = window.statusBar()
        provider = session.service.provider_name
        status.showMessage(tr("Asking {0} for {1} {2}…").format(provider, key.value, value))
        try:
            found = await session.service.lookup(key, value)
        except e.ConsoleError as exc:
            status.showMessage(tr("{0} lookup failed: {1}").format(provider, exc.message))
            window.lookup_finished.emit(0)
            return
        # Said together with what the table shows: the search there also matches parts and any case,
        # so the provider's exact lookup may find none while the table shows some.
        window.model.finish_search()
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
