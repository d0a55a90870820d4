"""The customer dialog takes its create's idempotency key from the service, once per create."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from console.services.context import AppContext
from console.ui.main_window import MainWindow
from tests.support.qt import signal
from tests.support.window import open_new, type_value
from tests.ui.conftest import make_context, wrap_demo_transports


class CreateKeys(httpx.AsyncBaseTransport):
    """The emulator's transport, noting the idempotency key of every Square create it passes on."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.keys: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/v2/customers":
            self.keys.append(json.loads(await request.aread())["idempotency_key"])
        return await self.inner.handle_async_request(request)


@pytest.fixture
def wires() -> dict[str, CreateKeys]:
    return {}


@pytest.fixture
def context(tmp_path: Path, wires: dict[str, CreateKeys]) -> AppContext:
    def wrap(key: str, plain: httpx.AsyncBaseTransport) -> CreateKeys:
        wires[key] = CreateKeys(plain)
        return wires[key]

    return wrap_demo_transports(make_context(tmp_path / "app"), wrap)


async def test_the_create_sends_the_key_the_service_made(qtbot: Any, window: MainWindow, wires: dict[str, CreateKeys],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.session is not None
    service = window.session.service
    made: list[str] = []
    real = service.new_idempotency_key

    def noting() -> str:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(service, "new_idempotency_key", noting)
    dialog = await open_new(qtbot, window)
    type_value(qtbot, dialog.editors["given_name"], "Keyed")
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    assert len(made) == 1 and wires["square"].keys == made
