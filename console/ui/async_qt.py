"""Glue between Qt signals and asyncio on the qasync loop, without nested event loops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Awaitable, Coroutine
from typing import Any

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)

# The two answers of most confirmations (`ask` renames their buttons to say what they do).
Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def wait_signal(signal: SignalInstance, timeout: float | None = None) -> Awaitable[tuple[Any, ...]]:
    """Arm now, await later: the next emission of `signal` after this call, with its arguments.

    The connection is made at call time (not at the first await), so an emission that happens
    between arming and awaiting is not missed.
    """
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def on_emit(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(on_emit)

    async def wait() -> tuple[Any, ...]:
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            with contextlib.suppress(RuntimeError):  # the sender may already be deleted
                signal.disconnect(on_emit)

    return wait()


async def ask(parent: QWidget | None, title: str, text: str, *,
              buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes
              | QMessageBox.StandardButton.No,
              default: QMessageBox.StandardButton = QMessageBox.StandardButton.No,
              icon: QMessageBox.Icon = QMessageBox.Icon.Question,
              informative: str | None = None,
              labels: dict[QMessageBox.StandardButton, str] | None = None) -> QMessageBox.StandardButton:
    """Show a window-modal message box and await the button pressed (no nested exec()).

    `labels` renames buttons, so they can say what they do ("Delete 3 files", "Keep them").
    """
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setObjectName("confirmBox")
    box.setDefaultButton(default)
    for button, label in (labels or {}).items():
        if (widget := box.button(button)) is not None:
            widget.setText(label)
    if informative:
        box.setInformativeText(informative)
    box.setWindowModality(box.windowModality().WindowModal)
    box.open()
    try:
        (result,) = await wait_signal(box.finished)
    finally:
        box.deleteLater()
    clicked = box.clickedButton()
    return box.standardButton(clicked) if clicked is not None else QMessageBox.StandardButton(result)


# The lane every write to a provider waits its turn in: a write is never cancelled by another.
WRITES = "writes"


class TaskRegistry:
    """Keeps a reference to every task a window starts.

    A named task (`start`) replaces its predecessor: right for reads, where only the latest
    matters. A queued task (`queue`) waits for the tasks queued before it in its lane and is
    never cancelled by them: right for writes, where each was asked for and must finish.
    """

    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._anonymous: set[asyncio.Task[Any]] = set()
        self._lanes: dict[str, asyncio.Task[Any]] = {}   # the last task queued in each lane

    def start(self, coro: Coroutine[Any, Any, Any], name: str | None = None) -> asyncio.Task[Any]:
        if name is not None:
            self.cancel(name)
        task = asyncio.get_running_loop().create_task(coro, name=name)
        if name is not None:
            self._tasks[name] = task
        else:
            self._anonymous.add(task)
        task.add_done_callback(self._finished)
        return task

    def queue(self, coro: Coroutine[Any, Any, Any], lane: str = WRITES) -> asyncio.Task[Any]:
        """Run `coro` once everything queued before it in `lane` has finished (however it ended)."""
        previous = self._lanes.get(lane)

        async def in_turn() -> Any:
            if previous is not None and not previous.done():
                await asyncio.wait([previous])   # waits without cancelling it or taking its error
            return await coro

        task = asyncio.get_running_loop().create_task(in_turn(), name=f"{lane}:queued")
        self._lanes[lane] = task
        self._anonymous.add(task)
        task.add_done_callback(lambda _task: coro.close())   # a no-op unless cancelled before its turn
        task.add_done_callback(self._finished)
        return task

    def busy(self, lane: str = WRITES) -> bool:
        """Whether something queued in `lane` has not finished yet."""
        last = self._lanes.get(lane)
        return last is not None and not last.done()

    async def idle(self, lane: str = WRITES) -> None:
        """Wait until everything queued in `lane` so far has finished."""
        last = self._lanes.get(lane)
        if last is not None and not last.done():
            await asyncio.wait([last])

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._anonymous.discard(task)
        name = task.get_name()
        if self._tasks.get(name) is task:
            del self._tasks[name]
        if not task.cancelled() and (exc := task.exception()) is not None:
            # Expected failures are handled inside the tasks; anything reaching here is a bug,
            # so it goes where unhandled errors go (logged and shown to the user).
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def running(self, name: str) -> bool:
        task = self._tasks.get(name)
        return task is not None and not task.done()

    def cancel(self, name: str) -> None:
        task = self._tasks.pop(name, None)
        if task is not None and not task.done():
            task.cancel()

    async def cancel_all(self) -> None:
        tasks = [*self._tasks.values(), *self._anonymous]
        self._tasks.clear()
        self._anonymous.clear()
        self._lanes.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
