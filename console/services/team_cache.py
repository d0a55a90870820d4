"""This computer's copy of what it reads from a team workspace (issue 22: offline from the team server).

While a console works on a team workspace, `TeamCache` copies the accounts it opens into a local database
file of their own (encrypted with the local workspace's key): the whole account once it has been read or
refreshed (only the customers that differ are copied), then the customers each change notice names. A
console that starts while the team server cannot be reached opens that file instead, read-only
(`LocalWorkspace.cached`), and switches to the team workspace once the server answers again.

The copying runs on a thread of its own, so neither the window nor the workspace's worker waits for it,
and a failure is logged and forgotten: the cache is a convenience, never in the way of the team database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from console.domain.shared_changes import SharedChange
from console.services.team_cache_file import cache_file
from console.services.team_server import TeamServer

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from console.store.engine import Workspace
    from console.store.team_cache import Mirrored

log = logging.getLogger(__name__)
T = TypeVar("T")



def cache_path(database: Path, team: TeamServer) -> Path:
    """The cache file of the team workspace `team`, beside this computer's workspace database `database`."""
    return cache_file(database, team.user, team.host, team.port, team.database)





class TeamCache:
    """Copies the accounts this console opens from the team database `source` into the file at `path`."""

    def __init__(self, path: Path, key: str, source: Workspace) -> None:
        self.path = path
        self._key = key
        self._source = source
        self._db: Workspace | None = None     # opened on the cache's thread at its first copy
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(1, thread_name_prefix="console-team-cache")
        self.followed: set[str] = set()       # the accounts whose customers are copied
        # What the next copy brings over, by account (None: the whole account), and that copy while it waits:
        # notices arriving meanwhile join it, so a burst of saves costs one transaction, not one each.
        self._lock = threading.Lock()
        self._pending: dict[str, set[str] | None] = {}
        self._queued: Future[dict[str, Mirrored]] | None = None

    def follow(self, account_id: str) -> Future[dict[str, Mirrored]] | None:
        """Copy the account as the team database holds it now, and its changes from now on; the copy's future
        (None once closed), done when it and everything asked before it are in."""
        self.followed.add(account_id)
        return self._queue(account_id, None)

    def changed(self, change: SharedChange | None) -> None:
        """A change notice (None: anything may have changed): copy what it names of the accounts followed."""
        for account_id in sorted(self.followed):
            if change is None or change.account_id == account_id:
                self._queue(account_id, change.ids if change is not None else None)

    def _queue(self, account_id: str, ids: tuple[str, ...] | None) -> Future[dict[str, Mirrored]] | None:
        with self._lock:
            if self._executor is None:
                return None
            held = self._pending.get(account_id, set())
            if ids is None or held is None:
                self._pending[account_id] = None
            else:
                held.update(ids)
                self._pending[account_id] = held
            if self._queued is None:
                self._queued = self._executor.submit(self._copy)
            return self._queued

    def _file(self) -> Workspace:
        """The cache file, opened at its first use (on the cache's thread)."""
        from console.store.engine import open_workspace

        if self._db is None:
            self._db = open_workspace(self.path, self._key)
        return self._db

    def _copy(self) -> dict[str, Mirrored]:
        from console.store.team_cache import mirror_account

        with self._lock:
            pending, self._pending, self._queued = self._pending, {}, None
        done: dict[str, Mirrored] = {}
        try:
            with self._source.read() as source, self._file().write() as cache:
                for account_id, ids in pending.items():
                    done[account_id] = mirror_account(source, cache, account_id, None if ids is None else sorted(ids))
        except Exception as exc:   # the server went away (its return copies every account again), a full disk
            log.warning("team cache: copying %s failed: %s", ", ".join(pending), exc)
        return done

    # -- the start views (services/start_snapshot.py): kept in this file, never in the shared database ------
    def keep_view(self, account_id: str, view: str) -> Future[None] | None:
        """Queue keeping `view` as the account's start view (None once closed)."""
        from console.store.start_views import save_view

        return self._on_file(lambda connection: save_view(connection, account_id, datetime.now(UTC), view))

    def views(self) -> Future[dict[str, str]] | None:
        """Every start view kept here, by account (None once closed)."""
        from console.store.start_views import read_views

        return self._on_file(read_views)

    def forget_views(self, account_ids: list[str]) -> Future[int] | None:
        """Forget the start views of `account_ids` (None once closed)."""
        from console.store.start_views import forget_views

        return self._on_file(lambda connection: forget_views(connection, account_ids))

    def _on_file(self, work: Callable[[Connection], T]) -> Future[T] | None:
        def run() -> T:
            with self._file().write() as connection:
                return work(connection)
        with self._lock:
            return None if self._executor is None else self._executor.submit(run)

    def close(self) -> None:
        """Stop copying (what is queued is dropped; a copy under way finishes) and close the file."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        if self._db is not None:
            self._db.close()
            self._db = None
