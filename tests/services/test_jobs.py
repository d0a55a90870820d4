"""The job engine at the demo emulators: a job's writes are sent and journaled, a pause stops between
operations and a run resumes where it stopped, a cancel leaves nothing half-done, an operation left
sending by a crash is read back (a create is never made twice), and a 429 is honoured."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx
import pytest

from console.domain.changes import CustomerChanges
from console.domain.jobs import JobState, OpKind, OpState, PlannedOp
from console.providers.http import RetryPolicy
from console.services.jobs import JobRunner, JobStore
from console.services.journal import Journal
from console.services.rate_limits import Budget, RateLimiter
from tests.services.conftest import JournalWatch, OpenDemo

FAST = Budget(per_second=1000, at_once=1)


def _store(journal: Journal) -> JobStore:
    return JobStore(journal.workspace, "ada")


async def _journaled(open_demo: OpenDemo, journal: Journal, provider: str):  # type: ignore[no-untyped-def]
    demo = await open_demo(provider)
    account = demo.session.account
    demo.service.journal = journal.for_account(account.id, account.name, account.info.key)
    await demo.service.load()
    return demo


@pytest.mark.parametrize("provider", ["square", "clover"])
async def test_a_job_sends_each_planned_write_and_journals_it(open_demo: OpenDemo, journal: Journal,
                                                               provider: str) -> None:
    demo = await _journaled(open_demo, journal, provider)
    service, store, watch = demo.service, _store(journal), JournalWatch(journal)
    existing = list(service.index)[:2]
    planned = [PlannedOp(OpKind.CREATE, values={"email": "job.new@example.com"}, label="row 1"),
               PlannedOp(OpKind.UPDATE, existing[0].id, values={"company": "Job Ltd"}, label="row 2"),
               PlannedOp(OpKind.DELETE, existing[1].id, label="row 3")]
    job_id = await store.create("Test job", demo.session.account.id, provider, planned)
    seen: list[dict[str, int]] = []
    runner = JobRunner(store, service, limiter=RateLimiter(FAST), on_progress=lambda j: seen.append(j.counts))
    job = await runner.run(job_id)
    assert job.state is JobState.FINISHED and job.counts == {"done": 3}
    # Progress as each group (one operation here) is marked sending and as it is done; the next group
    # is on its way meanwhile.
    assert seen[:2] == [{"sending": 1, "pending": 2}, {"sending": 2, "pending": 1}]
    assert {"done": 1, "sending": 1, "pending": 1} in seen
    ops = await store.operations(job_id)
    created = ops[0].result_id
    assert created is not None and (await service.provider.get(created)).email == "job.new@example.com"
    assert (await service.provider.get(existing[0].id)).company == "Job Ltd"
    assert service.index.get(existing[1].id) is None
    entries = await watch.new()
    assert [x.intent.operation for x in entries] == ["create", "update", "delete"]
    assert len({x.intent.group_id for x in entries}) == 1   # one job, one group in History


async def test_pause_stops_between_operations_and_a_run_resumes_cancel_skips_the_rest(
        open_demo: OpenDemo, journal: Journal) -> None:
    demo = await _journaled(open_demo, journal, "authorize-net")   # one request an update: no bulk calls
    service, store = demo.service, _store(journal)
    customers = list(service.index)[:10]
    planned = [PlannedOp(OpKind.UPDATE, c.id, values={"description": f"job {n}"}) for n, c in enumerate(customers)]
    job_id = await store.create("Notes", demo.session.account.id, "authorize-net", planned)
    runner = JobRunner(store, service, limiter=RateLimiter(FAST))
    runner.on_progress = lambda j: runner.pause() if j.counts.get("done") == 2 else None
    job = await runner.run(job_id)
    # The requests already out when the pause came finish; those still waiting for their turn are not
    # sent and go back to pending: nothing is left half-done, and nothing more is sent.
    done = job.counts.get("done", 0)
    assert job.state is JobState.PAUSED and done >= 2 and job.counts == {"done": done, "pending": 10 - done}
    assert [j.id for j in await store.unfinished()] == [job_id]   # offered to resume at the next start
    ops = await store.operations(job_id)
    assert [await _description(service, o) == f"job {n}" for n, o in enumerate(ops)] == [
        o.state is OpState.DONE for o in ops]

    runner.on_progress = lambda j: runner.cancel() if j.counts.get("done", 0) >= done + 2 else None
    job = await runner.run(job_id)
    ops = await store.operations(job_id)
    sent = [o for o in ops if o.state is OpState.DONE]
    assert job.state is JobState.CANCELLED and len(sent) >= done + 2
    assert job.counts == {"done": len(sent), "skipped": 10 - len(sent)}
    assert [await _description(service, o) == f"job {n}" for n, o in enumerate(ops)] == [
        o.state is OpState.DONE for o in ops]   # what is skipped was never sent
    assert all(o.error == "cancelled" for o in ops if o.state is OpState.SKIPPED)
    assert await store.unfinished() == []


async def _description(service: Any, op: Any) -> Any:
    return (await service.provider.get(op.planned.customer_id or "")).value("description")


async def test_a_create_left_sending_by_a_crash_is_found_not_made_again(open_demo: OpenDemo,
                                                                          journal: Journal) -> None:
    demo = await _journaled(open_demo, journal, "clover")   # no idempotency keys: read back
    service, store = demo.service, _store(journal)
    job_id = await store.create("Import", demo.session.account.id, "clover",
                                [PlannedOp(OpKind.CREATE, values={"email": "crash@example.com", "given_name": "Cora"})])
    [op] = await store.operations(job_id)
    # The app marked it sending, the request landed, and the app died before writing the outcome.
    await store.sending(op)
    landed = await service.provider.create(CustomerChanges(values=dict(op.planned.values)),
                                           idempotency_key=op.idempotency_key)
    before = len(demo.emulator._customers)  # type: ignore[attr-defined]
    job = await JobRunner(store, service, limiter=RateLimiter(FAST)).run(job_id)
    assert job.counts == {"done": 1}
    [op] = await store.operations(job_id)
    assert op.result_id == landed.id and len(demo.emulator._customers) == before  # type: ignore[attr-defined]


class TooMany(httpx.AsyncBaseTransport):
    """Answers 429 with Retry-After to the first write (Square's bulk update), then lets everything through."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/bulk-update") and not self.refused:
            self.refused += 1
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"errors": [
                {"category": "RATE_LIMIT_ERROR", "code": "RATE_LIMITED", "detail": "slow down"}]})
        return await self.inner.handle_async_request(request)


