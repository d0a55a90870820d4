"""The job engine's throughput and its hardest cases: requests go out as many at once as the
provider's budget allows and no more, Square's go in bulk calls of at most 100 with one journal
entry per customer, and a storm of 429s from the emulator ends with every operation done once."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from console.domain.jobs import JobState, OpKind, OpState, PlannedOp
from console.domain.journal import Outcome
from console.providers.clover.capabilities import MAX_IN_FLIGHT, MAX_PER_SECOND, RATE_WINDOW_S
from console.sandbox.faults import FaultConfig, FaultPlan
from console.services.jobs import RATE_LIMIT_RETRIES, JobRunner, JobStore
from console.services.journal import Journal
from console.services.rate_limits import Budget, RateLimiter
from tests.services.conftest import JournalWatch, OpenDemo


class InFlight(httpx.AsyncBaseTransport):
    """Counts the requests out at once: each lets the loop run a few turns before it is answered,
    so requests sent together are seen together."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.now = 0
        self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            for _ in range(5):
                await asyncio.sleep(0)
            return await self.inner.handle_async_request(request)
        finally:
            self.now -= 1


async def _journaled(open_demo: OpenDemo, journal: Journal, provider: str, **kwargs: object):  # type: ignore[no-untyped-def]
    demo = await open_demo(provider, **kwargs)
    account = demo.session.account
    demo.service.journal = journal.for_account(account.id, account.name, account.info.key)
    await demo.service.load()
    return demo


def _creates(count: int, tag: str) -> list[PlannedOp]:
    return [PlannedOp(OpKind.CREATE, values={"given_name": f"{tag}{n}", "email": f"{tag.lower()}{n}@example.com"},
                      label=f"row {n + 1}") for n in range(count)]


def test_each_provider_has_its_budget_authorize_net_the_accounts_concurrency() -> None:
    from console.services.rate_limits import budget_for

    assert budget_for("clover") == Budget(MAX_PER_SECOND / RATE_WINDOW_S, MAX_IN_FLIGHT)
    assert budget_for("digital-river") == Budget(25, 1)
    assert budget_for("authorize-net", 7) == Budget(None, 7)   # the account's option, no rate kept
    assert budget_for("payarc") == budget_for("square") == Budget(10, 2)


async def test_requests_go_out_as_many_at_once_as_the_budget_allows(open_demo: OpenDemo, journal: Journal) -> None:
    demo = await _journaled(open_demo, journal, "authorize-net")
    runner = JobRunner(JobStore(journal.workspace, "ada"), demo.service)
    assert runner.limiter.budget == Budget(None, 10)   # the account's concurrency (its default), no rate
    counted = InFlight(demo.wire.inner)
    demo.wire.inner = counted
    store = JobStore(journal.workspace, "ada")
    job_id = await store.create("Many", demo.session.account.id, "authorize-net", _creates(14, "Wide"))
    job = await JobRunner(store, demo.service, limiter=RateLimiter(Budget(None, 3))).run(job_id)
    assert job.counts == {"done": 14}
    assert counted.most == 3   # three out together, never a fourth
    found = {c.email for c in demo.service.index}
    assert {f"wide{n}@example.com" for n in range(14)} <= found


