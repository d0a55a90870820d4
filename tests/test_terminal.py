"""The Windows build's command-line tools write to the terminal they were started from."""

from __future__ import annotations

import io
import sys

import pytest

from console.terminal import ATTACH_PARENT_PROCESS, attach_parent_console


class _Kernel32:
    def __init__(self, attaches: bool) -> None:
        self.attaches = attaches
        self.asked: list[int] = []

    def AttachConsole(self, process: int) -> int:
        self.asked.append(process)
        return 1 if self.attaches else 0


def test_without_a_console_on_windows_the_parents_console_takes_the_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    kernel32, opened = _Kernel32(attaches=True), []

    def opener(name: str, mode: str) -> io.StringIO:
        opened.append((name, mode))
        return io.StringIO()

    assert attach_parent_console(platform="win32", kernel32=lambda: kernel32, opener=opener)
    assert kernel32.asked == [ATTACH_PARENT_PROCESS]
    assert opened == [("CONOUT$", "w"), ("CONOUT$", "w")]
    assert isinstance(sys.stdout, io.StringIO) and isinstance(sys.stderr, io.StringIO)


def test_started_from_explorer_or_elsewhere_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert not attach_parent_console(platform="win32", kernel32=lambda: _Kernel32(attaches=False))
    assert sys.stdout is None
    assert not attach_parent_console(platform="linux", kernel32=lambda: _Kernel32(attaches=True))
    assert sys.stdout is None
