"""Find duplicates' groups formed again as the threshold slider moves: at once for a small scan, on another
thread for a large one (half a second for 500,000 customers, P17c in benchmarks/run.py), the threshold
last set winning."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject

from console.domain.duplicate_groups import DuplicateGroup, MemberRef
from console.domain.lock_steps import Leftovers
from console.services.busy_worker import busy_worker, let_go_elsewhere
from console.services.duplicates import DuplicateScan
from console.ui.async_qt import TaskRegistry

# Scored pairs up to which groups are formed on the GUI thread as the slider moves: 10-12 ms on the development
# VM (2,518 pairs of 10,490 customers; about 4-5 µs a pair). Above it they are formed on another thread (a scan of
# 500,000 customers scores 150,000 pairs: 0.6 s).
FORMED_HERE = 2_500

Dismissed = list[frozenset[MemberRef]]
Wanted = tuple[DuplicateScan | None, float, Dismissed]   # the scan shown, the slider's threshold, the dismissed


def _formed(found: DuplicateScan, threshold: float, dismissed: Dismissed) -> list[DuplicateGroup]:
    """`found.groups`, on another thread than the window's: Python's lock handed back to it quickly, and no
    collection there (it could destroy a stray Qt object off the GUI thread: gc_pause.py)."""
    with busy_worker(keep=True):
        return found.groups(threshold, dismissed)


class Regrouping(QObject):
    """Forms the groups `wanted()` asks for and hands them to `show(groups, threshold)`."""

    def __init__(self, parent: QObject, tasks: TaskRegistry, name: str, wanted: Callable[[], Wanted],
                 show: Callable[[list[DuplicateGroup], float], None]) -> None:
        super().__init__(parent)
        self._tasks, self._name, self._wanted, self._show = tasks, name, wanted, show
        self.running = False   # groups being formed on another thread

    def regroup(self) -> bool:
        """Form the groups wanted now: shown at once (True), or once formed on another thread (False)."""
        found, threshold, dismissed = self._wanted()
        if found is None:
            return True
        if len(found.pairs) <= FORMED_HERE:
            self._show(found.groups(threshold, dismissed), threshold)
            return True
        if not self.running:
            self.running = True
            self._tasks.start(self._elsewhere(), name=self._name)
        return False

    async def _elsewhere(self) -> None:
        try:
            while True:
                found, threshold, dismissed = self._wanted()
                if found is None:
                    return
                groups = await asyncio.to_thread(_formed, found, threshold, dismissed)
                if not shiboken6.isValid(self):
                    return
                now, slider, dismissed_now = self._wanted()
                if now is found and slider == threshold and dismissed_now is dismissed:
                    break   # else the slider moved, a scan or a dismissal came meanwhile: again, with those
            self._show(groups, threshold)
        finally:
            if shiboken6.isValid(self):
                self.running = False

    @staticmethod
    def let_go(groups: list[DuplicateGroup]) -> None:
        """Let go of groups no longer shown: tens of thousands on a thread of their own, a step at a time."""
        if len(groups) > FORMED_HERE:
            let_go_elsewhere(Leftovers(groups))
