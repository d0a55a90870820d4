"""Fixtures for UI tests: a real main window in demo mode over isolated directories."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from console.providers.http import RetryPolicy
from console.sandbox.registry import emulator_keys
from console.services.accounts import DEMO_PREFIX
from console.services.context import AppContext
from console.services.demo import DemoSandbox
from console.services.paths import AppPaths
from console.services.secrets import KeyringSecrets
from console.services.settings import SettingsStore
from console.ui.custom_field_loading import TASK as CUSTOM_VALUES
from console.ui.main_window import MainWindow
from tests.support.qt import signal, until

FAST_RETRIES = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=0.02)


@pytest.fixture(autouse=True)
def no_keys_held_after() -> Iterator[None]:
    """No modifier key left held for the next test: Qt keeps the modifiers of the last key event it took in, and a
    release that never reached it (sent to a widget a dialog had blocked, say) left Shift held after the Find
    duplicates tests, which made a later `selectRow` extend a selection instead of making one."""
    yield
    if QApplication.instance() is not None and QApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        widget = QWidget()
        for key in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
            QTest.keyRelease(widget, key)
        widget.deleteLater()


def make_context(root: Path, *, customers: int = 120, latency_ms: float = 0.0) -> AppContext:
    """An app context under `root` whose demo accounts each hold `customers` customers."""
    paths = AppPaths.resolve(root)
    store = SettingsStore(paths.settings_file)
    return AppContext(paths=paths, store=store, settings=store.load().settings, secrets=KeyringSecrets(),
                      demo=DemoSandbox(paths.demo_dir, latency_ms=latency_ms,
                                       customers=dict.fromkeys(emulator_keys(), customers)))


async def window_with_journal(qtbot: Any, root: Path, customers: int = 20) -> MainWindow:
    """The window on the Square demo with a workspace (so the journal and jobs are kept), loaded."""
    return await journaled_window(qtbot, make_context(root, customers=customers))


async def journaled_window(qtbot: Any, context: AppContext) -> MainWindow:
    """The window on `context` with its workspace started (journal and jobs kept), shown and loaded."""
    context.workspace.start()
    window = MainWindow(context)
    qtbot.addWidget(window)
    loaded = signal(window.load_finished, timeout=20)
    window.show()
    await loaded
    return window


async def custom_values_read(window: MainWindow) -> None:
    """Wait for the read of the loaded customers' custom field values that follows a load (Square), so a
    test starts from a quiet window."""
    await until(lambda: not window.tasks.running(CUSTOM_VALUES), timeout=30, what="custom field values")


async def open_demo(window: MainWindow, provider: str) -> None:
    """Choose a provider's demo account in the account selector and wait until it has loaded."""
    index = window.account_combo.findData(DEMO_PREFIX + provider)
    assert index >= 0, f"no demo account for {provider}"
    if window.session is not None and window.session.account.id == DEMO_PREFIX + provider:
        return
    loaded = signal(window.load_finished, timeout=30)
    window.account_combo.setCurrentIndex(index)
    await loaded
    await custom_values_read(window)
    assert window.session is not None and window.session.account.id == DEMO_PREFIX + provider
    window.session.provider.http.policy = FAST_RETRIES  # type: ignore[attr-defined]


def wrap_demo_transports(context: AppContext, wrap: Callable[[str, httpx.AsyncBaseTransport],
                                                              httpx.AsyncBaseTransport]) -> AppContext:
    """`context` with each demo account's transport passed through `wrap(provider, transport)`."""
    plain = context.demo.transport

    def wrapped(key: str) -> httpx.AsyncBaseTransport:
        return wrap(key, plain(key))

    context.demo.transport = wrapped  # type: ignore[method-assign]
    return context


@pytest.fixture
def context(tmp_path: Path) -> AppContext:
    return make_context(tmp_path / "app")


@pytest.fixture
async def window(qtbot: Any, context: AppContext) -> AsyncIterator[MainWindow]:
    """The main window with the Square demo account open and fully loaded."""
    win = MainWindow(context)
    qtbot.addWidget(win)
    loaded = signal(win.load_finished, timeout=20)
    win.show()
    await loaded
    await custom_values_read(win)
    # Tests that provoke server failures should not wait through production backoff.
    assert win.session is not None
    win.session.provider.http.policy = FAST_RETRIES  # type: ignore[attr-defined]
    yield win
    await win.shutdown()


class OtherClient:
    """Another user of the same Square account, talking to the emulator over its own client."""

    def __init__(self, context: AppContext) -> None:
        emulator = context.demo.emulator("square")
        token = emulator.connection_info(emulator.base_url)["token"]
        self.http = httpx.Client(transport=emulator.sync_transport(), base_url=emulator.base_url,
                                 headers={"Authorization": f"Bearer {token}"})

    def get(self, customer_id: str) -> dict[str, Any]:
        return self.http.get(f"/v2/customers/{customer_id}").raise_for_status().json()["customer"]

    def update(self, customer_id: str, **fields: Any) -> dict[str, Any]:
        return self.http.put(f"/v2/customers/{customer_id}", json=fields).raise_for_status().json()["customer"]

    def create(self, **fields: Any) -> dict[str, Any]:
        return self.http.post("/v2/customers", json=fields).raise_for_status().json()["customer"]


@pytest.fixture
def other(context: AppContext) -> OtherClient:
    return OtherClient(context)