async def test_square_sends_bulk_calls_of_at_most_100_and_journals_each_customer(
        open_demo: OpenDemo, journal: Journal) -> None:
    demo = await _journaled(open_demo, journal, "square")
    service, store, watch = demo.service, JobStore(journal.workspace, "ada"), JournalWatch(journal)
    await watch.new()
    planned = _creates(150, "Bulk")
    planned[7] = PlannedOp(OpKind.CREATE, values={"email": "not an email"}, label="row 8")   # refused by Square alone
    existing = list(service.index)[:3]
    planned += [PlannedOp(OpKind.UPDATE, c.id, values={"note": "bulk note"}) for c in existing]
    demo.wire.traffic.clear()
    job_id = await store.create("Import", demo.session.account.id, "square", planned)
    job = await JobRunner(store, service, limiter=RateLimiter(Budget(1000, 2))).run(job_id)
    assert job.state is JobState.FINISHED and job.counts == {"done": 152, "failed": 1}

    urls = demo.wire.traffic[0::3]
    bodies = [json.loads(b) for u, b in zip(urls, demo.wire.traffic[1::3], strict=True) if u.endswith("/bulk-create")]
    assert sorted(len(b["customers"]) for b in bodies) == [50, 100]
    assert sum(u.endswith("/bulk-update") for u in urls) == 1 and not any(u.endswith("/customers") for u in urls)
    ops = await store.operations(job_id)
    assert {key for b in bodies for key in b["customers"]} == {op.idempotency_key for op in ops[:150]}

    entries = await watch.new()
    creates = [x for x in entries if x.intent.operation == "create"]
    assert len(creates) == 150 and len([x for x in entries if x.intent.operation == "update"]) == 3
    assert [x.outcome for x in creates].count(Outcome.FAILED) == 1
    made = [x.customer_id for x in creates if x.outcome is Outcome.SUCCEEDED]
    assert len(set(made)) == 149 and set(made) == {op.result_id for op in ops[:150] if op.state is OpState.DONE}
    assert len({x.at for x in creates}) == 2   # each call's intents written together, before it went
    failed = next(op for op in ops if op.state is OpState.FAILED)
    assert failed.seq == 7 and failed.error and "email" in failed.error.lower()
    assert [(await service.provider.get(c.id)).value("note") for c in existing] == ["bulk note"] * 3


async def test_a_storm_of_429s_ends_with_every_operation_done_once(open_demo: OpenDemo, journal: Journal) -> None:
    demo = await _journaled(open_demo, journal, "clover")   # no idempotency keys: a create is sent once each time
    emulator = demo.emulator
    emulator.faults = FaultPlan(FaultConfig(retry_after=0.0))
    emulator.faults.force("429", RATE_LIMIT_RETRIES - 1)   # however they fall on the five at once, none fails
    store = JobStore(journal.workspace, "ada")
    job_id = await store.create("Storm", demo.session.account.id, "clover", _creates(10, "Storm"))
    job = await JobRunner(store, demo.service, limiter=RateLimiter(Budget(1000, 5))).run(job_id)
    assert emulator.faults.injected["429"] == RATE_LIMIT_RETRIES - 1
    assert job.counts == {"done": 10}
    everyone = [c async for page in demo.service.provider.iter_pages() for c in page.customers]
    storm = sorted(c.email for c in everyone if c.email and c.email.startswith("storm"))
    assert storm == sorted(f"storm{n}@example.com" for n in range(10))   # each once


@pytest.mark.parametrize("kind", ["square", "clover"])
async def test_cancel_while_groups_are_out_finishes_them_and_skips_the_rest(
        open_demo: OpenDemo, journal: Journal, kind: str) -> None:
    demo = await _journaled(open_demo, journal, kind)
    store = JobStore(journal.workspace, "ada")
    job_id = await store.create("Cancelled", demo.session.account.id, kind, _creates(450 if kind == "square" else 12,
                                                                                     "Cut"))
    runner = JobRunner(store, demo.service, limiter=RateLimiter(Budget(1000, 2)))
    runner.on_progress = lambda j: runner.cancel()
    job = await runner.run(job_id)
    ops = await store.operations(job_id)
    assert job.state is JobState.CANCELLED and not job.counts.get("sending") and not job.counts.get("pending")
    assert job.counts["skipped"] > 0 and all(op.error == "cancelled" for op in ops if op.state is OpState.SKIPPED)
    made = {c.email for c in demo.service.index}
    assert all((op.planned.values["email"] in made) == (op.state is OpState.DONE) for op in ops)
