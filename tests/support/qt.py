"""Helpers for tests that drive the real window on the qasync loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, SignalInstance
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from console.ui.async_qt import wait_signal


async def until(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:  # noqa: ASYNC109
    """Wait (letting the loop run) until `predicate()` is truthy; returns its value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


def signal(sig: SignalInstance, timeout: float = 10.0) -> Awaitable[tuple[Any, ...]]:
    """Arm a wait for `sig` now; await the result after doing what should emit it."""
    return wait_signal(sig, timeout)


def visible(kind: type[QWidget], name: str | None = None) -> Any:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible() and (name is None or widget.objectName() == name):
            return widget
    return None


async def answer(button: QMessageBox.StandardButton, name: str = "confirmBox") -> str:
    """Wait for a message box and press `button` on it; returns the box's text for assertions."""
    box: QMessageBox = await until(lambda: visible(QMessageBox, name), what=f"message box {name}")
    text = f"{box.text()}\n{box.informativeText()}"
    box.button(button).click()
    await until(lambda: not box.isVisible(), what="message box to close")
    return text


class Paints(QObject):
    """Counts the paint events of the widgets it is installed on (`widget.installEventFilter(paints)`)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False
