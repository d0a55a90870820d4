"""Unsaved edit-dialog contents kept on disk, so a crash or a killed process loses nothing."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from console.domain.card_numbers import mask_card_numbers_in
from console.domain.gc_pause import gc_paused
from console.services.atomic_file import write_atomic

log = logging.getLogger(__name__)
# Drafts are written and deleted here, one at a time, in the order asked (see DraftStore).
_writer: ThreadPoolExecutor | None = None
_writer_made = threading.Lock()


class Draft(BaseModel):
    """What a dialog held: the values typed, and the values it had opened with."""

    model_config = ConfigDict(extra="forbid", defer_build=True)   # built at first use (P1b)

    account_id: str
    account_name: str
    customer_id: str | None = None          # None: a customer that was being created
    customer_name: str = ""
    # Empty defaults are copied for each draft (services/settings.py says why they are not factories).
    values: dict[str, Any] = {}
    base_values: dict[str, Any] = {}
    item_changes: list[dict[str, Any]] = []   # ItemPlan.to_json(): addresses...
    saved_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class DraftStore:
    """One JSON file per open dialog under the data directory.

    Written on a thread of its own, in the order asked: a draft is written through to the disk (fsync),
    which waits for whatever else the disk has to write first, and the window must not (a refresh saving
    pages beside it made such a wait 150 ms). Reading the drafts waits for the writes asked before."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._last: Future[None] | None = None   # the last write or deletion asked of this store

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def save(self, key: str, draft: Draft) -> None:
        """Write (or replace) a draft, soon; failures are logged, never raised into the typing user's face."""
        # A card number pasted into a field is refused on Save, but must not reach the disk meanwhile.
        draft = draft.model_copy(update={"values": mask_card_numbers_in(draft.values),
                                         "base_values": mask_card_numbers_in(draft.base_values),
                                         "item_changes": mask_card_numbers_in(draft.item_changes)})
        self._queue(self._write, self._path(key), draft.model_dump_json())

    def discard(self, key: str) -> None:
        """Delete a draft, after any write of it asked before."""
        self._queue(self._delete, self._path(key))

    def flush(self) -> None:
        """Wait until every write and deletion asked so far is done."""
        last = self._last
        if last is not None:
            last.result()

    def discard_account(self, account_id: str) -> list[Path]:
        """Delete every draft of one account (it was removed); returns the files deleted."""
        deleted = []
        for key, draft in self.pending():
            if draft.account_id == account_id:
                self.discard(key)
                deleted.append(self._path(key))
        self.flush()
        return deleted

    def _queue(self, work: Callable[..., None], *args: Any) -> None:
        global _writer
        with _writer_made:
            if _writer is None:   # one thread for every store: the first draft makes it
                _writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="console-drafts")
        self._last = _writer.submit(_paused, work, *args)

    @staticmethod
    def _write(path: Path, text: str) -> None:
        try:
            write_atomic(path, text)
        except OSError as exc:
            log.warning("could not save a draft: %s", exc.strerror or exc)

    @staticmethod
    def _delete(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)

    def pending(self) -> list[tuple[str, Draft]]:
        """Drafts left behind, oldest first; unreadable files are set aside, not deleted."""
        self.flush()
        if not self.directory.is_dir():
            return []
        found: list[tuple[str, Draft]] = []
        for path in sorted(self.directory.glob("*.json")):
            try:
                found.append((path.stem, Draft.model_validate_json(path.read_text(encoding="utf-8"))))
            except (OSError, ValueError, ValidationError) as exc:
                log.warning("unreadable draft %s: %s", path.name, type(exc).__name__)
                with contextlib.suppress(OSError):
                    os.replace(path, path.with_suffix(".unreadable"))
        return sorted(found, key=lambda item: item[1].saved_at)


def _paused(work: Callable[..., None], *args: Any) -> None:
    with gc_paused():   # no collection off the GUI thread (console/domain/gc_pause.py)
        work(*args)
