"""Test-wide setup: offscreen Qt, the production qasync loop for async tests, isolated dirs."""

from __future__ import annotations

import logging
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from collections.abc import Callable, Iterator
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest
import qasync  # binds to PySide6 through QT_API above
from hypothesis import settings
from PySide6.QtWidgets import QApplication

from console.ui.feature_checks import answer_without_sources

# The PostgreSQL server the team-mode tests share (started only by a test that asks for it).
from tests.postgres import pg_database, pg_server, pg_template, team_url  # noqa: F401

# As the app answers PySide6's check of each import (console/launch.py), so the tests run as it does.
answer_without_sources()

# In CI every run draws the same examples, so a failure there is reproduced by running the suite
# again; the blob printed with it replays the failing example anywhere.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")


class _TestLoop(qasync.QEventLoop):  # type: ignore[misc]
    """The app's qasync loop, whose close also kills the Qt timers of callbacks still pending and has
    Qt delete the loop's own Qt objects on the main thread.

    qasync leaves its timers running until they fire, and its Qt objects to Python's collector; a
    test's closed loop in a reference cycle may then be collected on another thread (a worker's
    allocation starts the collector), and Qt warns that timers cannot be stopped from another thread
    (failing whichever test runs then) or crashes destroying a socket notifier there."""

    def close(self) -> None:
        notifiers = [*self._read_notifiers.values(), *self._write_notifiers.values()]
        super().close()
        timer = self._timer
        pending = timer._SimpleTimer__callbacks
        for timer_id in list(pending):
            timer.killTimer(timer_id)
        pending.clear()
        for qt_object in (*notifiers, timer, self._QEventLoop__call_soon_signaller):
            qt_object.deleteLater()   # on this (the main) thread, at the next event processing


def _qasync_loop() -> Any:
    app = QApplication.instance() or QApplication(["customer-console-tests"])
    return _TestLoop(app)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--soak-ops", type=int, default=1000,
                     help="random operations per provider in the reliability soak (default 1000)")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (pyproject's addopts): a worker per core the process may use, at most 4; more would
    each start emulators and a PostgreSQL server for little gain on a suite of this size."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, cores))


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Callable[[], Any]]:
    """Every async test runs on the loop type the app runs on."""
    return {"qasync": _qasync_loop}


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keychain that lives in the test's memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.values:
            raise keyring.errors.PasswordDeleteError(username)
        del self.values[(service, username)]


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Nothing a test does touches the real user's settings, data, logs or keychain."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CUSTOMER_CONSOLE_NO_DIALOGS", "1")
    previous = keyring.get_keyring()
    fake = MemoryKeyring()
    keyring.set_keyring(fake)
    yield fake
    keyring.set_keyring(previous)


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, its handlers and level put back as they were after the test."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
