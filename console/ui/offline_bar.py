"""The offline bar above the table: the provider cannot be reached, so the rows kept locally stay
shown read-only while the refresh is retried with backoff until it answers again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
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


class OfflineBar(QFrame):
    """Shown while the open account's provider is unreachable; `changed(offline)` says when that flips."""

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

    def reason(self) -> str:
        """Why writes are off, for tooltips."""
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
        self.back_online()

    def retry_now(self) -> None:
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
            dialog.save_button.setEnabled(not self.offline)
            dialog.save_button.setToolTip(self.reason() if self.offline else self.tr("Save (Ctrl+S)"))
