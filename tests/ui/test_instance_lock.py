"""A second window on the same data folder is told that another is open; a lock left by a dead one is not."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QLabel

from console.ui.instance_lock import LOCK_NAME, InstanceLock, tell_about_other_windows
from console.ui.main_window import MainWindow
from console.ui.startup import run_window
from tests.support.qt import until, visible
from tests.ui.conftest import make_context


def test_the_first_window_holds_the_lock_and_the_second_is_told(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.others_open is None   # not tried yet
    assert first.try_lock() and not second.try_lock()
    assert not first.others_open and second.others_open
    second.release()   # held by the first: letting go of the second changes nothing
    assert not InstanceLock(tmp_path).try_lock()
    first.release()
    third = InstanceLock(tmp_path)
    assert third.try_lock()
    third.release()


async def test_the_lock_is_taken_off_the_windows_thread(tmp_path: Path) -> None:
    tried_on: list[threading.Thread] = []

    class Watched(InstanceLock):
        def try_lock(self) -> bool:
            tried_on.append(threading.current_thread())
            return super().try_lock()

    first = Watched(tmp_path)
    assert await first.take() is True
    assert tried_on and tried_on[0] is not threading.main_thread()   # Qt writes it through to the disk
    assert await Watched(tmp_path).take() is False
    first.release()


async def test_the_second_window_says_so_in_its_status_bar(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    first = InstanceLock(tmp_path)
    await first.take()
    tell_about_other_windows(window, first)
    assert window.findChild(QLabel, "otherWindowNotice") is None
    second = InstanceLock(tmp_path)
    await second.take()
    tell_about_other_windows(window, second)
    notice = window.findChild(QLabel, "otherWindowNotice")
    assert notice is not None and notice.isVisible() and notice.text() == "Another window is open"
    assert "Another Customer Console window is open on this computer" in notice.toolTip()
    window.statusBar().showMessage("Loading customers…")   # the load's messages leave it where it is
    assert notice.isVisible()
    first.release()


async def test_a_window_opened_second_is_told_once_its_lock_was_tried(qtbot: Any, tmp_path: Path) -> None:
    context = make_context(tmp_path / "app")
    first = InstanceLock(context.paths.data_dir)
    assert first.try_lock()   # another window holds the data folder
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)   # as in the app: closing the window ends run_window
    try:
        task = asyncio.get_running_loop().create_task(run_window(app, context, None))
        window: MainWindow = await until(lambda: visible(MainWindow), what="the window")
        notice = await until(lambda: window.findChild(QLabel, "otherWindowNotice"), what="the notice")
        await until(notice.isVisible, what="the notice shown")
        window.close()
        assert await asyncio.wait_for(task, 20) == 0
    finally:
        app.setQuitOnLastWindowClosed(True)
    assert not InstanceLock(context.paths.data_dir).try_lock()   # still the first window's
    first.release()


def test_a_lock_left_by_a_window_that_died_is_taken_over(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from PySide6.QtCore import QLockFile; "
         f"lock = QLockFile({str(tmp_path / LOCK_NAME)!r}); assert lock.tryLock(0); "
         "print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    assert not InstanceLock(tmp_path).try_lock()      # alive: another window is open
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert (tmp_path / LOCK_NAME).exists()              # its lock file is still there…
    taken = InstanceLock(tmp_path)
    assert taken.try_lock()                             # …but nobody holds it
    taken.release()
