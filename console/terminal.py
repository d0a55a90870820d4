"""Output for the command-line tools (find-duplicates, export, import) in the Windows build, which is a
GUI program: Windows gives it no console, so its prints would go nowhere. It writes to the console
of the terminal it was started from instead."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, Any

ATTACH_PARENT_PROCESS = -1


def _kernel32() -> Any:
    import ctypes

    return ctypes.windll.kernel32  # type: ignore[attr-defined]


def attach_parent_console(*, platform: str = sys.platform, kernel32: Callable[[], Any] = _kernel32,
                          opener: Callable[[str, str], IO[str]] | None = None) -> bool:
    """On Windows without a console, take the starting terminal's for stdout and stderr; True if done."""
    if platform != "win32" or (sys.stdout is not None and sys.stderr is not None):
        return False
    if not kernel32().AttachConsole(ATTACH_PARENT_PROCESS):
        return False   # started from Explorer: there is no terminal to write to
    open_ = opener or (lambda name, mode: open(name, mode, encoding="utf-8", errors="replace"))  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = open_("CONOUT$", "w")
    if sys.stderr is None:
        sys.stderr = open_("CONOUT$", "w")
    return True
