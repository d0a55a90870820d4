"""An emulator's state kept in one JSON file, written atomically on a background thread."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class StoreUnreadable(ValueError):
    """The state file exists but holds something we cannot load."""


# A save waits for the changes to pause this long (or at most MAX_DELAY after the first unsaved
# one), so a burst of writes (a bulk job, a soak) costs one file write, not one per request, and the
# app's own threads are not made to wait behind a dump and an fsync after every save.
QUIET = 0.25
MAX_DELAY = 2.0


class StateStore:
    """Saves snapshots to `path`; bursts of changes coalesce into one write, `flush()` writes at once
    and waits for it."""

    def __init__(self, path: Path, snapshot: Callable[[], dict[str, Any]], *, quiet: float = QUIET,
                 max_delay: float = MAX_DELAY) -> None:
        self.path = path
        self.quiet, self.max_delay = quiet, max_delay
        # Called on the writer thread; it takes the emulator's lock only long enough to copy references.
        self._snapshot = snapshot
        self._cond = threading.Condition()
        self._requested = 0
        self._written = 0
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None
        self._changed_at = 0.0      # when the last save was asked for
        self._urgent = False        # a flush() is waiting: no more waiting for a pause
        self.writes = 0

    def load(self) -> dict[str, Any] | None:
        """The saved document, or None when there is no file yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise StoreUnreadable(f"{self.path} is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise StoreUnreadable(f"{self.path} does not hold a JSON object")
        return data

    def move_aside(self) -> Path:
        """Rename an unreadable file so a fresh one can take its place (and nothing is lost)."""
        target = self.path.with_name(f"{self.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(self.path, target)
        return target

    def save_soon(self) -> None:
        """Ask for the current state to be written; returns at once."""
        with self._cond:
            self._requested += 1
            self._changed_at = time.monotonic()
            self._cond.notify_all()
            if self._writer is None:
                # The thread exits when idle, so an emulator nobody edits holds no thread.
                self._writer = threading.Thread(target=self._run, name=f"save {self.path.name}", daemon=True)
                self._writer.start()

    def flush(self, timeout: float | None = None) -> None:
        """Block until every requested save is on disk; raise if the last write failed."""
        with self._cond:
            self._urgent = True
            self._cond.notify_all()
            done = self._cond.wait_for(lambda: self._written >= self._requested, timeout)
            self._urgent = False
            error = self._error
        if not done:
            raise TimeoutError(f"saving {self.path} took longer than {timeout} s")
        if error is not None:
            raise OSError(f"could not save {self.path}: {error}") from error

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._written >= self._requested:
                    self._writer = None
                    self._cond.notify_all()
                    return
                self._wait_for_pause()
                target = self._requested
            error: BaseException | None = None
            try:
                self._write(self._snapshot())
            except Exception as exc:  # a full disk must not kill the app; flush() reports it
                log.exception("could not save emulator state to %s", self.path)
                error = exc
            with self._cond:
                self._written = target
                self._error = error
                self._cond.notify_all()

    def _wait_for_pause(self) -> None:
        """With the lock held: until the changes pause, the longest wait passes, or a flush asks."""
        deadline = time.monotonic() + self.max_delay
        while not self._urgent:
            now = time.monotonic()
            wait = min(self._changed_at + self.quiet, deadline) - now
            if wait <= 0:
                return
            self._cond.wait(wait)

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Same directory as the target, so os.replace is an atomic rename on one file system.
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            # dumps, not dump: dump's encoder is a Python loop over chunks that holds the GIL for whole
            # switch intervals, stalling the app's threads (a journal write waited 5 ms behind it).
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.writes += 1
