"""The offline bar above the table: the provider cannot be reached, so the rows kept locally stay
shown read-only while the refresh is retried with backoff until it answers again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from console.domain import errors as e

if TYPE_CHECKING:
    from console.ui.edit_dialog import CustomerDialog
    from console.ui.main_window import MainWindow

# Seconds before each retry; the last one repeats. Quick at first (a blip), then no more than a
# request a minute against a provider that is down.
RETRY_DELAYS: tuple[float, ...] = (5.0, 15.0, 30.0, 60.0)
TASK = "offline-retry"


def is_unreachable(exc: BaseException) -> bool:
    """True when the failure says the provider could not be reached (network, timeout, 5xx), not a refusal."""
    return isinstance(exc, e.UnavailableError)


def next_delay(delays: Sequence[float], failures: int) -> float:
    """The wait after the `failures`-th failure in a row (1 for the first); the last delay repeats."""
    return delays[min(failures, len(delays)) - 1]


@dataclass
class _Down:
    """An account of the All accounts view that cannot be reached."""

    name: str
    as_of: str
    failures: int
    retry_at: datetime


class OfflineBar(QFrame):
    """Shown while the open account's provider is unreachable (or, in the All accounts view, any of
    its accounts'); `changed(offline)` says when that flips."""

    changed = Signal(bool)

    def __init__(self, window: MainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.main = window   # not `window`: QWidget.window() is taken
        self.setObjectName("offlineBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.retry_delays: Sequence[float] = RETRY_DELAYS   # tests shorten them
        self.text = QLabel(self)
        self.text.setObjectName("offlineText")
        self.text.setWordWrap(True)
        self.retry_button = QPushButton(self.tr("Retry now"), self)
        self.retry_button.setObjectName("offlineRetry")
        self.retry_button.clicked.connect(self.retry_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.retry_button)
        self.setVisible(False)
        self.offline = False
        self.as_of = ""
        self.failures = 0
        self.down: dict[str, _Down] = {}   # All accounts: the accounts offline, by id

    def offline_for(self, account_id: str) -> bool:
        """Whether the rows of `account_id` are read-only for being offline (the one open account's, or
        one of the All accounts view's)."""
        return account_id in self.down if self.down else self.offline

    def reason(self, account_id: str | None = None) -> str:
        """Why writes are off, for tooltips (for `account_id`'s rows in the All accounts view)."""
        if account_id is not None and account_id in self.down:
            down = self.down[account_id]
            return self.tr("Offline: {0} cannot be reached, so changes cannot be sent. Its rows are the local "
                           "copy ({1}).").format(down.name, down.as_of)
        provider = self.main.session.service.capabilities.display_name if self.main.session else ""
        return self.tr("Offline: {0} cannot be reached, so changes cannot be sent. The rows are the local copy "
                       "({1}).").format(provider, self.as_of)

    def mark_write(self, action: QAction) -> None:
        """Give a write entry of a menu the reason it is off while offline."""
        if self.offline:
            action.setToolTip(self.reason())
            action.setStatusTip(self.reason())

    def went_offline(self, as_of: str) -> None:
        """A refresh could not reach the provider: show the bar and schedule the next try."""
        if not self.offline:
            self.as_of = as_of   # the local copy's age; later failures do not make it newer
        self.failures += 1
        delay = next_delay(self.retry_delays, self.failures)
        retry_at = datetime.now() + timedelta(seconds=delay)
        self.text.setText(self.tr("Offline — {0}; retrying at {1}").format(self.as_of, retry_at.strftime("%H:%M:%S")))
        self.setVisible(True)
        self.main.tasks.start(self._retry_after(delay), name=TASK)
        if not self.offline:
            self.offline = True
            self.changed.emit(True)

    def back_online(self) -> None:
        """A refresh reached the provider: the bar goes and writes come back."""
        self.main.tasks.cancel(TASK)
        self.failures = 0
        self.setVisible(False)
        if self.offline:
            self.offline = False
            self.changed.emit(False)

    def reset(self) -> None:
        """Another account (or none) is open: stop retrying and forget this one's state."""
        for account_id in list(self.down):
            self.account_online(account_id)
        self.back_online()

    # -- All accounts: each account on its own ----------------------------------------------------
    def account_offline(self, account_id: str, name: str, as_of: str) -> None:
        """An account of the All accounts view could not be reached: its rows go read-only, retried on its own."""
        known = self.down.get(account_id)
        failures = known.failures + 1 if known else 1
        delay = next_delay(self.retry_delays, failures)
        self.down[account_id] = _Down(name, known.as_of if known else as_of, failures,
                                      datetime.now() + timedelta(seconds=delay))
        self.main.tasks.start(self._retry_account_after(account_id, delay), name=f"{TASK}:{account_id}")
        self._show_down()
        self.offline = True
        self.changed.emit(True)   # also when another account was down already: the actions look again

    def account_online(self, account_id: str) -> None:
        """An account of the All accounts view answered again."""
        if self.down.pop(account_id, None) is None:
            return
        self.main.tasks.cancel(f"{TASK}:{account_id}")
        self._show_down()
        if not self.down:
            self.offline = False
            self.setVisible(False)
        self.changed.emit(self.offline)

    def _show_down(self) -> None:
        if not self.down:
            return
        parts = "; ".join(f"{d.name}: {d.as_of}" for d in self.down.values())
        retry_at = min(d.retry_at for d in self.down.values())
        self.text.setText(self.tr("Offline — {0}; retrying at {1}").format(parts, retry_at.strftime("%H:%M:%S")))
        self.setVisible(True)

    async def _retry_account_after(self, account_id: str, delay: float) -> None:
        await asyncio.sleep(delay)
        self.main.all_accounts.loading.start(account_id)

    def retry_now(self) -> None:
        if self.down:
            for account_id in list(self.down):
                self.main.tasks.cancel(f"{TASK}:{account_id}")
                self.main.all_accounts.loading.start(account_id)
            self.text.setText(self.tr("Offline — retrying now…"))
            return
        self.main.tasks.cancel(TASK)
        self.text.setText(self.tr("Offline — {0}; retrying now…").format(self.as_of))
        self.main.loading.start()

    async def _retry_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.text.setText(self.tr("Offline — {0}; retrying now…").format(self.as_of))
        self.main.loading.start()

    def hold_saves(self, dialogs: Iterable[CustomerDialog]) -> None:
        """While offline a dialog can be read and typed into (kept as a draft), but not saved."""
        for dialog in dialogs:
            offline = self.offline_for(dialog.account_id)
            dialog.save_button.setEnabled(not offline)
            dialog.save_button.setToolTip(self.reason(dialog.account_id) if offline else self.tr("Save (Ctrl+S)"))
