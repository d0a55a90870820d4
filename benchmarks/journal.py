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
             f"writes its intent (awaited) before the request and its outcome (queued) after; "
             f"p90 {statistics.quantiles(timed[True], n=10)[8] * 1000:.1f} ms with, "
             f"{statistics.quantiles(timed[False], n=10)[8] * 1000:.1f} ms without")

    asyncio.run(main())
