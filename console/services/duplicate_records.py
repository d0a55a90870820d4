"""The records a duplicate scan of the window's accounts reads (issue 20).

A customer the index holds decoded is scanned as it is. One it holds as its kept document (a warm
start's) is read as a `ScanCustomer`, the few fields the scan's keys are made of, rather than decoded
whole (a third of the time and memory), and only when the scan comes to it: the scan reads each record
once for its keys, a chunk at a time, and again only for the reasons of a pair it shows, so the fields
read are not all held at once. The accounts and ids come from the index without reading anything, and
each record's identity for the scan's memory (duplicate_memory.py) is the object the index holds,
which a change to the customer replaces.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime
from functools import partial
from typing import Any, overload

from console.domain.customer import Customer
from console.domain.lock_steps import STEP, Leftovers, let_go
from console.domain.scan_customer import Scanned
from console.services.busy_worker import busy_worker, let_go_elsewhere
from console.services.customer_index import CustomerIndex, when_all_read
from console.services.duplicate_kept_keys import (
    KeptByAccount,
    KeptColumns,
    KeptOfAccount,
    kept_columns,
    record_checksums,
)
from console.services.duplicate_last_scan import LastScan, ScanStore, decode, encode
from console.services.duplicate_scoring import KeyMaker
from console.services.duplicates import Cancelled, DuplicateScan, Progress, ScanMemory, scan
from console.services.workspace import AccountCopy, LocalWorkspace

log = logging.getLogger(__name__)

# Customers up to which what a scan leaves is let go of where the scan is shown, not on a thread of its own: a few
# milliseconds (a scan of 500,000 leaves 0.16 s of it).
LET_GO_HERE = 20_000

Held = tuple[str, tuple[list[str], list[Customer | str]]]   # account id, `CustomerIndex.held()`


class KeptRecords(Sequence[tuple[str, Scanned]]):
    """The customers of several accounts' indexes as scan records, kept documents read when asked for."""

    def __init__(self, held: Sequence[Held]) -> None:
        # Half a million of each, joined in C's loops.
        chain = itertools.chain.from_iterable
        self.accounts = tuple(chain(itertools.repeat(account, len(ids)) for account, (ids, _) in held))
        self.ids = tuple(chain(ids for _, (ids, _) in held))
        self.items: list[Customer | str] = list(chain(items for _, (_, items) in held))
        # An index holds each id once: with each account held once, so is every record (the scan's own check, a
        # set of half a million ids, held Python's lock for up to 63 ms as it grew).
        self.listed_once = len({account for account, _ in held}) == len(held)

    def __len__(self) -> int:
        return len(self.items)

    def documents_held(self) -> bool:
        """Whether any customer is held as its kept document."""
        items = self.items
        return any(str in set(map(type, items[start:start + STEP])) for start in range(0, len(items), STEP))

    @overload
    def __getitem__(self, index: int) -> tuple[str, Scanned]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, Scanned]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, Scanned] | list[tuple[str, Scanned]]:
        from console.store.documents import scan_view

        if isinstance(index, slice):
            return [(account, scan_view(item) if type(item) is str else item)  # type: ignore[misc]
                    for account, item in zip(self.accounts[index], self.items[index], strict=True)]
        item = self.items[index]
        return self.accounts[index], scan_view(item) if type(item) is str else item  # type: ignore[return-value]


async def held_when_read(indexes: Mapping[str, CustomerIndex]) -> list[Held]:
    """Each account's id and `CustomerIndex.held()`, once the documents a warm start is still reading are in:
    waited for (a second or two at most) rather than read on the event loop's thread."""
    loop = asyncio.get_running_loop()
    read: asyncio.Future[None] = loop.create_future()
    when_all_read(list(indexes.values()), partial(loop.call_soon_threadsafe, _settle, read))   # on any thread
    await read
    return [(account_id, index.held()) for account_id, index in indexes.items()]


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


