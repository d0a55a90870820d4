"""The workspace database in the running app: opened on its own thread, every call made there.

One worker thread (a single-thread executor awaited from the event loop) owns the database: it
finds the key (keychain or key file), opens the file, runs the migrations, and runs every
repository call, so the Qt thread never touches the database and this instance's writes happen
one after another in the order they were asked for. SQLAlchemy (and Alembic, when the file needs
migrating) is imported on that thread when it opens the file, not when the app starts (P1 in
benchmarks/run.py). An account's local copy is read there a batch at a time (`AccountCopy.read`).

The workspace is one of: `off` (the "Keep a local copy" setting is off, or it was never opened),
`opening`, `open`, or `unavailable` (a newer version's database, or a file that cannot be opened:
the app then runs without a local copy and `notice` says why).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from console.domain.customer import Customer
from console.domain.gc_pause import gc_paused
from console.domain.shared_changes import SharedChange
from console.services.blocking import run_blocking
from console.services.demo import DEMO_PREFIX
from console.services.intent_log import PATTERN as INTENT_FILES
from console.services.intent_log import IntentLog, log_key, orphaned
from console.services.private_files import make_private_dir
from console.services.secrets import SecretStore
from console.services.stored_rows import KeptCustomers, StoredRow, stored_row
from console.services.team_cache import TeamCache, cache_path
from console.services.team_cache_file import PATTERN as TEAM_CACHE_FILES
from console.services.team_server import TEAM_PASSWORD, TeamServer
from console.services.team_updates import FIRST_RETRY_S, LAST_RETRY_S, ChangeFeed
from console.services.workspace_key import WorkspaceKey, forget_workspace_key, key_file, workspace_key

if TYPE_CHECKING:
    from console.store.accounts import Refresh
    from console.store.engine import Workspace
    from console.store.team import TeamServer as StoreTeamServer

log = logging.getLogger(__name__)
# Logged once an account's local copy has been read (P9 in benchmarks/run.py prints its figures).
LOCAL_COPY_READ = "local copy of %s read: %d customers, %.2f s of the workspace thread's CPU"

T = TypeVar("T")
# In a team workspace, a refresh another console finished this recently serves this one too (issue 22, P19).
SHARED_FRESH = timedelta(seconds=60)
TURN_POLL_S = 0.25   # how often a console waiting for another's refresh of an account asks again
State = Literal["off", "opening", "open", "unavailable"]
# The database's companions: SQLite's WAL files.
_COMPANIONS = ("-wal", "-shm")


class WorkspaceClosedError(RuntimeError):
    """A call reached the worker after the workspace was closed (the local copy was turned off)."""


@dataclass(frozen=True, slots=True)
class LocalCopy:
    """What the workspace holds of one account: its customers and the end of its last complete refresh."""

    customers: KeptCustomers   # kept rows among them are decoded when looked at
    data_as_of: datetime | None


def workspace_files(database: Path) -> list[Path]:
    """The database, its WAL files, copies set aside as unreadable, the key file, the journal's intent
    files and the team workspace's local copies: those that exist."""
    candidates = [database, *(database.with_name(database.name + s) for s in _COMPANIONS), key_file(database)]
    if database.parent.is_dir():
        candidates += sorted(database.parent.glob(database.name + ".unreadable-*"))
        candidates += sorted(database.parent.glob(INTENT_FILES))
        candidates += sorted(database.parent.glob(TEAM_CACHE_FILES))
    return [p for p in candidates if p.is_file()]


