"""A second window on the same data folder is told that another is open; a lock left by a dead one is not."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from console.ui.instance_lock import LOCK_NAME, InstanceLock, tell_about_other_windows
from console.ui.main_window import MainWindow


def test_the_first_window_holds_the_lock_and_the_second_is_told(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path)
    second = InstanceLock(tmp_path)
    assert not first.others_open and second.others_open
    first.release()
    third = InstanceLock(tmp_path)
    assert not third.others_open
    third.release()


async def test_the_second_window_says_so_in_its_status_bar(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    first = InstanceLock(tmp_path)
    tell_about_other_windows(window, first)
    assert "Another Customer Console window" not in window.statusBar().currentMessage()
    tell_about_other_windows(window, InstanceLock(tmp_path))
    assert "Another Customer Console window is open" in window.statusBar().currentMessage()
    first.release()


def test_a_lock_left_by_a_window_that_died_is_taken_over(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from PySide6.QtCore import QLockFile; "
         f"lock = QLockFile({str(tmp_path / LOCK_NAME)!r}); assert lock.tryLock(0); "
         "print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    assert InstanceLock(tmp_path).others_open          # alive: another window is open
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / LOCK_NAME).exists()              # its lock file is still there…
    taken = InstanceLock(tmp_path)
    assert not taken.others_open                         # …but nobody holds it
    taken.release()
