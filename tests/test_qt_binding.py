"""The pinned Qt binding keeps Python's reference counts straight where the app leans on it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal(object)


def test_emitting_a_signal_leaves_the_singletons_reference_counts_alone() -> None:
    # PySide6 6.12.0 dropped a reference to True on every emit; on Python 3.11 the process then
    # aborts ("deallocating True or False", or None at exit) after a long session.
    emitter = _Emitter()
    received: list[int] = []
    emitter.changed.connect(lambda value: received.append(1))
    before = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    results = [emitter.changed.emit(None) for _ in range(200)]
    del results
    after = (sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None))
    assert len(received) == 200
    assert after == before
