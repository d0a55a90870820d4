"""A child process for the crash test: opens a customer, types into it, then waits to be killed."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.ui.edit_dialog import CustomerDialog
from console.ui.main_window import MainWindow
from tests.support.qt import signal, until, visible
from tests.ui.conftest import make_context


async def edit_and_wait(root: Path, note: str) -> None:
    context = make_context(root, customers=30)
    window = MainWindow(context)
    loaded = signal(window.load_finished, timeout=30)
    window.show()
    await loaded
    window.table.selectRow(0)
    window.editing.edit_selected()
    dialog: CustomerDialog = await until(lambda: visible(CustomerDialog))
    dialog.editors["note"].editor.setFocus()
    QTest.keyClicks(dialog.editors["note"].editor, note)
    await until(lambda: any(context.drafts.directory.glob("*.json")), what="the draft on disk")
    print("READY", flush=True)
    await asyncio.Event().wait()  # until the test kills this process


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(edit_and_wait(Path(sys.argv[1]), sys.argv[2]))