# Begins reading each account's kept scan keys (on the workspace's thread) and gives what hands them to the
# scan account by account as they are read, calling its argument (which raises once cancelled) before each
# (`read_kept_keys`, `ArrivingKeys`).
KeptKeys = Callable[[], Callable[[Callable[[], None]], KeptByAccount]]


def scan_held(held: Sequence[Held], *, progress: Progress | None = None, cancelled: Cancelled | None = None,
              memory: ScanMemory | None = None, kept: KeptKeys | None = None,
              scans: ScanStore | None = None, leftovers: Leftovers | None = None) -> DuplicateScan:
    """`scan` of the customers of `held` (each account's id and its index's `held()`, taken on the event
    loop); safe on another thread. `kept` reads each account's kept scan keys (`read_kept_keys`) when a
    whole scan needs them: those of the documents the index still holds are read instead of the documents.
    `scans`: where the last scan of these accounts is kept (`WorkspaceScans`): the scan starts from it.
    `leftovers`: as `scan`'s."""
    records = KeptRecords(held)
    if (kept is not None or scans is not None) and not records.documents_held():
        # What the workspace keeps (each customer's keys, the last scan) is checked against the documents the
        # index holds, so it serves only customers held as their documents (a warm start's): none here. Reading
        # it, or keeping a scan of no documents, took a first scan of 500,000 from 3.8 s to 4.4-7.0 s.
        kept = scans = None
    store = _ReadOnce(scans) if scans is not None else None
    # A whole scan ahead (no last scan remembered nor kept): the kept keys are read on the workspace's thread
    # while the held documents' checksums are made here (the database's work does not hold Python's lock).
    early = kept() if kept is not None and (memory is None or memory.last is None) and (
        store is None or store.read() is None) else None
    checksums = record_checksums(records.items) if kept is not None or scans is not None else None

    def kept_keys(check: Callable[[], None], maker: KeyMaker) -> KeptColumns:
        assert kept is not None
        return kept_columns(held, (early or kept())(check), maker, check, checksums)
    found = scan(records, progress=progress, cancelled=cancelled, memory=memory, identities=records.items,
                 members=(records.accounts, records.ids), scans=store, checksums=checksums,
                 kept=None if kept is None else kept_keys, listed_once=records.listed_once, leftovers=leftovers)
    if checksums is not None and leftovers is not None:
        leftovers.add(checksums)
    elif checksums is not None:
        let_go(checksums)   # half a million numbers: a step at a time (lock_steps.py)
    return found


class _ReadOnce:
    """A `ScanStore` whose kept scan is read once at most, perhaps before the scan asks for it."""

    def __init__(self, scans: ScanStore) -> None:
        self.scans = scans
        self.read_yet = False
        self.last: LastScan | None = None

    def read(self) -> LastScan | None:
        if not self.read_yet:
            self.last, self.read_yet = self.scans.read(), True
        return self.last

    def save(self, last: LastScan) -> None:
        self.scans.save(last)


def scan_accounts(held: Sequence[Held], copies: Mapping[str, AccountCopy | None], workspace: LocalWorkspace, *,
                  progress: Progress | None = None, cancelled: Cancelled | None = None,
                  memory: ScanMemory | None = None) -> tuple[DuplicateScan, Callable[[], None]]:
    """`scan_held` of the window's accounts, starting from what the workspace keeps: the accounts' kept keys
    (`copies`: each account's local copy) and their last scan; call it on another thread than the workspace's.
    With the scan, what to do once its groups are shown (not while they are formed, which it would compete with
    for Python's lock): keep it in the workspace for the next (`WorkspaceScans.keep`) and let go of what the
    scan is done with (on a thread of its own past LET_GO_HERE customers). Python's lock is handed to the window
    within 2 ms while it runs, and no collection runs on this thread (busy_worker.py)."""
    scans = WorkspaceScans(workspace, copies)
    leftovers = Leftovers()
    with busy_worker(keep=True):
        found = scan_held(held, progress=progress, cancelled=cancelled, memory=memory,
                          kept=lambda: read_kept_keys(copies), scans=scans, leftovers=leftovers)

    def shown() -> None:   # twice does no more than once
        scans.keep()
        if len(found.ids) > LET_GO_HERE:
            let_go_elsewhere(leftovers)
        else:
            leftovers.let_go()
    if cancelled is not None and cancelled():
        # Cancelled as it ended (its window closed): no one may show it, and what it left would be let go of at
        # once wherever its answer is dropped.
        shown()
    return found, shown


