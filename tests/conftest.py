"""Test-wide setup: offscreen Qt, the production qasync loop for async tests, isolated dirs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from collections.abc import Callable
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication


def _qasync_loop() -> Any:
    app = QApplication.instance() or QApplication(["customer-console-tests"])
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Callable[[], Any]]:
    """Every async test runs on the loop type the app runs on."""
    return {"qasync": _qasync_loop}
