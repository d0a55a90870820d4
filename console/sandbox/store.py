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


IDLE_SECONDS = 5.0   # the writer thread ends after this long without a change


class StateStore:
    """Saves snapshots to `path`; bursts of changes coalesce into one write, `flush()` waits for it,
    and `when_saved` calls back once a given change is on disk (an emulator answers a write then)."""

    def __init__(self, path: Path, snapshot: Callable[[], dict[str, Any]]) -> None:
        self.path = path
        # Called on the writer thread; it takes the emulator's lock only long enough to copy references.
        self._snapshot = snapshot
        self._cond = threading.Condition()
        self._requested = 0
        self._written = 0
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None
        self._waiting: list[tuple[int, Callable[[], None]]] = []   # (change number, call when saved)
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

    @property
    def requested(self) -> int:
        """The number of the last change asked to be saved (0: none yet)."""
        return self._requested

    def when_saved(self, number: int, callback: Callable[[], None]) -> None:
        """Call `callback` (on the writer's thread, or here if already so) once change `number` is saved,
        or its save has failed (which `flush()` reports)."""
        with self._cond:
            if self._written < number:
                self._waiting.append((number, callback))
                return
        callback()

    def save_soon(self) -> None:
        """Ask for the current state to be written; returns at once."""
        with self._cond:
            self._requested += 1
            self._cond.notify_all()   # the writer, idle
            if self._writer is None:
                # The thread exits when idle, so an emulator nobody edits holds no thread.
                self._writer = threading.Thread(target=self._run, name=f"save {self.path.name}", daemon=True)
                self._writer.start()

    def flush(self, timeout: float | None = None) -> None:
        """Block until every requested save is on disk; raise if the last write failed."""
        with self._cond:
            done = self._cond.wait_for(lambda: self._written >= self._requested, timeout)
            error = self._error
        if not done:
            raise TimeoutError(f"saving {self.path} took longer than {timeout} s")
        if error is not None:
            raise OSError(f"could not save {self.path}: {error}") from error

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._written >= self._requested:
                    self._cond.notify_all()
                    # Kept a while for the next change: starting a thread per save cost the app's
                    # thread a wait of its own on a busy machine.
                    self._cond.wait_for(lambda: self._written < self._requested, IDLE_SECONDS)
                    if self._written >= self._requested:
                        self._writer = None
                        return
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
                due = [callback for number, callback in self._waiting if number <= target]
                self._waiting = [(number, callback) for number, callback in self._waiting if number > target]
            for callback in due:
                try:
                    callback()
                except Exception:   # a waiter gone (its event loop closed) must not stop the saving
                    log.debug("a save's waiter could not be told", exc_info=True)

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
