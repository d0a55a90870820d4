"""The whole app from its command line: demo mode on a fresh directory, screenshots, bad settings."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from console.services.context import build_context
from console.services.paths import AppPaths
from console.services.start_snapshot import read_kept_snapshot
from console.ui.main_window import MainWindow
from console.ui.startup import run_window
from tests.support.qt import until, visible


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "console", *args], capture_output=True, text=True,
                          timeout=120, env=env, check=False)


def test_fresh_start_shows_the_demo_account_and_writes_a_screenshot(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shot = tmp_path / "shot.png"
    done = _run("--config-dir", str(config), "--screenshot", str(shot))
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert not image.isNull()
    assert image.width() >= 800 and image.height() >= 500
    settings = json.loads((config / "settings.json").read_text(encoding="utf-8"))
    assert settings["last_account_id"] == "demo:square"
    assert (config / "data" / "demo" / "square.json").is_file()
    assert (config / "logs" / "customer-console.log").is_file()
    assert "Traceback" not in done.stderr


def test_corrupt_settings_are_moved_aside_and_the_app_still_starts(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text("{ this is not json", encoding="utf-8")
    done = _run("--config-dir", str(config), "--screenshot", str(tmp_path / "shot.png"))
    assert done.returncode == 0, done.stderr
    kept = list(config.glob("settings.json.unreadable-*"))
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == "{ this is not json"


async def test_the_user_is_told_about_unusable_settings(qtbot: Any, tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "config")
    paths.config_dir.mkdir(parents=True)
    paths.settings_file.write_text("[]", encoding="utf-8")
    context = build_context(paths)
    context.demo.latency_ms = 0
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    shot = tmp_path / "shot.png"
    task = asyncio.get_running_loop().create_task(run_window(app, context, shot))
    box: QMessageBox = await until(lambda: visible(QMessageBox, "noticeBox"), what="the notice")
    assert "could not be used" in box.text()
    assert "default settings" in box.text()
    assert await task == 0
    assert shot.is_file()
    assert visible(MainWindow) is None


def test_version_flag() -> None:
    done = _run("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("customer-console ")


def test_a_second_start_paints_the_last_sessions_list_first_then_the_live_one(tmp_path: Path) -> None:
    config = tmp_path / "config"
    assert _run("--config-dir", str(config), "--screenshot", str(tmp_path / "first.png")).returncode == 0
    # Kept in the encrypted workspace database, not in a file of its own.
    snapshot = read_kept_snapshot(AppPaths.resolve(config))
    assert snapshot is not None and snapshot.account_id == "demo:square"
    assert len(snapshot.rows) >= 20
    assert not (config / "data" / "start-snapshot.json").exists()
    done = _run("--config-dir", str(config), "--screenshot", str(tmp_path / "second.png"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    # The screenshot is of the real window once it has its first page, as on a first start.
    first, second = QImage(str(tmp_path / "first.png")), QImage(str(tmp_path / "second.png"))
    assert not second.isNull() and second.size() == first.size()
