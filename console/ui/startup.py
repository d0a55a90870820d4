"""The main window's life on the qasync loop: taking over from the start-up preview, the notices
for the user, the screenshot, and the error hook."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from console.services import warm_start
from console.services.context import AppContext
from console.ui.async_qt import wait_signal
from console.ui.instance_lock import InstanceLock, tell_about_other_windows
from console.ui.main_window import MainWindow
from console.ui.start_preview import StartPreview

if TYPE_CHECKING:
    from console.domain.gc_pause import Pause

log = logging.getLogger("console")

SCREENSHOT_TIMEOUT_S = 60.0
# The preview gives way at the first page, an error, or this: a slow provider is shown loading
# in the real window (with its progress and Cancel) rather than as a stale list.
HANDOVER_TIMEOUT_MS = 1000
# The longest the collector stays paused for the start's first rows (see console/launch.py).
START_PAUSE_MAX_MS = 10_000


def install_excepthook() -> None:
    """Log errors that escape a slot and tell the user, without stopping the app."""
    def hook(exc_type: type[BaseException], exc: BaseException, tb: object) -> None:
        log.error("unhandled error", exc_info=(exc_type, exc, tb))  # type: ignore[arg-type]
        if QApplication.instance() is not None and not os.environ.get("CUSTOMER_CONSOLE_NO_DIALOGS"):
            box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                              f"Something went wrong ({exc_type.__name__}). Your open edits are kept; "
                              "the details are in the log file.", QMessageBox.StandardButton.Ok)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    sys.excepthook = hook


class _Handover(QObject):
    """Replaces the preview with the real window once, carrying over what was typed meanwhile."""

    def __init__(self, preview: StartPreview, window: MainWindow, show: Callable[[], None]) -> None:
        super().__init__(window)
        self.preview: StartPreview | None = preview
        self.window = window
        self._show = show
        window.first_page_shown.connect(self.take_over)
        window.load_finished.connect(self.take_over)
        preview.closed.connect(window.close)   # closing the preview quits, as closing the window does
        QTimer.singleShot(HANDOVER_TIMEOUT_MS, self, self.take_over)

    def take_over(self) -> None:
        preview, self.preview = self.preview, None
        if preview is None:
            return
        preview.closed.disconnect(self.window.close)
        typed = preview.search.text()
        if typed:
            self.window.search.setText(typed)
            self.window.search.setCursorPosition(preview.search.cursorPosition())
        searching = preview.search.hasFocus()
        # Exactly where the preview is (the user may have moved it): the swap should not be seen.
        if preview.isMaximized() or preview.isFullScreen():
            self.window.setWindowState(preview.windowState())
        else:
            self.window.setGeometry(preview.geometry())
        self._show()
        if searching:
            self.window.search.setFocus(Qt.FocusReason.OtherFocusReason)
        preview.hide()   # hide, not close: closing the preview means "quit"
        preview.deleteLater()


async def run_window(app: QApplication, context: AppContext, screenshot: Path | None,
                     preview: StartPreview | None = None, start_pause: Pause | None = None) -> int:
    """Show the window (in place of `preview`, once it has its first page) and run until it is closed
    (or the screenshot is written); `start_pause` (console/launch.py's) is ended at the first rows."""
    window = MainWindow(context)
    if start_pause is not None:
        # Once the first rows are shown, or the load has ended without any, or a slow first page keeps them.
        window.first_page_shown.connect(start_pause.end)
        window.load_finished.connect(lambda _: start_pause.end())
        QTimer.singleShot(START_PAUSE_MAX_MS, window, start_pause.end)
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    lock = InstanceLock(context.paths.data_dir)
    locked = asyncio.ensure_future(lock.take())

    def show() -> None:
        window.show()
        locked.add_done_callback(lambda _: tell_about_other_windows(window, lock))
        for notice in context.notices:
            box = QMessageBox(QMessageBox.Icon.Warning, "Customer Console", notice, QMessageBox.StandardButton.Ok,
                              window)
            box.setObjectName("noticeBox")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    if preview is None:
        show()
    else:
        _Handover(preview, window, show)
    window.load_finished.connect(warm_start.discard)   # what was read at start and not taken
    try:
        if screenshot is not None:
            await asyncio.wait_for(wait_signal(window.first_page_shown), SCREENSHOT_TIMEOUT_S)
            await asyncio.sleep(0.05)  # let Qt lay out and paint the rows that just arrived
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(screenshot)):
                log.error("could not write %s", screenshot)
                return 1
            return 0
        await closed.wait()
        return 0
    finally:
        if start_pause is not None:
            start_pause.end()   # a window closed before its first rows
        await window.shutdown()
        # After the pages queued by the last refresh are saved; before the window goes, since with
        # it gone the loop may stop (the last window closed) before this await resumes.
        await context.workspace.close()
        await asyncio.wait([locked])   # decided (and told) before it is let go of
        lock.release()
        window.deleteLater()
