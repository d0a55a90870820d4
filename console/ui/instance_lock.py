"""Whether another Customer Console window is open on this computer, told to the second one.

Both work: they share the workspace database, whose writes wait for each other (WAL, a busy
timeout and immediate write transactions), so neither fails with "database is locked". The second
window is only told, so nobody wonders why a change made in the other shows up after a refresh.
A lock file in the data folder says who was first; Qt takes over a lock left by a process that
has died.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QMainWindow

LOCK_NAME = "customer-console.lock"
NOTICE_MS = 20000


class InstanceLock:
    """Held by the first window open on this data folder, for as long as it is open."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(directory / LOCK_NAME))
        self._lock.setStaleLockTime(0)   # stale only when its process is gone, however long it ran
        self.others_open = not self._lock.tryLock(0)

    def release(self) -> None:
        if not self.others_open:
            self._lock.unlock()


def tell_about_other_windows(window: QMainWindow, lock: InstanceLock) -> None:
    """Say so in the status bar when another window was open first."""
    if lock.others_open:
        window.statusBar().showMessage(window.tr(
            "Another Customer Console window is open on this computer. Both work on the same local copy; "
            "a change made in one shows in the other at its next refresh."), NOTICE_MS)
