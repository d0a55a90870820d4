"""P11a: what journaling adds to a save. The same updates through the services against the Square
emulator at 50 ms a request, with the journal on (the intent written before the request, the outcome
after) and off, interleaved so a noisy moment hits both.

Run through benchmarks/run.py (`--figure P11`).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

SAVES = 40   # each way; the medians are compared


def p11_journal_save(quick: bool, *, line: Any, note: Any) -> None:
    """Print P11a: the median save with the journal beside the same save without it."""

    async def main() -> None:
        from console.domain.changes import CustomerChanges
        from console.services.accounts import demo_accounts, open_session
        from console.services.demo import DemoSandbox
        from console.services.journal import Author, Journal
        from console.services.secrets import MemorySecrets
        from console.services.workspace import LocalWorkspace

        saves = 10 if quick else SAVES
        with tempfile.TemporaryDirectory() as tmp:
            demo = DemoSandbox(Path(tmp) / "demo", latency_ms=50, customers={"square": 50})
            account = next(a for a in demo_accounts(demo) if a.info.key == "square")
            session = await open_session(account, secrets=MemorySecrets(), demo=demo)
            workspace = LocalWorkspace(Path(tmp) / "workspace.db", MemorySecrets(warning="none"))
            workspace.start()
            assert await workspace.ready()
            journal = Journal(workspace, Author("bench", "bench")).for_account(account.id, account.name, "square")
            service = session.service
            await service.load()
            customers = list(service.index)
            timed: dict[bool, list[float]] = {True: [], False: []}
            for n in range(saves * 2):
                journaled = n % 2 == 0
                service.journal = journal if journaled else None
                customer = service.index.get(customers[n % len(customers)].id)
                assert customer is not None
                started = time.perf_counter()
                await service.update(customer, CustomerChanges(values={"note": f"save {n}"}))
                timed[journaled].append(time.perf_counter() - started)
            await workspace.close()
            await session.aclose()
        on, off = statistics.median(timed[True]), statistics.median(timed[False])
        line("P11a", "a save with the journal (median)", on, "ms", baseline=off, ratio=on / off,
             target="<=1.05x without", met=on <= 1.05 * off)
        note(f"{saves} updates of a Square demo customer each way at 50 ms a request, interleaved; the journal "
             f"appends its intent to the intent file before the request (committed to the database at the "
             f"loop's next turn) and queues its outcome after; "
             f"p90 {statistics.quantiles(timed[True], n=10)[8] * 1000:.1f} ms with, "
             f"{statistics.quantiles(timed[False], n=10)[8] * 1000:.1f} ms without")

    asyncio.run(main())


HISTORY_ENTRIES = 100_000
_STAFF = ("ada", "tom", "lee", "kim", "ola")
_ACCOUNTS = ("demo:square", "demo:clover", "demo:authorize-net", "demo:payarc", "demo:digital-river")


def _fill_journal(workspace: Any, count: int) -> None:
    """`count` entries (intent and outcome each) over five accounts and five staff, a minute apart."""
    from datetime import UTC, datetime, timedelta

    from console.domain.journal import FieldChange, Finish, Intent, Outcome
    from console.store import journal

    start = datetime.now(UTC) - timedelta(minutes=count)

    def write(first: int, last: int) -> None:
        def batch(connection: Any) -> None:
            for n in range(first, last):
                who, account = _STAFF[n % 5], _ACCOUNTS[n * 7 % 5]
                intent = Intent(account_id=account, provider=account.split(":")[1], operation="update", who=who,
                                os_user=who, computer="desk", customer_id=f"C{n % 20_000:05d}",
                                customer_name=f"Customer {n % 20_000}",
                                changes=(FieldChange("email", f"old{n}@example.com", f"new{n}@example.com"),))
                at = start + timedelta(minutes=n)
                [entry_id] = journal.record_intents(connection, [intent], at)
                journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED), at)
        workspace._write(batch)

    for first in range(0, count, 5_000):
        write(first, min(first + 5_000, count))


def _paint_watch(view: Any, model: Any) -> Any:
    """A function returning a future for the end of the view's first paint after the model's next `loaded`:
    what the person sees, painted once (a forced repaint after the await painted the rows a second time)."""
    from PySide6.QtCore import QEvent, QObject

    class Watch(QObject):
        def __init__(self) -> None:
            super().__init__(view)
            self.armed: asyncio.Future[float] | None = None
            self.waiting: asyncio.Future[float] | None = None
            view.installEventFilter(self)
            model.loaded.connect(lambda _n: setattr(self, "armed", self.waiting))

        def next_paint(self) -> asyncio.Future[float]:
            self.waiting = asyncio.get_running_loop().create_future()
            return self.waiting

        def eventFilter(self, watched: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint and self.armed is not None and not self.armed.done():
                armed, self.armed = self.armed, None
                # Called back once this paint is over: its end is when the rows are on screen.
                asyncio.get_running_loop().call_soon(lambda: armed.done() or armed.set_result(time.perf_counter()))
            return False

    return Watch().next_paint


def p11_history_window(quick: bool, *, line: Any, note: Any, make_context: Any, run_on_qasync: Any) -> None:
    """Print P11b (History opens on 100,000 entries) and P11c (a filter change), beside an unfiltered page."""

    async def main() -> None:
        from console.domain.journal import JournalQuery
        from console.ui.async_qt import wait_signal
        from console.ui.history_window import HistoryWindow
        from console.ui.main_window import MainWindow

        count = 10_000 if quick else HISTORY_ENTRIES
        with tempfile.TemporaryDirectory() as tmp:
            context = make_context(Path(tmp), {"square": 20}, 0.0)
            context.workspace.start()
            assert await context.workspace.ready()
            await context.workspace._run(lambda: _fill_journal(context.workspace, count))
            window = MainWindow(context)
            window.resize(1280, 800)
            loaded = wait_signal(window.load_finished)
            window.show()
            await loaded
            pages = []
            for _ in range(5):
                started = time.perf_counter()
                await context.journal.entries(JournalQuery(), limit=200)
                pages.append(time.perf_counter() - started)
            page = statistics.median(pages)

            started = time.perf_counter()
            history = HistoryWindow(window)   # what show_history does, with its model's signal armed
            painted = _paint_watch(history.table.viewport(), history.model)
            first = painted()
            history.show()
            history.refresh()
            opened = await first - started

            changes = []
            filters = history.filters
            for change in (lambda: filters.who_box.setCurrentIndex(2), lambda: filters.account_box.setCurrentIndex(3),
                           lambda: filters.operation_box.setCurrentIndex(filters.operation_box.findData("update")),
                           lambda: filters.who_box.setCurrentIndex(0), lambda: filters.account_box.setCurrentIndex(0),
                           lambda: filters.operation_box.setCurrentIndex(0)):
                done = painted()
                started = time.perf_counter()
                change()
                changes.append(await done - started)
            done = painted()
            started = time.perf_counter()
            filters.search.setText("Customer 1234")
            filters.typing.stop()
            filters.changed.emit()   # the typing pause is the user's, not the window's: measured from its end
            text = await done - started
            history.close()
            await window.shutdown()
            await context.workspace.close()
        worst = max(changes)
        line("P11b", f"History opens on {count:,} entries", opened, "ms", baseline=page, ratio=opened / page,
             target="<=300 ms", met=opened <= 0.300)
        line("P11c", "History filter change (slowest of six choices)", worst, "ms", baseline=page,
             ratio=worst / page, target="<=100 ms", met=worst <= 0.100)
        note("each from the action to the end of the table's first paint after the rows are in; "
             "baseline: one unfiltered page of 200 read from the journal (median of five); filter changes "
             "(staff, account, operation, each set and cleared): "
             + ", ".join(f"{c * 1000:.0f}" for c in changes)
             + f" ms; the text filter after its typing pause {text * 1000:.0f} ms")

    run_on_qasync(main)
