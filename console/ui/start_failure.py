"""Saying why the app could not start, when there may be no window to say it in.

Written to stderr (a terminal, if any), to the log file, and, on Windows and macOS where the app
is started without a terminal, in the system's own message box, since Qt's may be what failed.
Standard library only: this runs when Qt, or anything after it, did not come up.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from console.services.paths import AppPaths


def failure_text(reason: str, paths: AppPaths) -> str:
    return (f"Customer Console could not start: {reason}\n"
            f"The details are in the log file: {paths.log_file}")


def _native_box(text: str) -> None:
    if os.environ.get("CUSTOMER_CONSOLE_NO_DIALOGS"):
        return
    try:
        if sys.platform == "win32":
            import ctypes

            ctypes.windll.user32.MessageBoxW(None, text, "Customer Console", 0x10)  # MB_ICONERROR
        elif sys.platform == "darwin":
            script = f'display alert "Customer Console could not start" message {text!r} as critical'
            subprocess.run(["osascript", "-e", script.replace("'", '"')], check=False, timeout=600,
                           capture_output=True)
    except Exception:  # nothing more can be shown; stderr and the log have it
        pass


def report_start_failure(reason: str, paths: AppPaths, *, details: BaseException | None = None) -> None:
    """Tell the user, by every means left, that the app failed before its window could show it."""
    from console.services.redaction import REDACTOR

    reason = REDACTOR.redact(reason)
    text = failure_text(reason, paths)
    if sys.stderr is not None:  # no stderr under pythonw / a windowed build
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    log = logging.getLogger("console")
    root = logging.getLogger()
    if not any(isinstance(h, logging.FileHandler) for h in root.handlers):
        from console.app import setup_logging

        setup_logging(paths)  # also writes what was logged before, held in memory until now
    log.critical("could not start: %s", reason, exc_info=details)
    for handler in root.handlers:
        handler.flush()
    _native_box(text)
