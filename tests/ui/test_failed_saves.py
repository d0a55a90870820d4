"""Every provider: a save that fails keeps the dialog, its data and an actionable error; a create
whose answer was lost is made exactly once when the user presses Save again; and a colleague's
change made meanwhile is shown beside mine rather than overwritten."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from console.domain.changes import CustomerChanges
from console.domain.validation import check_values
from console.sandbox.faults import FaultPlan
from console.sandbox.registry import emulator_keys
from console.services.accounts import open_session
from console.ui.main_window import MainWindow
from tests.providers.test_conformance import CASES
from tests.support.qt import signal
from tests.support.window import open_edit_of_row, open_new, type_value
from tests.ui.conftest import open_demo

KEYS = [key for key in emulator_keys() if key in CASES]


def _text_update(key: str) -> tuple[str, str]:
    field, value = next((k, v) for k, v in CASES[key].update.items() if isinstance(v, str))
    return field, value


def _another_value(window: MainWindow, field: str, value: str) -> str:
    """A different value the provider accepts for `field`."""
    assert window.session is not None
    caps = window.session.service.capabilities
    for candidate in (f"{value} mine", f"Mine {value}", f"{value[:-2]}xy"):
        if candidate != value and not check_values(caps, {field: candidate}, creating=False):
            return candidate
    raise AssertionError(f"no second valid value for {field}")


@pytest.mark.parametrize("key", KEYS)
async def test_a_failed_edit_stays_in_the_dialog_until_it_is_saved(qtbot: Any, window: MainWindow, key: str) -> None:
    await open_demo(window, key)
    emulator = window.context.demo.emulator(key)
    dialog = await open_edit_of_row(qtbot, window, 3)
    original = dialog.original
    assert original is not None
    field, value = _text_update(key)
    type_value(qtbot, dialog.editors[field], value)
    emulator.fail_next("503", count=20)
    failed = signal(dialog.save_failed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (error,) = await failed
    assert error.retryable
    assert dialog.isVisible()
    assert dialog.banner.isVisible()
    assert dialog.banner_text.text().strip()
    assert dialog.editors[field].value() == value
    emulator.faults = FaultPlan()
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    assert window.session is not None
    assert (await window.session.provider.get(original.id)).value(field) == value


@pytest.mark.parametrize("key", KEYS)
async def test_a_create_whose_answer_was_lost_is_made_once(qtbot: Any, window: MainWindow, key: str) -> None:
    await open_demo(window, key)
    emulator = window.context.demo.emulator(key)
    case = CASES[key]
    dialog = await open_new(qtbot, window)
    for field, value in case.create.items():
        type_value(qtbot, dialog.editors[field], value)
    # The create lands but its answer is lost; everything after fails until the user tries again.
    emulator.fail_next("timeout", applied_first=True)
    emulator.fail_next("503", count=20)
    failed = signal(dialog.save_failed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await failed
    assert dialog.isVisible()
    assert all(dialog.editors[f].value() == v for f, v in case.create.items())
    emulator.faults = FaultPlan()
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (created,) = await saved
    session = window.session
    assert session is not None
    await session.service.load()
    same = [c for c in session.service.index if c.value("email") == case.create["email"]]
    assert [c.id for c in same] == [created.id]


@pytest.mark.parametrize("key", KEYS)
async def test_a_colleagues_change_is_shown_beside_mine(qtbot: Any, window: MainWindow, key: str) -> None:
    await open_demo(window, key)
    session = window.session
    assert session is not None
    dialog = await open_edit_of_row(qtbot, window, 4)
    original = dialog.original
    assert original is not None
    field, theirs = _text_update(key)
    mine = _another_value(window, field, theirs)
    # A colleague saves their value from another copy of the app after my dialog opened.
    colleague = await open_session(session.account, secrets=window.context.secrets, demo=window.context.demo)
    try:
        await colleague.provider.update(original, CustomerChanges(values={field: theirs}))
    finally:
        await colleague.aclose()
    type_value(qtbot, dialog.editors[field], mine)
    failed = signal(dialog.save_failed)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await failed
    assert "Someone else changed" in dialog.banner_text.text()
    qtbot.mouseClick(dialog.banner_action, Qt.MouseButton.LeftButton)
    # Both values on screen: mine in the field, theirs beside it, one click away.
    assert dialog.editors[field].value() == mine
    assert theirs in dialog.editors[field].message.text()
    saved = signal(dialog.saved)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    await saved
    assert (await session.provider.get(original.id)).value(field) == mine