class LocalWorkspace:
    """The app's workspace database, behind one worker thread."""

    def __init__(self, path: Path, secrets: SecretStore, team: TeamServer | None = None) -> None:
        self.path = path
        self.secrets = secrets
        self.team = team                        # the shared PostgreSQL workspace instead of the file (issue 22)
        self.state: State = "off"
        self.notice: str | None = None          # for the user: a file set aside, a newer version's database
        self.key: WorkspaceKey | None = None
        self._db: Workspace | None = None      # touched on the worker thread only
        self._executor: ThreadPoolExecutor | None = None
        self._opened: Future[None] | None = None
        self.intent_log: IntentLog | None = None   # the journal's intents before they are committed
        self.before_submit: list[Callable[[], None]] = []   # called before anything is sent to the worker
        # Told of other consoles' changes to a team workspace, on the event loop (None: read everything again).
        self.shared_changes: list[Callable[[SharedChange | None], None]] = []
        self._team_target: StoreTeamServer | None = None   # the open team database's connection (password in)
        self._feed: ChangeFeed | None = None
        self.team_connected = True   # False while the team server cannot be reached (the change feed says)
        self.journal_behind = False  # an intent commit failed: the intent file holds intents the journal lacks
        self.team_connection: list[Callable[[bool], None]] = []   # told, on the event loop, when that flips
        # The team workspace's accounts copied to this computer while it works on them (team_cache.py), and
        # whether that copy is what is open: the team server could not be reached at the opening.
        self.cache: TeamCache | None = None
        self.cached = False
        self.cached_as_of: datetime | None = None   # when that copy was last written to
        self.retry_delays: tuple[float, float] = (FIRST_RETRY_S, LAST_RETRY_S)   # tests shorten them
        self._reconnecting: asyncio.Task[None] | None = None
        # `start_later`: opened once asked (`ready`, `start`); `settled` waits for that without asking.
        self.deferred = False
        self._asked = asyncio.Event()

    # -- the worker ---------------------------------------------------------------------------
    def _submit(self, func: Callable[..., T], *args: Any) -> Future[T]:
        if self.deferred:   # anything sent to the worker first waits for the opening, so it is asked for now
            self.start()
        for send_first in self.before_submit:   # writes queued to go soon go first (group_commit.py)
            send_first()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="console-workspace")

        def call() -> T:
            with gc_paused():
                return func(*args)
        return self._executor.submit(call)

    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(self._submit(func, *args))

    def _logged(self, future: Future[Any], what: str) -> None:
        def done(f: Future[Any]) -> None:
            exc = None if f.cancelled() else f.exception()
            if exc is not None and not isinstance(exc, WorkspaceClosedError):
                log.warning("workspace: %s failed: %s", what, exc, exc_info=exc)
        future.add_done_callback(done)

    # -- opening and closing ------------------------------------------------------------------
    def start(self) -> None:
        """Begin opening on the worker thread; `ready()` awaits it. Returns at once."""
        self.deferred = False
        self._asked.set()
        if self.state in ("opening", "open"):
            return
        self.state, self.notice = "opening", None
        self._opened = self._submit(self._open)

    def start_later(self) -> None:
        """Open at the first `start()` or `ready()`, not now. A warm start shows the local copy its own reader
        read (warm_start.py) before the database is opened: the opening imports SQLAlchemy, about 0.4 s of
        Python that would otherwise share the interpreter with the window's first rows (P9)."""
        if self.state == "off":
            self.deferred = True
            self._asked.clear()

    async def settled(self) -> bool:
        """Wait for the opening without asking for it (after `start_later`, until someone does); True when the
        database is open. For what a start looks at once the account is open: jobs left, writes in doubt."""
        if self.deferred:
            await self._asked.wait()
        return await self.ready()

    async def ready(self) -> bool:
        """Wait for the opening started by `start()` (started now, after `start_later`); True when the database
        is open."""
        if self.deferred:
            self.start()
        if self._opened is not None:
            with contextlib.suppress(Exception):   # `_open` reports its own failures in `notice`
                await asyncio.wrap_future(self._opened)
        if self.state == "open" and self._team_target is not None and self._feed is None:
            self._feed = ChangeFeed(self._team_target, asyncio.get_running_loop(), self._shared, self._connected)
            self._feed.start()
        if self.state == "open" and self.cached and self._reconnecting is None:
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect(), name="team-reconnect")
            for listener in list(self.team_connection):
                listener(False)
        return self.state == "open"

    async def _reconnect(self) -> None:
        """While the team workspace's local copy is open: ask the server with backoff until it answers, then
        work on the team workspace again, and have every open account read again from it."""
        from console.store.team import TeamDatabaseError

        delay, longest = self.retry_delays
        while self.cached and self.team is not None:
            await asyncio.sleep(delay)
            try:   # the password from the keychain too, off the event loop's thread
                await run_blocking(self._probe_team)
            except TeamDatabaseError as exc:
                log.info("team workspace still away: %s", exc)
                delay = min(delay * 2, longest)
                continue
            self._reconnecting = None   # the switch's close must not cancel this task
            if await self.switch(self.team):
                self._connected(True)
                self._shared(None)
            return

    def _probe_team(self) -> None:
        from console.store.team import probe_team_database

        assert self.team is not None
        probe_team_database(self.team.connection(self.secrets.get(TEAM_PASSWORD)))

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def _open(self) -> None:
        from console.store.engine import NewerSchemaError, open_workspace
        from console.store.team import TeamDatabaseError, open_team_workspace

        try:
            make_private_dir(self.path.parent)   # a first start may not have made the data folder yet
            # The local key also encrypts this instance's intent file in team mode.
            self.key = workspace_key(self.secrets, self.path)
            self.cached, self.team_connected = False, True
            if self.team is not None:
                target = self.team.connection(self.secrets.get(TEAM_PASSWORD))
                self._db = open_team_workspace(target)
                self._team_target = target
                self.cache = TeamCache(cache_path(self.path, self.team), self.key.key, self._db)
            else:
                self._db = open_workspace(self.path, self.key.key)
        except TeamDatabaseError as exc:
            if self._open_cache(exc):
                return
            self.state, self.notice = "unavailable", (
                f"{exc} Customer Console runs without the team workspace for now: each account loads from its "
                "provider, without History or jobs. Once the server can be reached, choose Use team workspace in "
                "File → Team workspace…, or start the app again.")
            log.warning("team workspace could not be opened: %s", exc)
            return
        except NewerSchemaError as exc:
            self.state, self.notice = "unavailable", (
                f"{exc} Customer Console runs without a local copy until then: each account loads "
                "from its provider.")
            log.warning("workspace refused: newer schema %s", exc.revision)
            return
        except Exception as exc:
            self.state, self.notice = "unavailable", (
                f"The local copy of your customers at {self.path} could not be opened ({exc}). "
                "Customer Console runs without it: each account loads from its provider.")
            log.warning("workspace could not be opened: %s", exc, exc_info=exc)
            return
        self.intent_log = self._intent_log(self.key.key)
        self.state = "open"
        if self._db.set_aside is not None:
            self.notice = (f"The local copy of your customers could not be read, so it was kept aside as "
                           f"{self._db.set_aside.name} and a new one is built from the providers as the "
                           "accounts load.")

    def _open_cache(self, away: Exception) -> bool:
        """Open the team workspace's local copy, read-only, when the server is `away`; False if there is none."""
        from console.store.engine import open_workspace

        assert self.team is not None and self.key is not None
        path = cache_path(self.path, self.team)
        if not path.is_file():
            return False
        written = max(p.stat().st_mtime for p in (path, path.with_name(path.name + "-wal")) if p.is_file())
        try:
            self._db = open_workspace(path, self.key.key)
        except Exception as exc:
            log.warning("the team workspace's local copy could not be opened: %s", exc)
            return False
        if self._db.set_aside is not None:   # unreadable (another key): an empty copy would show no one
            self._db.close()
            self._db = None
            return False
        # No intent file: nothing is written meanwhile, and the intents other sessions left wait for the team.
        self.cached, self.team_connected, self.state = True, False, "open"
        self.cached_as_of = datetime.fromtimestamp(written, UTC)
        log.warning("team workspace away (%s): its local copy is shown, read-only, until it is back", away)
        return True

    def _intent_log(self, workspace_key: str) -> IntentLog | None:
        """Replay the intents other instances left uncommitted (they stopped), then open this one's file
        (None, and intents go straight to the database, if it cannot be made)."""
        from console.store.journal import record_missing_intents

        key = log_key(workspace_key)
        done = []
        try:
            for path, entries in orphaned(self.path.parent, key):
                added = self._write(record_missing_intents, [(e.entry_id, e.intent, e.at) for e in entries])
                if added:
                    log.warning("journal: %d intent(s) of a session that stopped were written now (in doubt)", added)
                done.append(path)
        except Exception as exc:   # kept for the next start; the journal works without them meanwhile
            log.warning("journal: intents left by a stopped session could not be written: %s", exc, exc_info=exc)
        for path in done:
            with contextlib.suppress(OSError):
                path.unlink()
        try:
            return IntentLog(self.path.parent, key)
        except OSError as exc:
            log.warning("journal: no intent file (%s); each save waits for the database instead", exc)
            return None

    def _connected(self, up: bool) -> None:
        """The team server was lost, or is back: on its return, this instance's intents that could not be
        committed meanwhile go to the journal first (each once: those there already are skipped)."""
        self.team_connected = up
        if up and self.intent_log is not None and self._db is not None:
            self._logged(self._submit(self._replay_own), "writing the intents kept while the server was away")
        for listener in list(self.team_connection):
            listener(up)

    def _replay_own(self) -> int:
        added = self._write(self.write_kept_intents)
        if added:
            log.warning("journal: %d intent(s) kept while the team server was away were written now (in doubt "
                        "until read back)", added)
        return added

    def write_kept_intents(self, connection: Any) -> int:
        """In a write transaction: every intent this instance's file holds that the journal lacks, in the
        order they were made; how many. Once a commit of intents failed (the team server went away), later
        intents go this way too, so none overtakes one made before it."""
        from console.services.intent_log import read_frames
        from console.store.journal import record_missing_intents

        log_file = self.intent_log
        if log_file is None or self.key is None:
            return 0
        entries = read_frames(log_file.path, log_key(self.key.key))
        added = record_missing_intents(connection, [(e.entry_id, e.intent, e.at) for e in entries]) if entries else 0
        self.journal_behind = False
        return added

    def _shared(self, change: SharedChange | None) -> None:
        if self.cache is not None:
            self.cache.changed(change)
        for listener in list(self.shared_changes):
            listener(change)

    def _close(self) -> None:
        if self._feed is not None:
            self._feed.stop()
            self._feed = None
        if self.cache is not None:
            self.cache.close()
            self.cache = None
        self.cached = False
        self._team_target = None
        if self.intent_log is not None:
            self.intent_log.close()
            self.intent_log = None
        if self._db is not None:
            self._db.close()
            self._db = None

    async def close(self) -> None:
        """Close the database and stop the worker (at shut-down), after the writes queued before."""
        self._stop_reconnecting()
        if self._executor is None:
            return
        self.state = "off"
        await self._run(self._close)
        executor, self._executor = self._executor, None
        executor.shutdown(wait=False)

    async def switch(self, team: TeamServer | None) -> bool:
        """Close this workspace and open the team one at `team` (None: the local file); True once it is open."""
        self._stop_reconnecting()
        if self._executor is not None:
            self.state = "off"
            await self._run(self._close)
        self.team = team
        self.start()
        return await self.ready()

    def _stop_reconnecting(self) -> None:
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            self._reconnecting = None

    async def turn_off(self) -> None:
        """Keep no local copy from now on: close the database and delete it with its key."""
        self.state, self.notice = "off", None
        await self.forget()

    async def forget(self) -> list[Path]:
        """Delete the database files and forget the key (File → Forget local data…); what was deleted.

        An open workspace is closed, emptied and opened again afresh, with a new key.
        """
        was_open = self.state == "open"
        self.state = "off"
        if self._executor is not None:
            await self._run(self._close)
        deleted = await self._run(self._delete_files)
        if was_open:
            self.start()
            await self.ready()
        return deleted

    def _delete_files(self) -> list[Path]:
        deleted = []
        for path in self.files():
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            deleted.append(path)
        forget_workspace_key(self.secrets, self.path)
        self.key = None
        return deleted

    def files(self) -> list[Path]:
        return workspace_files(self.path)

    def describe(self) -> list[str]:
        """Lines for Diagnostics: where the database is, its size, and where its key is kept."""
        state = {"off": "off (no local copy is kept)", "opening": "opening", "open": "open",
                 "unavailable": "not in use" + (f": {self.notice}" if self.notice else "")}[self.state]
        try:
            size = f"{self.path.stat().st_size / 1_000_000:.1f} MB"
        except OSError:
            size = "no file"
        if self.team is not None:
            if self.cached:
                state = "away: its local copy on this computer is shown, read-only, until the server answers"
            lines = [f"Team workspace: {self.team.describe()}; {state}", f"Local files: {self.path.parent}"]
        else:
            lines = [f"Local database: {self.path} ({size}); {state}"]
        if self.key is not None:
            lines.append(self.key.describe())
        return lines

    # -- repository calls (each on the worker) ---------------------------------------------------
    def for_account(self, account_id: str, provider: str) -> AccountCopy | None:
        """The account's part of the workspace, or None when no local copy is kept (or not of it: `keeps`)."""
        if not self.keeps(account_id):
            return None
        return AccountCopy(self, account_id, provider) if self.is_open else None

    def before_opening(self, account_id: str, provider: str) -> AccountCopy | None:
        """The account's part of a workspace not open yet (`start_later`): its calls wait on the workspace's
        thread for the opening, and fail if it fails (the caller then keeps no local copy: `ready()`)."""
        if not self.deferred and self.state != "opening":
            return self.for_account(account_id, provider)
        return AccountCopy(self, account_id, provider) if self.keeps(account_id) else None

    def keeps(self, account_id: str) -> bool:
        """Whether the account's customers and journal are kept here: not a demo account's in a team workspace
        (each console's demo data is its own; other consoles' History would list customers they cannot see)."""
        return self.team is None or not account_id.startswith(DEMO_PREFIX)

    def _read(self, func: Callable[..., T], *args: Any) -> T:
        if self._db is None:
            raise WorkspaceClosedError("no local copy is kept")
        with self._db.read() as connection:
            return func(connection, *args)

    def _write(self, func: Callable[..., T], *args: Any) -> T:
        if self._db is None:
            raise WorkspaceClosedError("no local copy is kept")
        with self._db.write() as connection:
            return func(connection, *args)

    # -- the start views (services/start_snapshot.py) ---------------------------------------------
    # Kept in this computer's file: the local database, or in team mode the team workspace's copy here
    # (team_cache.py), never in the shared database: the next start reads them before anything is open.
    def keep_start_view(self, account_id: str, view: str) -> bool:
        """Queue `view` as the account's start view; False when none is kept (no local copy, or a demo
        account in a team workspace, whose data this console does not keep)."""
        if not self.is_open or not self.keeps(account_id):
            return False
        from console.store.start_views import save_view

        if self._shared_live():
            assert self.cache is not None
            saved = self.cache.keep_view(account_id, view)
        else:
            saved = self._submit(self._write, save_view, account_id, datetime.now(UTC), view)
        if saved is not None:
            self._logged(saved, "keeping the start view")
        return saved is not None

    async def start_views(self) -> dict[str, str]:
        """Every kept start view by its account (none when no local copy is open)."""
        from console.store.start_views import read_views

        if not self.is_open:
            return {}
        if self._shared_live():
            assert self.cache is not None
            views = self.cache.views()
            return {} if views is None else await asyncio.wrap_future(views)
        return await self._run(self._read, read_views)

    async def forget_start_views(self, account_ids: list[str]) -> int:
        """Forget the start views of `account_ids`; how many went."""
        from console.store.start_views import forget_views

        if not self.is_open or not account_ids:
            return 0
        if self._shared_live():
            assert self.cache is not None
            gone = self.cache.forget_views(account_ids)
            return 0 if gone is None else await asyncio.wrap_future(gone)
        return await self._run(self._write, forget_views, account_ids)

    def _shared_live(self) -> bool:
        """The team database is what is open (not its copy here, while the server is away)."""
        return self.team is not None and not self.cached and self.cache is not None

    async def delete_account(self, account_id: str) -> int:
        """Remove an account's rows (the account was removed); how many customers went."""
        if not self.is_open:
            return 0
        return await self._run(self._delete_account, account_id)

    def _delete_account(self, account_id: str) -> int:
        from console.store.accounts import delete_account
        removed = self._write(delete_account, account_id)
        if self.cache is not None:
            self.cache.follow(account_id)   # gone from the team workspace: from its local copy too
            self.cache.followed.discard(account_id)
            self.cache.forget_views([account_id])
        return removed


