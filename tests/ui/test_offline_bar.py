"""When the provider cannot be reached, the rows kept locally stay shown, read-only, under the offline
bar; the refresh is retried with backoff, and once the provider answers the bar goes and writes return."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QMessageBox

from console.domain import errors as e
from console.services.accounts import DEMO_PREFIX
from console.services.context import AppContext
from console.ui.main_window import MainWindow
from console.ui.offline_bar import RETRY_DELAYS, TASK, next_delay
from tests.support.qt import answer, signal, until
from tests.support.window import type_value
from tests.ui.conftest import FAST_RETRIES, wrap_demo_transports
from tests.ui.test_warm_start import CUSTOMERS, _context, _first_start


class Unreachable(httpx.AsyncBaseTransport):
    """The test hook for a stopped emulator: every request fails to connect until `back` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.back = False
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.back:
            self.refused += 1
            raise httpx.ConnectError("the emulator is stopped", request=request)
        return await self.inner.handle_async_request(request)


async def _offline_window(qtbot: Any, root: Path, delays: tuple[float, ...],
                          stop: tuple[str, ...] = ("square",)) -> tuple[MainWindow, AppContext, Unreachable]:
    """A second start (Square's local copy is there) with the emulators in `stop` unreachable, once the bar shows."""
    await _first_start(qtbot, root)
    context = _context(root)
    stopped: dict[str, Unreachable] = {}
    wrap_demo_transports(context, lambda key, inner: stopped.setdefault(key, Unreachable(inner))
                         if key in stop else inner)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.offline.retry_delays = delays

    def fast_retries(_account_id: str) -> None:   # the HTTP core's own retries, before the bar's
        window.session.provider.http.policy = FAST_RETRIES  # type: ignore[union-attr]

    window.account_opened.connect(fast_retries)
    failed = signal(window.load_finished, timeout=20)
    window.show()
    (outcome,) = await failed
    assert isinstance(outcome, e.UnavailableError)
    return window, context, stopped["square"]


async def test_an_unreachable_provider_shows_the_bar_writes_off_and_it_recovers_by_itself(
        qtbot: Any, tmp_path: Path) -> None:
    window, context, square = await _offline_window(qtbot, tmp_path / "app", delays=(0.01,))
    bar, model = window.offline, window.model
    assert bar.isVisible() and bar.offline
    assert bar.text.text().startswith("Offline — data as of ")
    assert model.rowCount() == CUSTOMERS            # the local copy stays shown

    # Writes are off, each saying why; Edit opens the dialog to read and type into, but not to save.
    window.table.selectionModel().select(model.index(3, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                         | QItemSelectionModel.SelectionFlag.Rows)
    for action in (window.new_action, window.delete_action):
        assert not action.isEnabled() and "Offline" in action.toolTip() and "cannot be reached" in action.toolTip()
    assert window.edit_action.isEnabled()
    window.edit_action.trigger()
    dialog = window.editing.dialogs[0]
    assert not dialog.save_button.isEnabled() and "Offline" in dialog.save_button.toolTip()
    type_value(qtbot, dialog.editors["note"], "Call back when the line is up")
    drafts = context.drafts
    assert drafts is not None
    await until(lambda: any(d.values.get("note") for _k, d in drafts.pending()), what="the draft")   # drafts work
    dialog.save()                                   # Ctrl+S does no more than the button
    assert "Offline" in dialog.state.text() and dialog.isVisible()

    # Retries come by themselves while the provider stays away…
    refused = square.refused
    await until(lambda: square.refused > refused, what="an automatic retry")
    assert bar.isVisible() and window.session is not None
    if os.environ.get("OFFLINE_SCREENSHOT"):
        window.grab().save(os.environ["OFFLINE_SCREENSHOT"])

    # …and once it is back the bar goes and writes return, in the open dialog too.
    online = signal(bar.changed, timeout=20)
    square.back = True
    assert await online == (False,)
    assert not bar.isVisible() and not window.tasks.running(TASK)
    assert window.new_action.isEnabled() and window.delete_action.isEnabled()
    assert "Offline" not in window.new_action.toolTip()
    assert dialog.save_button.isEnabled() and "Offline" not in dialog.save_button.toolTip()
    dialog.reject()
    await window.shutdown()
    await context.workspace.close()


async def test_retry_now_and_switching_account_end_the_wait(qtbot: Any, tmp_path: Path) -> None:
    window, context, square = await _offline_window(qtbot, tmp_path / "app", delays=RETRY_DELAYS,
                                                    stop=("square", "clover"))
    bar = window.offline
    assert "; retrying at " in bar.text.text()      # the first wait is seconds long: the time is shown
    assert window.tasks.running(TASK)

    online = signal(bar.changed, timeout=20)
    square.back = True
    bar.retry_button.click()
    assert await online == (False,)
    assert window.new_action.isEnabled()

    square.back = False                             # down again: Refresh finds it so, the wait begins…
    offline = signal(bar.changed, timeout=20)
    window.refresh_action.trigger()
    assert await offline == (True,)
    assert window.tasks.running(TASK)
    # …and another account ends it. Clover is down too, with nothing kept: no rows, so no bar, but a box.
    failed = signal(window.load_finished, timeout=20)
    window.account_combo.setCurrentIndex(window.account_combo.findData(DEMO_PREFIX + "clover"))
    (outcome,) = await failed
    assert isinstance(outcome, e.UnavailableError)
    assert "Could not reach" in await answer(QMessageBox.StandardButton.Ok, "errorBox")
    assert window.session is not None and window.session.account.id == DEMO_PREFIX + "clover"
    assert not bar.isVisible() and not bar.offline and not window.tasks.running(TASK)
    await window.shutdown()
    await context.workspace.close()


@pytest.mark.parametrize(("delays", "failures", "expected"), [((5.0, 15.0), 1, 5.0), ((5.0, 15.0), 2, 15.0),
                                                          ((5.0, 15.0), 7, 15.0)])
def test_the_backoff_steps_then_repeats_its_last_delay(delays: tuple[float, ...], failures: int,
                                                       expected: float) -> None:
    assert next_delay(delays, failures) == expected
