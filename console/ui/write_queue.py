"""Changes to the provider run one after another: a write is never cancelled by a later one."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from console.ui.async_qt import WRITES

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


def queue_write(window: MainWindow, write: Coroutine[Any, Any, None]) -> None:
    """Run `write` after those already under way, saying so when it has to wait."""
    if window.tasks.busy(WRITES):
        window.statusBar().showMessage(window.tr("Waiting for the change in progress to finish…"))
    window.tasks.queue(write, WRITES)


async def finish_writes(window: MainWindow, message: str) -> None:
    """Wait for the writes under way (showing `message` while there are any)."""
    if window.tasks.busy(WRITES):
        window.statusBar().showMessage(message)
        await window.tasks.idle(WRITES)
