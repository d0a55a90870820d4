"""An account's local copy read on a thread of its own, straight through the driver (store/raw_read.py).

The workspace's one worker thread reads through SQLAlchemy, one account after another. This reader
needs neither: it starts as soon as the file and key are known (at a warm start, while the app is
still importing: `warm_start.py`), and All accounts runs one per account, their decryption side by
side (the driver releases Python's lock for it). Batches are split into columns on the thread
(kept_columns.py) and handed to the event loop, which adds them to the index.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.services.busy_worker import busy_worker
from console.services.row_format import FIELD

if TYPE_CHECKING:
    from console.domain.customer import Customer
    from console.services.kept_columns import KeptColumns
    from console.services.kept_documents import KeptDocuments
    from console.services.stored_rows import StoredRow

log = logging.getLogger(__name__)
# Logged once a reader has read its copy (P8 and P9 in benchmarks/run.py print it).
LOCAL_COPY_READ = "local copy of %s read: %d customers, %.2f s of the reading thread's CPU"
# Logged by a keys-first read once it has read every row's keys (its documents follow).
LOCAL_COPY_KEYS_READ = "keys of the local copy of %s read: %d customers, %.2f s of the reading thread's CPU"
# Readers reading keys (a keys-first read): the documents wait until every reader has read its keys, so
# All accounts' five copies are all searchable before any reads its documents (P8a).
_keys_reading = 0
_keys_read = threading.Condition()
# The first batch is small, so the window paints its first rows at once (and fits its columns to
# them: a few milliseconds for a screenful, 0.15 s for 2,000); the others large, as each is one repaint.
FIRST_BATCH = 500
BATCH = 10_000
AHEAD = 2
# How long a keys-first read waits for its keys to be taken before it stops (a start's reader that no
# account took, and that was not discarded, would hold its read transaction for the whole session).
UNTAKEN_S = 120.0


@dataclass(frozen=True, slots=True)
class Kept:
    """What the workspace holds of the account: its provider (None: nothing at all) and the end of its
    last complete refresh."""

    provider: str | None
    data_as_of: datetime | None


@dataclass(frozen=True, slots=True)
class Unsplit:
    """A batch read without the index's tag: split with the tag its first value carries (`columns`, None
    where that did not serve), for the event loop to use if it is the index's, else to split again."""

    documents: list[str]
    kept: list[str | None]
    columns: KeptColumns | None


@dataclass(frozen=True, slots=True)
class Documents:
    """The documents of the oldest batch handed over as keys alone (`KeptColumns.documents` None), by customer
    id: a keys-first read hands every batch's keys over first, then their documents batch by batch."""

    documents: dict[str, str]


class KeysRead:
    """Put once a keys-first read has handed over every row (the documents follow): all are searchable."""


