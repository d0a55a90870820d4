"""When settings cannot be saved, the user is told once, and the app carries on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from console.ui.main_window import MainWindow
from tests.support.qt import answer, visible


async def test_a_failed_save_is_reported_once(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    window.context.store.path = blocker / "settings.json"
    window.table.horizontalHeader().resizeSection(1, 250)
    window.close()
    text = await answer(QMessageBox.StandardButton.Ok, name="noticeBox")
    assert "could not be saved" in text
    window.preferences.save()  # a second failure in the same session stays quiet
    assert visible(QMessageBox, "noticeBox") is None
