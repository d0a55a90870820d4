"""P8: the All accounts table at scale. Five accounts' local copies in the workspace database, shown
together from it: start to every row searchable, search per keystroke, memory per customer.

Run through benchmarks/run.py (`--figure P8`); the providers are held unanswered throughout, so
the figures are the database's and the window's, not a refresh's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ACCOUNTS = ("square", "authorize-net", "clover", "payarc", "digital-river")
PAGE = 10_000   # customers saved per transaction while the workspace is prepared
QUERIES = ("marti", "smith", "gmail", "4155")   # each typed one key at a time, from an empty field


def fill_all_accounts(config: Path, per_account: int, secrets: Any) -> int:
    """Every demo account's local copy in the workspace under `config` (`per_account` customers each,
    one complete refresh each), All accounts made the last view, its key in `secrets` where the app
    will look. Returns the customers saved."""
    from console.providers.registry import provider as provider_info
    from console.providers.square.mapping import customer_from_wire
    from console.sandbox.square.emulator import SquareEmulator
    from console.services.accounts import ALL_ACCOUNTS, DEMO_PREFIX
    from console.services.customer_index import CustomerIndex
    from console.services.paths import AppPaths
    from console.services.private_files import make_private_dir
    from console.services.settings import SettingsStore
    from console.services.workspace_key import workspace_key
    from console.store.accounts import begin_refresh, complete_refresh
    from console.store.customers import save_page
    from console.store.engine import open_workspace

    paths = AppPaths.resolve(config)
    store = SettingsStore(paths.settings_file)
    settings = store.load().settings
    settings.last_account_id = ALL_ACCOUNTS
    store.save(settings)
    # Generated people as domain customers; each account gets the same people (the store and the
    # window treat them as five accounts' own), which keeps preparing 500,000 rows quick.
    customers = [customer_from_wire(w) for w in SquareEmulator(seed=9, customers=per_account)._customers.values()]
    database = paths.workspace_database
    make_private_dir(database.parent)
    logging.disable(logging.WARNING)   # no keychain here: the key file's warning is the app's business
    try:
        key = workspace_key(secrets, database).key
    finally:
        logging.disable(logging.NOTSET)
    workspace = open_workspace(database, key)
    now = datetime.now(UTC)
    for provider in ACCOUNTS:
        account = DEMO_PREFIX + provider
        # Each customer's index keys saved beside it, as the app's refresh saves them (stored_rows.py).
        index = CustomerIndex.for_capabilities(provider_info(provider).capabilities)
        with workspace.write() as connection:
            refresh = begin_refresh(connection, account, provider, now)
        for start in range(0, len(customers), PAGE):
            page = customers[start:start + PAGE]
            with workspace.write() as connection:
                save_page(connection, account, page, now, index.row_keys(page))
        with workspace.write() as connection:
            complete_refresh(connection, refresh, now, full=True)
    workspace.close()
    return len(customers) * len(ACCOUNTS)


class _Records(logging.Handler):
    """Counts the records of one logger at DEBUG and above while it is open; `all` is set at `wanted`.
    Made on the event loop; records may come from any thread."""

    def __init__(self, name: str, wanted: int) -> None:
        super().__init__(logging.DEBUG)
        self.count, self.wanted = 0, wanted
        self.all = asyncio.Event()
        self.loop = asyncio.get_running_loop()
        self.logger = logging.getLogger(name)
        self.level_before = self.logger.level
        self.logger.setLevel(logging.DEBUG)
        self.logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.count == self.wanted:
            self.loop.call_soon_threadsafe(self.all.set)

    def close(self) -> None:
        self.logger.removeHandler(self)
        self.logger.setLevel(self.level_before)
        super().close()


class _Unanswered(httpx.AsyncBaseTransport):
    """A provider that never answers: the refresh waits while the local copies are measured."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