async def test_a_429_is_honoured_and_the_operation_sent_again(open_demo: OpenDemo, journal: Journal) -> None:
    demo = await _journaled(open_demo, journal, "square")
    service, store = demo.service, _store(journal)
    wire = demo.wire
    too_many = TooMany(wire.inner)
    wire.inner = too_many
    demo.session.provider.http.policy = RetryPolicy(attempts=1)  # type: ignore[attr-defined]
    customer = next(iter(service.index))
    job_id = await store.create("One", demo.session.account.id, "square",
                                [PlannedOp(OpKind.UPDATE, customer.id, values={"note": "after a 429"})])
    job = await JobRunner(store, service, limiter=RateLimiter(FAST)).run(job_id)
    assert too_many.refused == 1 and job.counts == {"done": 1}
    assert (await service.provider.get(customer.id)).note == "after a 429"


async def test_the_limiter_keeps_the_rate_and_the_number_in_flight() -> None:
    limiter = RateLimiter(Budget(per_second=50, at_once=2))
    inside, most = 0, 0
    started: list[float] = []
    loop = asyncio.get_running_loop()

    async def request() -> None:
        nonlocal inside, most
        async with limiter.slot():
            started.append(loop.time())
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(request() for _ in range(10)))
    assert most <= 2
    gaps = [b - a for a, b in itertools.pairwise(started)]
    assert min(gaps) >= 1 / 50 - 0.005   # never two starts closer than the rate allows (timer slack)