def read_kept_keys(copies: Mapping[str, AccountCopy | None]) -> Callable[[Callable[[], None]], KeptByAccount]:
    """Begins reading each account's kept scan keys (`AccountCopy.read_scan_keys`) on the workspace's thread; gives
    what takes them as they come (`ArrivingKeys`; call it on another thread). An account without a local copy,
    or whose keys cannot be read, has its keys made by the scan."""
    reading = {account: copy.read_scan_keys() for account, copy in copies.items() if copy is not None}
    return partial(ArrivingKeys, reading)


class ArrivingKeys:
    """Accounts' kept keys still being read, each waited for when the scan takes it (`pop`): the scan takes the
    first accounts' while the others' are read, rather than waiting for them all (P17a's warm-start scan)."""

    def __init__(self, reading: Mapping[str, Future[KeptOfAccount]], check: Callable[[], None]) -> None:
        self._reading = dict(reading)
        self._check = check   # raises when the scan is cancelled

    def pop(self, account: str, default: KeptOfAccount, /) -> KeptOfAccount:
        future = self._reading.pop(account, None)
        if future is None:
            return default
        self._check()
        try:
            return future.result()
        except Exception as exc:   # only time is lost: the scan makes what it could not read
            log.warning("duplicates: the kept keys of %s could not be read: %s", account, exc, exc_info=exc)
            return default


class WorkspaceScans:
    """The last scan of a set of accounts in the workspace: read on its thread; a scan to keep is held until
    `keep` (its encoding would compete for Python's lock with the window forming its groups), then encoded and
    written there. Without a local copy, nothing is kept, nor where one of the accounts' customers are not
    (a demo account's in a team workspace: each console's demo data is its own)."""

    def __init__(self, workspace: LocalWorkspace, accounts: Iterable[str]) -> None:
        self.workspace = workspace
        self.accounts = sorted(set(accounts))
        self.pending: LastScan | None = None

    @property
    def usable(self) -> bool:
        """Whether the workspace keeps scans of these accounts."""
        return self.workspace.is_open and all(map(self.workspace.keeps, self.accounts))

    def read(self) -> LastScan | None:
        """The kept scan, waiting for the workspace's thread (call it on another); None when there is none."""
        from console.store.duplicate_scans import read_scan

        if not self.usable:
            return None
        try:
            payload = self.workspace._submit(self.workspace._read, read_scan, self.accounts).result()
        except Exception as exc:   # only time is lost: the scan is a whole one
            log.warning("duplicates: the kept scan could not be read: %s", exc, exc_info=exc)
            return None
        return decode(payload) if payload is not None else None

    def save(self, last: LastScan) -> None:
        """Hold `last` to keep in place of the scan before, when `keep` is called."""
        self.pending = last

    def keep(self) -> None:
        """Keep the scan held (encoded and written on the workspace's thread, not waited for)."""
        from console.store.duplicate_scans import save_scan

        last, self.pending = self.pending, None
        if last is None or not self.usable:
            return
        at = datetime.now(UTC)

        def write(connection: Any) -> None:
            payload = encode(last)
            if payload is None:
                log.info("duplicates: a scan was not kept (an id or key holds a separator)")
                return
            save_scan(connection, self.accounts, at, payload)
        self.workspace._logged(self.workspace._submit(self.workspace._write, write), "keeping the duplicate scan")