def p8_all_accounts(per_account: int, *, line: Any, note: Any, rss: Any, make_context: Any,
                    run_on_qasync: Any, type_query: Any, percentile: Any, between_keys: Any) -> None:
    """Print P8a (start to all rows searchable), P8b (search p95 per keystroke), P8c (memory per customer)."""

    from console.services import row_search

    async def main() -> None:
        from console.services.accounts import ALL_ACCOUNTS
        from console.services.customer_index import CustomerIndex
        from console.ui.main_window import MainWindow

        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "config"
            context = make_context(config, dict.fromkeys(ACCOUNTS, 5), 0.0)
            total = fill_all_accounts(config, per_account, context.secrets)
            context.settings.last_account_id = ALL_ACCOUNTS
            context.demo.transport = lambda _key: _Unanswered()
            context.workspace.start()
            for provider in ACCOUNTS:
                context.demo.emulator(provider)   # the small demo data seeded first: not what is measured
            before = rss()   # which hands freed memory back itself: before the window's hand-backs are counted
            handed_back = _Records("console.services.freed_memory", len(ACCOUNTS))
            started = time.perf_counter()
            window = MainWindow(context)
            window.resize(1280, 800)
            window.show()
            while not (window.all_accounts.active and len(window.model.source or ()) == total):
                if time.perf_counter() - started > 120:
                    raise RuntimeError(f"the local copies did not all show: {len(window.model.source or ())} rows")
                await asyncio.sleep(0.001)
            ready = time.perf_counter() - started
            window.table.viewport().repaint()
            # Measured once each account's reader has finished and its freed memory went back (freed_memory.py).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(handed_back.all.wait(), 120)
            handed_back.close()
            used = rss() - before
            window.search.setFocus()
            ours = [t for query in QUERIES for t in await type_query(window.search, window.table, query, window.model)]
            longest_slice = window.model.search.rows.longest_slice
            ahead = between_keys(window.customer_list.ahead)
            screenful = window.model.search.rows.first_rows or row_search.FIRST_ROWS   # as the last keystroke set it
            window.search.clear()
            # Baseline: the single-account structure, one index over all the same customers, searched
            # for each prefix as typed (search alone, no table to paint).
            single = CustomerIndex(search_fields=("name", "company", "email", "phone", "reference_id"),
                                   name_fields=("full_name", "company", "email", "phone", "reference_id"))
            for member in window.all_accounts.index.members if window.all_accounts.index else ():
                single.upsert(_renamed(member, len(single)))
            theirs = []
            for query in QUERIES:
                for end in range(1, len(query) + 1):
                    at = time.perf_counter()
                    single.matching(query[:end])
                    theirs.append(time.perf_counter() - at)
            await window.shutdown()
            await context.workspace.close()
        p95, b95 = percentile(ours, 95), percentile(theirs, 95)
        line("P8a", f"all accounts, {total:,} rows from the database to searchable", ready, "s", baseline=None,
             target="<=2 s", met=ready <= 2.0)
        line("P8b", "all accounts, search p95 per keystroke", p95, "ms", baseline=b95, ratio=b95 / p95,
             target="<=8 ms", met=p95 <= 0.008)
        line("P8c", "all accounts, memory per customer in the window", used / total, "KB", baseline=None,
             target="<=1 KB", met=used / total <= 1024)
        note(f"{len(ACCOUNTS)} demo accounts x {per_account:,} customers in the encrypted workspace database, "
             f"providers unanswered; {len(ours)} keystrokes of {', '.join(QUERIES)} typed into the window "
             f"(search and repaint); baseline: one single-account index over the same {total:,} customers, "
             f"search alone; p50 {statistics.median(ours) * 1000:.1f} ms (baseline "
             f"{statistics.median(theirs) * 1000:.1f} ms); the rows after the first {screenful} (the table's "
             f"screenful) found in slices between keystrokes (untimed), the longest {longest_slice * 1000:.1f} ms; "
             f"{ahead}")
        note(f"P8c: the process's RSS from before the window to every row shown, once each account's reader "
             f"had finished and its freed memory was handed back ({handed_back.count} of {len(ACCOUNTS)}; "
             "console/services/freed_memory.py)")

    run_on_qasync(main)


def _renamed(member: Any, offset: int) -> list[Any]:
    import dataclasses
    return [dataclasses.replace(c, id=f"{offset}-{c.id}") for c in member]
