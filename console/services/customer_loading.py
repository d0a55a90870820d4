"""Loading an account's customers: first what the workspace kept, then page by page from the provider.

A load shows the local copy at once (`load_local`), then refreshes from the provider
(`load_customers`): each page is reconciled into the index (new customers appear, changed ones
update in place) and saved in one transaction, and when the refresh reaches the end the customers
it did not see are removed from both. The refresh is a full scan; a provider that can say what
changed since the last refresh is given an `IncrementalRefresh`, tried first.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from console.domain import errors as e
from console.domain.customer import Customer
from console.providers.base import CustomerProvider
from console.services import warm_start
from console.services.copy_reader import CopyReader, Documents, Kept, KeysRead, Unsplit
from console.services.customer_index import CustomerIndex
from console.services.freed_memory import release_freed_memory
from console.services.stored_rows import KeptCustomers, StoredRow
from console.services.workspace import AccountCopy, LocalCopy

if TYPE_CHECKING:
    from console.services.kept_columns import KeptColumns
    from console.services.kept_documents import KeptDocuments
    from console.store.accounts import Refresh

log = logging.getLogger(__name__)
# Logged once the local copy is in the index (P9 in benchmarks/run.py prints its figures).
LOCAL_COPY_INDEXED = "local copy of %s in the index: %d batches, %.2f s adding them"
# Logged by a keys-first read once every row is in the index and searchable (documents to come).
LOCAL_COPY_SEARCHABLE = "local copy of %s searchable from its keys: %d batches, %.2f s adding them"
# Decoded customers added to the index in one turn of the event loop (about 8 us each); customers
# kept undecoded cost a fraction of that and come a whole batch of the read at a time.
DECODED_PER_TURN = 2000
# Batches of kept rows taken in one turn of the event loop, while they come faster than it paints: about
# this long of adding them, then the window paints once (a paint of the table is 4-6 ms, and took as long as
# adding a batch of 10,000 keys).
KEPT_TURN_S = 0.008
# How long after a page comes its save starts: the window takes a page of 100 in and paints it in about
# 20-25 ms on the development VM (P6 in benchmarks/run.py). A page that comes while earlier saves are still
# queued starts when they are done, so a fast provider's load is not slowed.
PAGE_SAVE_AFTER_S = 0.03


@dataclass(slots=True)
class LoadProgress:
    """How far a load has got; `total` is known only for providers that count."""

    loaded: int = 0
    total: int | None = None
    pages: int = 0
    failures: list[e.ConsoleError] = field(default_factory=list)
    done: bool = False


ProgressCallback = Callable[[LoadProgress], None]


class IncrementalRefresh(Protocol):
    """A refresh that asks the provider only for what changed (services/incremental_refresh.py)."""

    async def __call__(self, provider: CustomerProvider, index: CustomerIndex, local: AccountCopy,
                       on_progress: ProgressCallback | None) -> LoadProgress | None:
        """Refresh `index` and `local`; None when only a full scan will do (no cursor yet, say)."""
        ...


async def load_local(local: AccountCopy | None, index: CustomerIndex,
                     on_batch: Callable[[int], None] | None = None,
                     on_searchable: Callable[[int], None] | None = None) -> LocalCopy | None:
    """Put the account's customers kept in the workspace into `index`; None when none are kept.

    They arrive in batches decoded on the workspace thread; each is added to the index as it comes
    (`on_batch` is told how many), and the event loop runs between batches, so the window shows the
    first rows at once and answers while the rest arrive. A batch is a few tens of milliseconds of
    index work, within what P6 in benchmarks/run.py allows the event loop to be held. `on_searchable`
    is told, once, how many rows the index holds when every kept row is in it (a keys-first read's
    documents still to come).
    """
    if local is None:
        return None
    reader = _reader(local, index.keys_tag)
    state = None if reader is None else await _started(reader)
    if reader is not None and state is not None:
        if state.provider != local.provider:
            reader.stop()
            return None   # nothing kept, or kept for the provider the account had before
        return await _load_read(reader, state.data_as_of, local.account_id, index, on_batch, on_searchable)
    spent = [0.0]
    added: list[str] = []

    async def add(batch: list[Customer | StoredRow]) -> None:
        decoded = any(type(c) is not StoredRow for c in batch)
        step = DECODED_PER_TURN if decoded else len(batch)
        for start in range(0, len(batch), step):
            part = batch[start:start + step]
            started = time.perf_counter()
            index.add_local(part)
            added.extend(c.customer_id if type(c) is StoredRow else c.id for c in part)  # type: ignore[union-attr]
            if on_batch is not None:
                on_batch(len(part))
            spent.append(time.perf_counter() - started)
            await asyncio.sleep(0)   # let the window paint and answer before the next part

    try:
        kept = await local.read(add, keys_tag=index.keys_tag)
    except BaseException as exc:
        # Part of a copy must not stay: an index holding the account is refreshed with only what
        # changed, and the customers never read would be missing until a full scan.
        index.remove(added)
        if not isinstance(exc, Exception):
            raise   # cancelled
        # A damaged row, a disk error: the provider has the data anyway.
        log.warning("could not read the local copy of %s: %s", local.account_id, exc, exc_info=exc)
        return None
    if kept is not None:
        log.info(LOCAL_COPY_INDEXED, local.account_id, len(spent) - 1, sum(spent))
        if on_searchable is not None:
            on_searchable(len(added))
    return kept


async def load_customers(provider: CustomerProvider, index: CustomerIndex,
                         on_progress: ProgressCallback | None = None, *,
                         local: AccountCopy | None = None,
                         incremental: IncrementalRefresh | None = None) -> LoadProgress:
    """Fetch every customer page by page into `index` (and `local`); customers gone since are dropped.

    Nothing is dropped when a page failed: those customers may only be missing from this listing.
    """
    if incremental is not None and local is not None:
        done = await incremental(provider, index, local, on_progress)
        if done is not None:
            return done
    refresh: Refresh | None = None
    if local is not None:
        try:
            refresh = await local.begin_refresh()
        except Exception as exc:
            log.warning("the local copy of %s will not be refreshed: %s", local.account_id, exc, exc_info=exc)
    saves: list[Future[None]] = []
    progress = LoadProgress()
    seen: set[str] = set()
    async for page in provider.iter_pages():
        # Decoding a page and taking it into the index are about as long each (3-7 ms a page of 100 on
        # the development VM): in turns of their own, so a paint or a keystroke waits for one, not both (P6).
        await asyncio.sleep(0)
        index.upsert(page.customers)
        if refresh is not None and local is not None:
            # Queued: the loop does not wait for the disk. Started once the window has taken the page in and
            # painted it: a save (its keys made, its statements run: 10-18 ms of Python a page of 100) run
            # meanwhile shares Python's lock with that work and lengthens the window's turn. Queued now and
            # waited for on the workspace's thread, so what is queued after it (a save of the same customer
            # by the user) still comes after it.
            saves.append(local.save_page(page.customers, not_before=time.monotonic() + PAGE_SAVE_AFTER_S))
        seen.update(c.id for c in page.customers)
        progress.pages += 1
        progress.loaded = len(seen)
        if page.total is not None:
            progress.total = page.total
        progress.failures.extend(page.failures)
        if on_progress is not None:
            on_progress(progress)
    if not progress.failures:
        index.remove([customer_id for customer_id in index.ids() if customer_id not in seen])
        if refresh is not None and local is not None:
            await _complete(local, refresh, saves)
    progress.done = True
    if on_progress is not None:
        on_progress(progress)
    return progress


async def _complete(local: AccountCopy, refresh: Refresh, saves: list[Future[None]]) -> None:
    """End the refresh in the workspace, unless a page could not be saved (its rows would be dropped)."""
    results = await asyncio.gather(*(asyncio.wrap_future(s) for s in saves), return_exceptions=True)
    if any(isinstance(r, BaseException) for r in results):
        log.warning("a page of %s was not saved; the local copy keeps its older rows", local.account_id)
        return
    try:
        await local.complete_refresh(refresh, full=True)
    except Exception as exc:   # the customers are loaded; only the local copy missed this refresh
        log.warning("the refresh of %s was not recorded locally: %s", local.account_id, exc)


# -- reading on a thread of its own (copy_reader.py) ------------------------------------------------
def _reader(local: AccountCopy, keys_tag: str) -> CopyReader | None:
    """The copy read at start-up for this account, else a reader of its own; None for a team workspace
    (the reader reads the local file) or one not open."""
    workspace = local.workspace
    if workspace.team is not None:
        return None
    prefetched = warm_start.take(local.account_id, workspace.path)
    if prefetched is not None:
        return prefetched
    if workspace.key is None or not workspace.is_open:
        return None
    return CopyReader(workspace.path, workspace.key.key, local.account_id, keys_tag)


async def _started(reader: CopyReader) -> Kept | None:
    """What the reader found of the account; None where it cannot serve (the worker's read then does)."""
    try:
        return await reader.kept()
    except Exception as exc:   # a disk error, say: the worker's read tries again, and says why if it fails
        log.info("the local copy of %s is read on the workspace's thread: %s", reader.account_id, exc)
        reader.stop()
        return None
    except BaseException:
        reader.stop()
        raise


async def _load_read(reader: CopyReader, data_as_of: datetime | None, account_id: str, index: CustomerIndex,
                     on_batch: Callable[[int], None] | None,
                     on_searchable: Callable[[int], None] | None) -> LocalCopy | None:
    """`load_local` from a reader: each batch into the index as it comes, the event loop running between.
    Batches of keys alone (a keys-first read) are searchable at once; their documents come after, batch
    by batch, and meanwhile the index reads those of the rows asked for by id."""
    from console.services.kept_columns import KeptColumns, read_batch

    kept = LocalCopy(KeptCustomers(), data_as_of)
    spent: list[float] = []
    added: list[str] = []
    rows = False   # whether any came as a StoredRow (the copy holds those as their documents once read)
    # Per batch of keys alone, oldest first: its ids, or the batch itself where the index would not take
    # it without documents (it is added whole when they come).
    unread: deque[list[str] | KeptColumns] = deque()
    source: KeptDocuments | None = None   # reads unread rows' documents by id, once a batch of keys alone came
    opened = False
    turn = _Turn()
    try:
        async for batch in reader.batches():
            if isinstance(batch, KeysRead):   # every row is in, unless a batch waits for its documents
                if on_searchable is not None and not any(isinstance(w, KeptColumns) for w in unread):
                    log.info(LOCAL_COPY_SEARCHABLE, account_id, len(spent), sum(spent))
                    on_searchable(len(added))
                    on_searchable = None
                continue
            if isinstance(batch, Unsplit):   # read at start, before the index's tag was known
                if batch.columns is not None and batch.columns.tag == index.keys_tag:
                    batch = batch.columns
                else:
                    batch = read_batch(index.keys_tag, batch.documents, batch.kept)
            started = time.perf_counter()
            turn.batch_begins()
            if isinstance(batch, Documents):
                waiting = unread.popleft()
                kept.customers.extend(batch.documents.values())
                if isinstance(waiting, KeptColumns):
                    waiting.documents = list(map(batch.documents.__getitem__, waiting.ids))
                    _add_kept(index, waiting, added)
                    if on_batch is not None:
                        on_batch(len(waiting))
                else:
                    index.fill_documents(waiting, batch.documents)
                index.parse_times(1)   # a batch's worth a turn, before the refresh needs them all
                spent.append(time.perf_counter() - started)
                await asyncio.sleep(0)
                continue
            if isinstance(batch, KeptColumns):
                if batch.documents is None:
                    if not opened and batch.tag == index.keys_tag:
                        opened, found = True, reader.documents()
                        if found is not None:   # its connection opened off the Qt thread, which then only reads
                            try:
                                await asyncio.to_thread(found.open)
                            except LookupError:   # the batches wait for their documents instead
                                found.close()
                            else:
                                source = index.document_source = found
                    if source is None or not index.add_kept(batch):
                        unread.append(batch)
                        continue
                    unread.append(batch.ids)
                    added.extend(batch.ids)
                else:
                    _add_kept(index, batch, added)
                    kept.customers.extend(batch.documents)
                spent.append(time.perf_counter() - started)
                if on_batch is not None:
                    on_batch(len(batch))
                await turn.after_batch()   # the window paints and answers between turns
                continue
            rows = True
            for start in range(0, len(batch), DECODED_PER_TURN):   # decoded ones: about 8 us each
                part = batch[start:start + DECODED_PER_TURN]
                index.add_local(part)
                kept.customers.extend(part)
                added.extend(c.customer_id if type(c) is StoredRow else c.id for c in part)  # type: ignore[union-attr]
                spent.append(time.perf_counter() - started)
                if on_batch is not None:
                    on_batch(len(part))
                await asyncio.sleep(0)
                started = time.perf_counter()
        index.parse_times()
        if unread or index.unread:   # the reader stopped before every document came
            raise RuntimeError(f"{index.unread} customers of the local copy came without their documents")
        if on_searchable is not None:   # read whole: searchable only now
            on_searchable(len(added))
    except BaseException as exc:
        reader.stop()   # not left reading documents nobody will take
        index.remove(added)   # part of a copy must not stay (see load_local)
        if not isinstance(exc, Exception):
            raise
        log.warning("could not read the local copy of %s: %s", account_id, exc, exc_info=exc)
        return None
    finally:
        if source is not None:
            if index.document_source is source:
                index.document_source = None
            source.close()
    if rows:
        kept.customers.compact()
    log.info(LOCAL_COPY_INDEXED, account_id, len(spent), sum(spent))
    # The reader's batches are all freed now; its thread's heap would keep their memory (freed_memory.py).
    await asyncio.to_thread(release_freed_memory)
    return kept


class _Turn:
    """One turn of the event loop taking kept batches: those already read are taken together, for about
    `KEPT_TURN_S`, before the loop runs (and the window paints) again."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.started = self.ended = clock()
        self.painted = False   # the first batch (a screenful: copy_reader.FIRST_BATCH) is painted at once

    def batch_begins(self) -> None:
        # More than a moment since the last batch ended: the reader was waited for, and the loop ran meanwhile.
        now = self.clock()
        if now - self.ended > 0.001:
            self.started = now

    async def after_batch(self) -> None:
        self.ended = self.clock()
        if self.ended - self.started >= KEPT_TURN_S or not self.painted:
            self.painted = True
            await asyncio.sleep(0)
            self.started = self.ended = self.clock()


def _add_kept(index: CustomerIndex, batch: KeptColumns, added: list[str]) -> None:
    """A batch with its documents into the index: as columns, else row by row (decoded where its keys were
    made by another setup than the index's: a start's reader guessed it from the first row)."""
    if not index.add_kept(batch):
        if batch.tag == index.keys_tag:
            index.add_local(batch.rows())
        else:
            from console.store.documents import decode

            index.add_local([decode(document) for document in batch.documents or ()])
    added.extend(batch.ids)
