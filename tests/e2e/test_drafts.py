"""What is typed in an open dialog survives the process being killed, and is offered back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

from console.ui.edit_dialog import CustomerDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, until, visible
from tests.ui.conftest import make_context

ROOT = Path(__file__).resolve().parents[2]


def _kill_while_editing(root: Path, note: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-m", "tests.e2e.crash_while_editing", str(root), note],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # the child prints READY once the draft is on disk
        assert line.strip() == "READY", child.stderr.read() if child.stderr else ""
    finally:
        child.kill()  # no clean shutdown: as if the computer or the process died
        child.wait(timeout=30)


async def test_a_killed_process_offers_the_typing_back(qtbot: Any, tmp_path: Path) -> None:
    root = tmp_path / "app"
    _kill_while_editing(root, "Called about the invoice")
    context = make_context(root, customers=30)
    [(_, draft)] = context.drafts.pending()
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    question = await answer(QMessageBox.StandardButton.Yes)
    assert draft.customer_name in question
    dialog: CustomerDialog = await until(lambda: visible(CustomerDialog), what="the restored dialog")
    note = dialog.editors["note"].editor
    assert isinstance(note, QPlainTextEdit)
    assert note.toPlainText().endswith("Called about the invoice")
    assert dialog.original is not None and dialog.original.id == draft.customer_id
    assert "Restored" in dialog.banner_text.text()
    await window.shutdown()


async def test_a_discarded_draft_is_gone(qtbot: Any, tmp_path: Path) -> None:
    root = tmp_path / "app"
    _kill_while_editing(root, "Never mind")
    context = make_context(root, customers=30)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    await answer(QMessageBox.StandardButton.Discard)
    await until(lambda: context.drafts.pending() == [], what="the draft to be deleted")
    assert visible(CustomerDialog) is None
    await window.shutdown()

