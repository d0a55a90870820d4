"""The window's progress bars paint a new value with the next frame: Qt's own `setValue` paints at once,
and that flushes every region of the window waiting to be painted (a page of rows just added, P6)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QProgressBar

from console.ui.progress_bar import ProgressBar
from tests.support.qt import Paints


def _shown(qtbot: Any, bar: QProgressBar) -> Paints:
    qtbot.addWidget(bar)
    bar.setRange(0, 100)
    bar.setTextVisible(True)
    paints = Paints()
    bar.installEventFilter(paints)
    bar.show()
    qtbot.waitExposed(bar)
    qtbot.waitUntil(lambda: paints.count > 0)
    return paints


def test_qts_own_bar_paints_inside_set_value(qtbot: Any) -> None:
    bar = QProgressBar()
    paints = _shown(qtbot, bar)
    before = paints.count
    bar.setValue(40)
    assert paints.count > before   # what ProgressBar avoids: the test below would catch it coming back


def test_a_new_value_is_painted_with_the_next_frame(qtbot: Any) -> None:
    bar = ProgressBar()
    paints = _shown(qtbot, bar)
    before = paints.count
    bar.setValue(40)
    assert paints.count == before
    assert bar.value() == 40
    qtbot.waitUntil(lambda: paints.count > before)
    assert bar.text() == "40%"
