"""P12-P14: the job engine's throughput (issue 19). A job of new customers run through the job
engine (journaled, with the workspace's local copy and the job's own marks) against the provider's
emulator in its own process at 50 ms a request, beside the baseline of one request per row, one at
a time, through the same service and journal, timed on a sample and scaled to the job's rows.

Run through benchmarks/run.py (`--figure P12`, `--figure P13`, `--figure P14`).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LATENCY_MS = 50.0


@dataclass(frozen=True)
class Run:
    job: float        # seconds for the job's rows
    rows: int
    sample: float     # seconds for the baseline's sample, one request per row, one at a time
    sampled: int
    failed: int
    extra: str = ""

    @property
    def baseline(self) -> float:
        return self.sample * self.rows / self.sampled if self.sampled else 0.0


def _values(provider: str, n: int, tag: str) -> dict[str, Any]:
    values: dict[str, Any] = {"given_name": f"Job{n}", "family_name": tag, "email": f"{tag.lower()}{n}@example.com"}
    if provider == "authorize-net":   # its profiles are named by their description
        values = {"description": f"Job{n} {tag}", "email": values["email"]}
    return values


async def _measure(provider: str, rows: int, sampled: int, serve_emulator: Any) -> Run:
    import httpx

    from console.domain.changes import CustomerChanges
    from console.domain.jobs import OpKind, PlannedOp
    from console.providers.base import ProviderConfig
    from console.providers.registry import provider as registered
    from console.services.customer_service import CustomerService
    from console.services.group_commit import GroupCommit
    from console.services.jobs import JobRunner, JobStore
    from console.services.journal import Author, Journal
    from console.services.secrets import MemorySecrets
    from console.services.workspace import LocalWorkspace

    server, connection = serve_emulator(provider, 10, LATENCY_MS)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workspace = LocalWorkspace(Path(tmp) / "workspace.db", MemorySecrets(warning="none"))
            workspace.start()
            assert await workspace.ready()
            account = f"bench:{provider}"
            credentials = {k: str(v) for k, v in connection.items() if k != "base_url"}
            async with httpx.AsyncClient(timeout=60) as http:
                info = registered(provider)
                client = info.client(ProviderConfig(base_url=connection["base_url"], credentials=credentials), http)
                service = CustomerService(client, account_id=account, local=workspace.for_account(account, provider))
                service.journal = Journal(workspace, Author("bench", "bench")).for_account(account, "Bench", provider)
                await service.load()

                started = time.perf_counter()
                for n in range(sampled):   # the baseline: one request per row, one at a time
                    await service.create(CustomerChanges(values=_values(provider, n, "Base")),
                                         idempotency_key=service.new_idempotency_key())
                sample = time.perf_counter() - started

                store = JobStore(workspace, "bench")
                planned = [PlannedOp(OpKind.CREATE, values=_values(provider, n, "Job"), label=f"row {n + 1}")
                           for n in range(rows)]
                job_id = await store.create("Benchmark", account, provider, planned)
                commits = GroupCommit.of(workspace).commits
                runner = JobRunner(store, service)
                started = time.perf_counter()
                job = await runner.run(job_id)
                took = time.perf_counter() - started
                commits = GroupCommit.of(workspace).commits - commits
                budget = runner.limiter.budget
            await workspace.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = "no rate cap" if budget.per_second is None else f"{budget.per_second:.1f} a second"
    extra = (f"job budget {budget.at_once} at once, {rate}; the job's marks and journal entries for {rows:,} "
             f"operations in {commits:,} group commits")
    return Run(took, rows, sample, sampled, job.counts.get("failed", 0), extra)


def _sample_note(run: Run, what: str) -> str:
    return (f"baseline: {run.sampled} rows created one request at a time through the same service and journal, "
            f"{run.sample:.2f} s, scaled to {run.rows:,} rows; {what}; {run.failed} failed; {run.extra}")


def p12_square_bulk(quick: bool, *, line: Any, note: Any, serve_emulator: Any) -> None:
    rows, sampled = (1_000, 40) if quick else (10_000, 200)
    run = asyncio.run(_measure("square", rows, sampled, serve_emulator))
    ratio = run.baseline / run.job
    line("P12", f"Square job, {rows:,} creates by bulk-create", run.job, "s", baseline=run.baseline, ratio=ratio,
         target=">=50x", met=ratio >= 50)
    note(_sample_note(run, f"the job sends BulkCreateCustomers of 100 at the emulator in its own process, "
                           f"{LATENCY_MS:.0f} ms a request"))


def p13_authorize_net(quick: bool, *, line: Any, note: Any, serve_emulator: Any) -> None:
    rows, sampled = (200, 40) if quick else (2_000, 200)
    run = asyncio.run(_measure("authorize-net", rows, sampled, serve_emulator))
    ratio = run.baseline / run.job
    line("P13", f"Authorize.net job, {rows:,} creates at the default concurrency", run.job, "s",
         baseline=run.baseline, ratio=ratio, target=">=8x", met=ratio >= 8)
    note(_sample_note(run, f"createCustomerProfile per row at the emulator in its own process, {LATENCY_MS:.0f} ms "
                           "a request"))


def p14_clover(quick: bool, *, line: Any, note: Any, serve_emulator: Any) -> None:
    from console.providers.clover.capabilities import MAX_PER_SECOND

    rows = 160 if quick else 1_000
    run = asyncio.run(_measure("clover", rows, 0, serve_emulator))
    floor = rows / MAX_PER_SECOND
    line("P14", f"Clover job, {rows:,} creates", run.job, "s", baseline=floor, ratio=run.job / floor,
         target="<=1.05x floor", met=run.job <= 1.05 * floor)
    note(f"baseline: the floor Clover's limit allows, {rows:,} requests / {MAX_PER_SECOND} a second; one create "
         f"a row at the emulator in its own process ({LATENCY_MS:.0f} ms a request, Clover's 16 a second and 5 at "
         f"once enforced there); {run.failed} failed; {run.extra}")