class _Done:
    """Put after the last batch; `error` is why the reading stopped early, if it did."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class CopyReader:
    """Reads one account's kept rows on its own thread; `batches()` hands them to the event loop."""

    def __init__(self, path: Path, key: str | Callable[[], str | None], account_id: str,
                 keys_tag: str | None, ahead: int | None = AHEAD) -> None:
        self.path, self.account_id = path, account_id
        # None: batches come `Unsplit`. A warm start's reader begins while the app is importing, and
        # imports nothing of the domain meanwhile (two threads importing one package can deadlock).
        self.keys_tag = keys_tag
        self._lock = threading.Lock()
        self._waiting: list[Any] = []   # items put before the event loop asked for them
        self._deliver: Callable[[Any], None] | None = None
        self._stop = threading.Event()
        self._key_found: str | None = None
        self._keys_taken = threading.Event()   # the event loop has taken every batch of keys
        # Batches read ahead of those the event loop has taken (None: no limit, for a start's reader,
        # whose reading beside the app's imports brought the copy searchable sooner: P9, measured).
        # Five readers unchecked (All accounts) held far more memory.
        self._room = None if ahead is None else threading.Semaphore(ahead)
        self._thread = threading.Thread(target=self._run, args=(key,), name="console-copy-reader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Read no further (the thread ends at its next batch)."""
        self._stop.set()

    def _put(self, item: Any) -> None:
        with self._lock:
            if self._deliver is None:
                self._waiting.append(item)
            else:
                self._deliver(item)

    def _run(self, key: str | Callable[[], str | None]) -> None:
        try:
            # No collection off the GUI thread, and Python's lock taken back sooner: the reader takes it
            # after every page it decrypts, and would wait 5 ms each time while the app imports.
            # What is made meanwhile lives on: the rows handed over and, at a warm start, the app's modules
            # imported beside the reader (100,000 objects, walked twice after the pause: 50-100 ms each, P9).
            with busy_worker(keep=True):
                self._read(key)
        except BaseException as exc:   # handed over: the reader's caller decides what it means
            self._put(_Done(exc))
        else:
            self._put(_Done())

    def _read(self, key: str | Callable[[], str | None]) -> None:
        from console.store.raw_read import account_state, kept_rows, open_reader, ordered

        found = self._key_found = key() if callable(key) else key
        connection = None if found is None else open_reader(self.path, found)
        if connection is None:
            return   # not for this reader: the workspace's own read serves
        try:
            state = account_state(connection, self.account_id)
            self._put(Kept(None, None) if state is None else Kept(*state))
            if state is None:
                return
            started, count, tag = time.thread_time(), 0, self.keys_tag or ""
            if ordered(connection, self.account_id):
                read = self._read_keys_first(connection)
                if read is not None:
                    log.info(LOCAL_COPY_READ, self.account_id, read, time.thread_time() - started)
                return
            for documents, kept in kept_rows(connection, self.account_id, FIRST_BATCH, BATCH):
                if not self._wait_for_room():
                    return
                tag = tag or _tag_of(kept)
                self._put(self._whole(tag, documents, kept))
                count += len(documents)
            log.info(LOCAL_COPY_READ, self.account_id, count, time.thread_time() - started)
        finally:
            connection.close()

    def _wait_for_room(self) -> bool:
        """False once the reading is to stop."""
        while self._room is not None and not self._room.acquire(timeout=0.1):
            if self._stop.is_set():
                return False
        return not self._stop.is_set()

    def documents(self) -> KeptDocuments | None:
        """Reads the copy's documents by customer id, with the key this reader opened it with (None before
        it has, or if it could not)."""
        from console.services.kept_documents import KeptDocuments

        found = self._key_found
        return None if found is None else KeptDocuments(self.path, found, self.account_id)

    def _read_keys_first(self, connection: Any) -> int | None:
        """The first batch whole, then every other batch's keys (searchable at once), then their documents.
        Returns the rows read; None when stopped early."""
        from console.store.raw_read import documents_after

        global _keys_reading
        keys_only: list[tuple[int, int]] = []   # (after, count) of each batch handed over as keys alone
        with _keys_read:
            _keys_reading += 1
        try:
            started = time.thread_time()
            count = self._read_keys(connection, keys_only)
            log.info(LOCAL_COPY_KEYS_READ, self.account_id, count, time.thread_time() - started)
        finally:
            with _keys_read:
                _keys_reading -= 1
                _keys_read.notify_all()
        if self._stop.is_set() or not self._wait_for_room():
            return None
        self._put(KeysRead())
        # The documents wait until the event loop has taken every batch of keys (at a warm start it is still
        # importing and building the window meanwhile: Python runs one thread at a time), and until every
        # other reader has read its keys.
        given_up = time.monotonic() + UNTAKEN_S
        while not self._keys_taken.wait(0.1):
            if self._stop.is_set() or time.monotonic() > given_up:
                return None   # a start's reader nobody took: its read transaction is not held on
        with _keys_read:
            while _keys_reading and not self._stop.is_set():
                _keys_read.wait(0.1)
        for after, size in keys_only:
            if not self._wait_for_room():
                return None
            self._put(Documents(documents_after(connection, self.account_id, after, size)))
        return None if self._stop.is_set() else count

    def _read_keys(self, connection: Any, keys_only: list[tuple[int, int]]) -> int:
        """The first batch whole, then the others' keys alone where they serve (noted in `keys_only`), made
        by the index's setup (`keys_tag`; None: the one the first batch's first value carries)."""
        from console.services.kept_columns import joined_columns
        from console.store.raw_read import JOINED_SEPARATOR, keys_after, rows_after

        after, count, tag = -1, 0, self.keys_tag or ""
        while True:
            if after < 0:
                whole = rows_after(connection, self.account_id, after, FIRST_BATCH)
                if whole is None or not self._wait_for_room():
                    break
                tag = tag or _tag_of(whole[1])
                self._put(self._whole(tag, whole[0], whole[1]))
                after, read = whole[2], len(whole[0])
                count += read
                continue
            keys = keys_after(connection, self.account_id, after, BATCH)
            if keys is None or not self._wait_for_room():
                break
            joined, read, last = keys
            columns = joined_columns(tag, joined, read, JOINED_SEPARATOR) if tag else None
            if columns is not None:
                self._put(columns)
                keys_only.append((after, read))
            else:   # keys not all this index's: the batch read whole (the same rows, in the same transaction)
                whole = rows_after(connection, self.account_id, after, read)
                assert whole is not None
                self._put(self._whole(tag, whole[0], whole[1]))
            after, count = last, count + read
        return count

    def _whole(self, tag: str, documents: list[str], kept: list[str | None]) -> Any:
        """A batch read whole: split for the index, or `Unsplit` for a start's reader (see `keys_tag`)."""
        if self.keys_tag is not None:
            return _split(self.keys_tag, documents, kept)
        return Unsplit(documents, kept, _columns(tag, documents, kept))

    async def kept(self) -> Kept | None:
        """The account's state as kept, or None when this reader cannot serve (a file not at the schema head,
        a key that does not open it: the workspace's own read then serves, after its opening has dealt with it)."""
        loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Any] = asyncio.Queue()

        def deliver(item: Any) -> None:
            with contextlib.suppress(RuntimeError):   # the loop closed meanwhile (shut-down)
                loop.call_soon_threadsafe(self._queue.put_nowait, item)

        with self._lock:
            for item in self._waiting:
                self._queue.put_nowait(item)
            self._waiting.clear()
            self._deliver = deliver
        first = await self._queue.get()
        if isinstance(first, _Done):
            if first.error is not None:
                raise first.error
            return None
        return first

    async def batches(self) -> AsyncIterator[KeptColumns | list[Customer | StoredRow] | Unsplit | Documents | KeysRead]:
        """The batches in load order, each as soon as it is read (after `kept()`)."""
        try:
            while not isinstance(item := await self._queue.get(), _Done):
                yield item
                if isinstance(item, KeysRead):
                    self._keys_taken.set()
                if self._room is not None:
                    self._room.release()
        finally:
            self.stop()
        if item.error is not None:
            raise item.error


def _tag_of(kept: list[str | None]) -> str:
    """The keys setup the first kept value carries ("" where none is kept): a start's reader's guess."""
    return next(filter(None, kept), "").partition(FIELD)[0]


def _split(tag: str, documents: list[str], kept: list[str | None]) -> KeptColumns | list[Customer | StoredRow]:
    from console.services.kept_columns import read_batch

    return read_batch(tag, documents, kept)


def _columns(tag: str, documents: list[str], kept: list[str | None]) -> KeptColumns | None:
    from console.services.kept_columns import kept_columns  # nothing of the domain (row_format.py)

    return kept_columns(tag, documents, kept)

