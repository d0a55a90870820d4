"""Whether another Customer Console window is open on this computer, told to the second one.

Both work: they share the workspace database, whose writes wait for each other (WAL, a busy
timeout and immediate write transactions), so neither fails with "database is locked". The second
window is only told, so nobody wonders why a change made in the other shows up after a refresh.
A lock file in the data folder says who was first; Qt takes over a lock left by a process that
has died.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QLockFile, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow

from console.domain.gc_pause import gc_paused

LOCK_NAME = "customer-console.lock"
NOTICE_MS = 20000


class InstanceLock:
    """Held by the first window open on this data folder, for as long as it is open.

    Taken on a worker thread (`take`): Qt writes the lock file through to the disk (fdatasync), which
    waits for whatever else the disk has to write first; 150 ms at a warm start after a large copy (P9)."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._lock: QLockFile | None = None
        self.others_open: bool | None = None   # None until the lock was tried

    def try_lock(self) -> bool:
        """Try the lock now, on this thread; returns whether this window holds it (and sets `others_open`)."""
        self._directory.mkdir(parents=True, exist_ok=True)
        lock = QLockFile(str(self._directory / LOCK_NAME))
        lock.setStaleLockTime(0)   # stale only when its process is gone, however long it ran
        held = lock.tryLock(0)
        self._lock = lock if held else None
        self.others_open = not held
        return held

    async def take(self) -> bool:
        """`try_lock` on a worker thread, so the window never waits for the disk."""
        return await asyncio.to_thread(self._try_lock_paused)

    def _try_lock_paused(self) -> bool:
        with gc_paused():   # no collection off the GUI thread (console/domain/gc_pause.py)
            return self.try_lock()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


def tell_about_other_windows(window: QMainWindow, lock: InstanceLock) -> None:
    """Say so in the status bar when another window was open first: beside the counts, where the load's
    own messages do not replace it, for NOTICE_MS (the whole sentence in its tooltip)."""
    if not lock.others_open:
        return
    notice = QLabel(window.tr("Another window is open"), window)
    notice.setObjectName("otherWindowNotice")
    notice.setContentsMargins(12, 0, 12, 0)   # apart from the status message it follows
    notice.setToolTip(window.tr(
        "Another Customer Console window is open on this computer. Both work on the same local copy; "
        "a change made in one shows in the other at its next refresh."))
    window.statusBar().insertPermanentWidget(0, notice)
    QTimer.singleShot(NOTICE_MS, notice, notice.deleteLater)
