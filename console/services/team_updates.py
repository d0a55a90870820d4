"""Live updates in team mode (issue 22): another console's saves reach this one within a second or two.

`ChangeFeed` runs `store.team_changes.listen` on a thread of its own and hands each `SharedChange` to
the event loop. A lost connection is retried with backoff (1 s doubling to 30 s); once listening again
it hands over `None`, "anything may have changed meanwhile", so every open account is read again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.domain.shared_changes import SharedChange

if TYPE_CHECKING:
    from console.store.team import TeamServer as StoreTeamServer

log = logging.getLogger(__name__)

Deliver = Callable[[SharedChange | None], None]
FIRST_RETRY_S, LAST_RETRY_S = 1.0, 30.0


class ChangeFeed:
    """Another consoles' changes to the team workspace, delivered on `loop` while started."""

    def __init__(self, target: StoreTeamServer, loop: asyncio.AbstractEventLoop, deliver: Deliver,
                 connected: Callable[[bool], None] = lambda up: None) -> None:
        self.target = target            # the store's TeamServer (password included): never logged
        self.loop = loop
        self.deliver = deliver
        self.connected = connected      # told on the loop when the connection is lost (False) and back (True)
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="console-team-changes", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop listening; the thread ends within `team_changes.POLL_S` (it is not waited for)."""
        self._stop.set()
        self._thread = None

    def _hand(self, change: SharedChange | None) -> None:
        self._call(self.deliver, change)

    def _call(self, func: Callable[..., None], *args: object) -> None:
        if not self._stop.is_set() and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):   # the loop closed meanwhile: nobody to tell
                self.loop.call_soon_threadsafe(func, *args)

    def _run(self) -> None:
        from console.store.team import TeamDatabaseError
        from console.store.team_changes import listen

        retry, first = FIRST_RETRY_S, True

        def listening() -> None:
            nonlocal retry, first
            self.listening.set()
            retry = FIRST_RETRY_S
            if not first:
                self._call(self.connected, True)
                self._hand(None)   # notices sent while not listening are gone: read everything again
            first = False

        while not self._stop.is_set():
            try:
                listen(self.target, self._stop, self._hand, listening)
            except TeamDatabaseError as exc:
                if self._stop.is_set():
                    break   # closed while the connection went too: nothing to say
                if self.listening.is_set() or first:
                    self._call(self.connected, False)
                self.listening.clear()
                first = False   # what follows a first failure is a reconnection too
                log.warning("team changes: %s; trying again in %.0f s", exc, retry)
            if self._stop.wait(retry):
                break
            retry = min(retry * 2, LAST_RETRY_S)
