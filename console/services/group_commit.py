"""Group commit: small writes to the workspace from many coroutines at once, joined into one
transaction each time the database thread comes free, so a job with ten requests out costs one
commit per group of answers instead of one per answer (issue 19)."""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from console.services.workspace import LocalWorkspace

T = TypeVar("T")
Write = Callable[[Any], Any]   # given the write transaction's connection

_ALL: weakref.WeakKeyDictionary[LocalWorkspace, GroupCommit] = weakref.WeakKeyDictionary()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:   # not on the event loop's thread: sent at once
        return None


class GroupCommit:
    """Writes queued while the database thread is busy go together in its next transaction, in
    the order they were queued; one that fails is tried again alone so it fails alone."""

    def __init__(self, workspace: LocalWorkspace) -> None:
        self.workspace = workspace
        self._pending: list[tuple[Write, Future[Any]]] = []
        self._lock = threading.Lock()
        self._scheduled = False
        self._timed = False   # the loop will send what is pending (writes queued `soon`)
        self.commits = 0    # transactions made (for tests and benchmarks)
        # Anything else sent to the database goes after what waits here: reads see these writes,
        # and closing the workspace writes them first.
        workspace.before_submit.append(self.send_waiting)

    @staticmethod
    def of(workspace: LocalWorkspace) -> GroupCommit:
        """The workspace's one group commit (so the journal and the jobs share its transactions)."""
        found = _ALL.get(workspace)
        if found is None:
            found = _ALL[workspace] = GroupCommit(workspace)
        return found

    def queue(self, write: Callable[[Any], T], *, soon: bool = False) -> Future[T]:
        """Queue `write`; the future is done once its transaction has committed (or failed).

        `soon` (on the event loop): sent at the loop's next turn rather than now, so the database
        thread does not take the GIL while the caller finishes its step (sending a request, ending a
        save); anything else sent to the database first takes it along.
        """
        future: Future[T] = Future()
        with self._lock:
            self._pending.append((write, future))
            if self._scheduled or (soon and self._timed):
                return future
            loop = _running_loop() if soon else None
            if loop is None:
                self._scheduled = True
            else:
                self._timed = True
        if loop is not None:
            loop.call_soon(self.send_waiting)
            return future
        self.workspace._logged(self.workspace._submit(self._flush), "writing a group of changes")
        return future

    def send_waiting(self) -> None:
        """Send the writes queued `soon` now (at the loop's next turn, or before anything else)."""
        with self._lock:
            self._timed = False
            if self._scheduled or not self._pending:
                return
            self._scheduled = True
        self.workspace._logged(self.workspace._submit(self._flush), "writing a group of changes")

    async def write(self, write: Callable[[Any], T]) -> T:
        """`write` committed (with whatever else was queued meanwhile); its result."""
        return await asyncio.wrap_future(self.queue(write))

    def _flush(self) -> None:
        """On the database thread: everything queued so far, in one transaction."""
        with self._lock:
            batch, self._pending = self._pending, []
            self._scheduled = False
        try:
            results = self.workspace._write(lambda connection: [write(connection) for write, _ in batch])
        except Exception as exc:
            self.commits += 1   # counted before any future is done: a caller woken by one sees it
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            for write, future in batch:   # find the one that failed; the others still commit
                try:
                    future.set_result(self.workspace._write(write))
                except Exception as alone:
                    future.set_exception(alone)
            return
        self.commits += 1
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)