# Batches the worker may decode ahead of those handed on. Decoding and adding to the index are both
# Python work, taking turns with the GIL: running further ahead gains nothing (measured, P9 in
# benchmarks/run.py), and one ahead means the event loop never waits for the next batch.
_AHEAD = 1
# Put by the worker after the last batch (or its error): the reading is over.
_DONE = object()


def _now() -> datetime:
    return datetime.now(UTC)


class AccountCopy:
    """One account's rows in the workspace: read at open, saved page by page as a refresh goes on."""

    def __init__(self, workspace: LocalWorkspace, account_id: str, provider: str) -> None:
        self.workspace = workspace
        self.account_id = account_id
        self.provider = provider
        # Makes what is kept beside each saved customer for the index (CustomerIndex.row_keys), called
        # on the worker; None: nothing is kept (see stored_rows.py).
        self.row_keys: Callable[[list[Customer]], list[str]] | None = None
        # Likewise what a duplicate scan makes of each (duplicate_kept_keys.py).
        self.scan_keys: Callable[[list[Customer]], list[str | None]] | None = None

    async def read(self, on_batch: Callable[[list[Customer | StoredRow]], Awaitable[None]] | None = None,
                   keys_tag: str | None = None) -> LocalCopy | None:
        """The account's customers as last kept, or None when the workspace has nothing of it.

        They are read on the worker a batch at a time, in the order the provider listed them; each
        batch is handed to `on_batch` on the event loop as soon as it is ready, while the worker reads
        the next, so a caller can show the first rows long before the last are read. A customer whose
        kept keys carry `keys_tag` comes as a `StoredRow`, undecoded; the others are decoded there.
        """
        loop = asyncio.get_running_loop()
        arrived: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()
        taken = threading.Semaphore(_AHEAD)   # released as each batch has been handed on

        def put(item: Any) -> None:
            with contextlib.suppress(RuntimeError):   # the loop closed meanwhile (shut-down)
                loop.call_soon_threadsafe(arrived.put_nowait, item)

        future = self.workspace._submit(self._read_batches, put, stop, taken, loop.is_closed, keys_tag)
        future.add_done_callback(lambda _: put(_DONE))
        kept: LocalCopy | None = None
        try:
            while (item := await arrived.get()) is not _DONE:
                if isinstance(item, LocalCopy):
                    kept = item
                elif kept is not None:
                    kept.customers.extend(item)
                    if on_batch is not None:
                        await on_batch(item)
                    taken.release()
        finally:
            stop.set()   # the caller stopped waiting (cancelled): the worker reads no further
            taken.release()
        future.result()  # the worker's error, if it had one
        if self.workspace.cache is not None:
            self.workspace.cache.follow(self.account_id)   # kept on this computer too, from now on
        if kept is not None:
            # After the read rather than batch by batch: freeing each batch's rows as it was added
            # made the read about a sixth slower (P8 in benchmarks/run.py, measured).
            kept.customers.compact()
        return kept

    def _read_batches(self, put: Callable[[Any], None], stop: threading.Event, taken: threading.Semaphore,
                      loop_closed: Callable[[], bool], keys_tag: str | None) -> None:
        from console.store.accounts import refresh_state
        from console.store.customers import read_stored_batches
        from console.store.documents import decode

        def read(connection: Any) -> None:
            state = refresh_state(connection, self.account_id)
            if state is None or state.provider != self.provider:
                return   # nothing kept, or kept for the provider the account had before
            put(LocalCopy(KeptCustomers(), state.data_as_of))
            count, started = 0, time.thread_time()   # CPU only: the waits below are not counted
            for rows in read_stored_batches(connection, self.account_id):
                if stop.is_set():
                    return
                batch = [(keys_tag and stored_row(keys_tag, document, kept)) or decode(document)
                         for document, kept in rows]
                put(batch)
                count += len(batch)
                while not taken.acquire(timeout=0.1):
                    if stop.is_set() or loop_closed():
                        return   # nobody will take it: the one worker thread must not wait forever
            log.info(LOCAL_COPY_READ, self.account_id, count, time.thread_time() - started)
        self.workspace._read(read)

    async def run(self, work: Callable[[Workspace], T]) -> T:
        """`work` with the open workspace, on its thread (how the incremental refresh reaches it)."""
        def call() -> T:
            if self.workspace._db is None:
                raise WorkspaceClosedError("no local copy is kept")
            return work(self.workspace._db)
        return await self.workspace._run(call)

    def read_scan_keys(self) -> Future[tuple[list[str], list[str]]]:
        """The duplicate scan keys kept beside this account's customers and their ids (customers.read_scan_keys), read
        on the workspace's thread (a scan's thread waits for them)."""
        from console.services.duplicate_kept_keys import NONE
        from console.store.customers import read_scan_keys

        return self.workspace._submit(self.workspace._read, read_scan_keys, self.account_id, NONE)

    async def customer_ids(self) -> set[str]:
        """Every customer id the workspace holds for this account."""
        from console.store.changes import customer_ids

        return await self.workspace._run(self.workspace._read, customer_ids, self.account_id)

    async def customers_by_id(self, ids: Iterable[str]) -> dict[str, Customer]:
        """The customers of `ids` the workspace holds for this account, by id (an id not there was removed)."""
        from console.store.team_changes import customers_by_id

        wanted = list(ids)
        return await self.workspace._run(self.workspace._read, customers_by_id, self.account_id, wanted)

    @property
    def shared(self) -> bool:
        """Whether this copy is in a team workspace, which other consoles refresh too."""
        return self.workspace.team is not None

    @property
    def away(self) -> bool:
        """Whether this copy is a team workspace's whose server cannot be reached now: its account is read-only
        (the shared copy, the journal and the other consoles could not follow a save)."""
        return self.shared and not self.workspace.team_connected

    @contextlib.asynccontextmanager
    async def refresh_turn(self, fresh_within: timedelta = SHARED_FRESH) -> AsyncIterator[bool]:
        """This console's turn to refresh the account: in a team workspace, waits while another console
        refreshes it, then yields False when one finished a refresh within `fresh_within` of the asking (its
        result is in the shared copy: read that), else True (refresh, holding the turn). Local: True at once."""
        from console.store import advisory
        from console.store.accounts import data_as_of

        asked = _now()
        async with self._turn(advisory.refresh_lock(self.account_id)) as connection:
            if connection is None:
                yield True
                return
            as_of = await run_blocking(data_as_of, connection, self.account_id)
            yield as_of is None or as_of < asked - fresh_within

    @contextlib.asynccontextmanager
    async def job_turn(self, waiting: Callable[[], None], stopped: Callable[[], bool]) -> AsyncIterator[bool]:
        """This console's turn to send a job's operations to the account: in a team workspace, jobs on one
        account take turns (they share its rate budget); `waiting()` is called once if another job holds it.
        Yields False when `stopped()` said so before the turn came, else True."""
        from console.store import advisory

        told = False

        def wait() -> bool:
            nonlocal told
            if not told:
                told = True
                waiting()
            return not stopped()

        async with self._turn(advisory.job_lock(self.account_id), wait) as connection:
            yield connection is not None or not self.shared or self.workspace._db is None

    @contextlib.asynccontextmanager
    async def _turn(self, key: int, wait: Callable[[], bool] = lambda: True) -> AsyncIterator[Any]:
        """Hold the team workspace's lock `key` (its connection yielded) while the block runs; None at once
        for a local workspace, or when `wait()` (asked while another holds it) answers False."""
        db = self.workspace._db
        if not self.shared or db is None or self.workspace.cached:   # the local copy of a team's: no one to wait for
            yield None
            return
        from console.store import advisory

        connection = await run_blocking(lambda: db.engine.connect().execution_options(isolation_level="AUTOCOMMIT"))
        held = False
        try:
            # Another console holds the turn: its release is seen only by asking (a blocking wait would hold a
            # worker thread, and could not be cancelled when the window closes).
            while not (held := await run_blocking(advisory.try_hold, connection, key)):
                if not wait():
                    break
                await asyncio.sleep(TURN_POLL_S)
            yield connection if held else None
        finally:
            # The connection goes back to the pool, where the lock would stay with it: let go of it first,
            # or, should that fail, close the connection for good (which ends the lock with the session).
            try:
                if held:
                    await run_blocking(advisory.release, connection, key)
                await run_blocking(connection.close)
            except BaseException:
                connection.invalidate()
                raise

    async def begin_refresh(self) -> Refresh:
        """A full refresh begins: the generation its pages are saved under."""
        return await self.workspace._run(self._begin)

    def _begin(self) -> Refresh:
        from console.store.accounts import begin_refresh, delete_account, refresh_state

        def begin(connection: Any) -> Refresh:
            state = refresh_state(connection, self.account_id)
            if state is not None and state.provider != self.provider:
                delete_account(connection, self.account_id)   # the account moved to another provider
            return begin_refresh(connection, self.account_id, self.provider, _now())
        return self.workspace._write(begin)

    def save_page(self, page: Sequence[Customer], *, not_before: float | None = None) -> Future[None]:
        """Queue one page for saving in one transaction (after everything queued before it); `not_before`: a
        `time.monotonic()` moment the save does not start before (the workspace's thread waits for it)."""
        future = self.workspace._submit(self._save, list(page), not_before)
        self.workspace._logged(future, "saving a page")
        return future

    def _save(self, page: list[Customer], not_before: float | None = None) -> None:
        from console.store.accounts import ensure_account
        from console.store.customers import save_page

        if not_before is not None and (wait := not_before - time.monotonic()) > 0:
            time.sleep(wait)   # holds nothing: the window has Python's lock to itself meanwhile

        def save(connection: Any) -> None:
            ensure_account(connection, self.account_id, self.provider)
            save_page(connection, self.account_id, page, _now(), keys, scanned)
        keys = self.row_keys(page) if self.row_keys is not None else None
        scanned = self.scan_keys(page) if self.scan_keys is not None else None
        self.workspace._write(save)

    def remove(self, customer_ids: Iterable[str]) -> Future[int]:
        """Queue removing customers (deleted at the provider)."""
        future = self.workspace._submit(self._remove, list(customer_ids))
        self.workspace._logged(future, "removing customers")
        return future

    def _remove(self, customer_ids: list[str]) -> int:
        from console.store.customers import remove_customers
        return self.workspace._write(remove_customers, self.account_id, customer_ids)

    async def complete_refresh(self, refresh: Refresh, *, full: bool) -> int:
        """The refresh reached its end (after every page queued before): how many rows it removed."""
        return await self.workspace._run(self._complete, refresh, full)

    def _complete(self, refresh: Refresh, full: bool) -> int:
        from console.store.accounts import complete_refresh
        removed = self.workspace._write(lambda c: complete_refresh(c, refresh, _now(), full=full))
        if self.workspace.cache is not None:
            self.workspace.cache.follow(self.account_id)
        return removed
