"""The job engine (issue 19, no Qt): a job's planned writes sent through the account's service (so
each is journaled, confirmed and checked like any save), as many at once as the provider's request
budget allows, with its state in the workspace so it can be paused, cancelled and resumed after a crash.

Each operation is marked *sending* before its request goes (the marks and journal intents of the
operations going out together share one transaction, as do their outcomes). A start that finds one
so (the app stopped with the request out) reads back before sending again: a create is looked for
with the same read-back as the edit dialog's lost create (or sent again with its stored idempotency
key where the provider honours one, Square), so no create is ever made twice; an update or a
delete is simply sent again, which is harmless (a delete of a customer already gone counts as done).
Where the provider has bulk endpoints (Square) creates and updates go up to `bulk_limit` a call.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.jobs import Job, JobOp, JobState, OpKind, OpState, PlannedOp
from console.services.customer_service import CustomerService
from console.services.group_commit import GroupCommit
from console.services.lost_answers import CreateAttempt, find_created
from console.services.rate_limits import RateLimiter, budget_for
from console.services.redaction import REDACTOR
from console.services.workspace import LocalWorkspace

Progress = Callable[[Job], None]
# A 429 is honoured (its Retry-After, holding every worker) and the same operation tried again; one
# fails only after this many in a row. Several at once share a storm, so one may draw most of it.
RATE_LIMIT_RETRIES = 16
TOO_MANY = "the provider kept refusing for too many requests"
# (operation, its new state, the provider's id, the error)
Outcome = tuple[JobOp, OpState, str | None, str | None]
T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(UTC)


def _changes(planned: PlannedOp) -> CustomerChanges:
    return CustomerChanges(values=dict(planned.values), cleared=frozenset(planned.cleared))


class NotSent(e.ConsoleError):
    """A request of a group that had not gone when the job was paused or cancelled: it is not sent."""


class JobStore:
    """Jobs in the workspace database, through its worker thread; operation marks go in group commits."""

    def __init__(self, workspace: LocalWorkspace, who: str) -> None:
        self.workspace = workspace
        self.who = who
        self.commits = GroupCommit.of(workspace)

    async def _write(self, func: Callable[..., object], *args: object) -> object:
        return await self.workspace._run(lambda: self.workspace._write(func, *args))

    async def create(self, title: str, account_id: str, provider: str, planned: Sequence[PlannedOp]) -> str:
        from console.store import jobs
        if self.workspace.cached:   # the team's jobs live on its server: one made here would be lost
            raise e.TeamWorkspaceAwayError("The team workspace cannot be reached, so no job can start until it "
                                           "is back. Nothing was sent.")
        return str(await self.workspace._run(lambda: self.workspace._write(
            lambda c: jobs.create_job(c, title=title, account_id=account_id, provider=provider,
                                      created_by=self.who, planned=planned, at=_now()))))

    async def job(self, job_id: str) -> Job | None:
        from console.store import jobs
        return await self.workspace._run(lambda: self.workspace._read(jobs.job, job_id))

    async def operations(self, job_id: str, states: Sequence[OpState] | None = None) -> list[JobOp]:
        from console.store import jobs
        return await self.workspace._run(lambda: self.workspace._read(jobs.operations, job_id, states))

    async def unfinished(self) -> list[Job]:
        """Jobs a start should offer to resume."""
        from console.store import jobs
        return await self.workspace._run(lambda: self.workspace._read(jobs.unfinished))

    async def set_state(self, job_id: str, state: JobState) -> None:
        from console.store import jobs
        await self._write(jobs.set_job_state, job_id, state)

    async def sending(self, *ops: JobOp) -> None:
        """Marked before their requests go (with whatever else is being written, in one transaction)."""
        from console.store import jobs
        at = _now()

        def write(connection: Any) -> None:
            for job_id in {op.job_id for op in ops}:
                jobs.mark_sending_many(connection, job_id, [op.seq for op in ops if op.job_id == job_id], at)
        await self.commits.write(write)

    async def finish(self, op: JobOp, state: OpState, *, result_id: str | None = None,
                     error: str | None = None) -> None:
        await self.finish_many([(op, state, result_id, error)])

    async def finish_many(self, outcomes: Sequence[Outcome]) -> None:
        from console.store import jobs

        def write(connection: Any) -> None:
            for job_id in {op.job_id for op, *_ in outcomes}:
                jobs.finish_many(connection, job_id, [(op.seq, state, result, error)
                                                      for op, state, result, error in outcomes if op.job_id == job_id])
        await self.commits.write(write)


WAITING = "another job on this account is sending; this one starts when it ends (they share its rate budget)"


class JobRunner:
    """Runs one job at its account's service, up to the budget's `at_once` operations (or bulk calls)
    together; `pause()` and `cancel()` take effect between operations, never inside one."""

    def __init__(self, store: JobStore, service: CustomerService, *, limiter: RateLimiter | None = None,
                 on_progress: Progress | None = None) -> None:
        self.store = store
        self.service = service
        self.limiter = limiter or RateLimiter(budget_for(service.capabilities.provider,
                                                         service.provider.account_concurrency))
        self.on_progress = on_progress
        self._stop: JobState | None = None   # PAUSED or CANCELLED once asked for
        self._job: Job | None = None
        self._counts: collections.Counter[str] = collections.Counter()

    def pause(self) -> None:
        self._stop = JobState.PAUSED

    def cancel(self) -> None:
        self._stop = JobState.CANCELLED

    @property
    def unit_size(self) -> int:
        """Operations sent as one group: a bulk call's worth, or twice as many as may be out at once (the
        limiter keeps the number out; larger groups mean fewer transactions an operation)."""
        return self.service.capabilities.bulk_limit or 2 * self.limiter.budget.at_once

    async def run(self, job_id: str) -> Job:
        """Send what is left of the job (after a pause or a crash too); the job as it ends. A cancel
        asked for while it was paused sends nothing more."""
        if self._stop is JobState.PAUSED:
            self._stop = None
        await self.store.set_state(job_id, JobState.RUNNING)
        self._job = await self.store.job(job_id)
        self._counts = collections.Counter(self._job.counts if self._job else {})
        left = await self.store.operations(job_id, [OpState.PENDING, OpState.SENDING])
        local = self.service.local
        turn = local.job_turn(self._waiting, lambda: self._stop is not None) if local is not None else None
        async with turn or contextlib.nullcontext(True) as mine:
            if mine:
                with self.service.grouped():
                    await self._workers(self._units(left))
        if self._stop is JobState.CANCELLED:
            skipped = await self.store.operations(job_id, [OpState.PENDING])
            await self.store.finish_many([(op, OpState.SKIPPED, None, "cancelled") for op in skipped])
        await self.store.set_state(job_id, self._stop or JobState.FINISHED)
        job = await self.store.job(job_id)
        assert job is not None
        if self.on_progress is not None:
            self.on_progress(job)
        return job

    def _units(self, ops: list[JobOp]) -> Iterator[list[JobOp]]:
        """Runs of one kind of operation, in the planned order, up to `unit_size` each."""
        unit: list[JobOp] = []
        for op in ops:
            if unit and (unit[0].planned.kind is not op.planned.kind or len(unit) >= self.unit_size):
                yield unit
                unit = []
            unit.append(op)
        if unit:
            yield unit

    async def _workers(self, units: Iterator[list[JobOp]]) -> None:
        """Several groups on their way at a time, so the next group's requests follow the last one's
        without waiting for its outcomes to be written (the limiter keeps the number in flight)."""
        async def worker() -> None:
            for unit in units:   # shared: each group goes to the first worker free
                if self._stop is not None:
                    return
                await self._unit(unit)

        # A group is one bulk call (twice as many groups as calls may be out, so one group's database
        # work overlaps another's call) or twice as many requests as may be out.
        workers = max(2, 2 * self.limiter.budget.at_once) if self.service.capabilities.bulk_limit else 2
        done = await asyncio.gather(*(worker() for _ in range(workers)), return_exceptions=True)
        for result in done:   # every worker has stopped (nothing left half-done) before one's error is raised
            if isinstance(result, BaseException):
                raise result

    async def _sending(self, ops: Sequence[JobOp]) -> None:
        await self.store.sending(*ops)
        for op in ops:
            self._counts[op.state.value] -= 1
            self._counts[OpState.SENDING.value] += 1
        self._report()

    async def _finished(self, outcomes: Sequence[Outcome]) -> None:
        await self.store.finish_many(outcomes)
        for _op, state, _result, _error in outcomes:
            self._counts[OpState.SENDING.value] -= 1
            self._counts[state.value] += 1
        self._report()

    def _waiting(self) -> None:
        """Another job has the account's turn (a team workspace): say so until this one starts."""
        if self.on_progress is not None and self._job is not None:
            self.on_progress(replace(self._job, state=JobState.RUNNING, waiting=WAITING))

    def _report(self) -> None:
        """Progress as the workspace now holds it (after each group is marked sending, and once it is done)."""
        if self.on_progress is not None and self._job is not None:
            self.on_progress(replace(self._job, state=JobState.RUNNING,
                                     counts={k: v for k, v in self._counts.items() if v > 0}))

    async def _limited(self, send: Callable[[], Awaitable[T]]) -> T:
        """`send()` within the budget; a 429 holds every worker for its Retry-After, then it is sent again.
        Once a pause or cancel is asked for, a request still waiting for its turn is not sent (NotSent):
        only those already out finish, so Stop means after the customers being sent, not the group."""
        for _attempt in range(RATE_LIMIT_RETRIES - 1):
            try:
                async with self.limiter.slot():
                    if self._stop is not None:
                        raise NotSent("not sent: the job was stopped first")
                    return await send()
            except e.RateLimitedError as exc:
                self.limiter.hold(1.0 if exc.retry_after is None else exc.retry_after)
        async with self.limiter.slot():
            return await send()

    async def _found_before(self, op: JobOp) -> bool:
        """A create left sending by a crash at a provider without idempotency keys, found landed (and done)."""
        if (op.state is not OpState.SENDING or op.planned.kind is not OpKind.CREATE
                or self.service.capabilities.idempotent_create):
            return False
        found = await self._limited(functools.partial(self._created_before, op))
        if found is None:
            return False
        await self._sending([op])   # counted as sending, then done
        await self._finished([(op, OpState.DONE, found, None)])
        return True

    async def _unit(self, ops: list[JobOp]) -> None:
        """A group of one kind of operation: marked sending together, sent through the service's many-
        at-once writes (one journal entry per customer; the intents, and then the outcomes, each in
        one transaction), each request within the budget, their outcomes written together."""
        kind = ops[0].planned.kind
        ops = [op for op in ops if not await self._found_before(op)]
        if not ops:
            return
        await self._sending(ops)
        service, each = self.service, self._limited
        outcomes: list[Outcome] = []
        keyed = {(op.idempotency_key if kind is OpKind.CREATE else op.planned.customer_id or ""): op for op in ops}
        try:
            if kind is OpKind.CREATE:
                items = [(key, _changes(op.planned)) for key, op in keyed.items()]
                # A copy's create names the customer it copies (the journal links source and target).
                links = {key: {"copied_from": op.planned.source} for key, op in keyed.items() if op.planned.source}
                result = await service.create_many(items, each=each, links=links)
            else:
                read = await service.fetch_many(list(keyed), each=each)
                for customer_id, error in read.failed.items():
                    op = keyed.pop(customer_id)
                    if kind is OpKind.DELETE and isinstance(error, e.NotFoundError):
                        # Gone already: what was asked (or our own earlier attempt, whose answer was lost).
                        outcomes.append((op, OpState.DONE, customer_id, None))
                    else:
                        outcomes.append((op, OpState.FAILED, None, _failure(error)))
                current = [c for i, c in read.succeeded.items() if c is not None and i in keyed]
                if kind is OpKind.UPDATE:
                    result = await service.update_many([(c, _changes(keyed[c.id].planned)) for c in current],
                                                       each=each)
                else:
                    result = await each(lambda: service.delete_many(current)) if current else read
        except e.ConsoleError as exc:
            await self._finished(outcomes + [self._failed(op, exc) for op in keyed.values()])
            return
        for key, op in keyed.items():
            if key in result.succeeded and key not in result.failed:
                customer = result.succeeded[key]
                outcomes.append((op, OpState.DONE, customer.id if customer is not None else key, None))
            else:
                outcomes.append(self._failed(op, result.failed.get(key)))
        await self._finished(outcomes)

    def _failed(self, op: JobOp, error: BaseException | None) -> Outcome:
        """A failed operation's outcome; one never sent goes back to pending (a pause) or is skipped."""
        if isinstance(error, NotSent):
            paused = self._stop is JobState.PAUSED
            return (op, OpState.PENDING if paused else OpState.SKIPPED, None, None if paused else "cancelled")
        return (op, OpState.FAILED, None, _failure(error))

    async def _created_before(self, op: JobOp) -> str | None:
        """A create left sending by a crash: the customer it made, if it landed (None: send it)."""
        if self.service.capabilities.idempotent_create:
            return None   # sent again with its stored key, the provider answers with that customer
        attempt = CreateAttempt(before=frozenset(), started=op.sent_at or _now())
        found = await find_created(self.service.provider, CustomerChanges(values=dict(op.planned.values)), attempt,
                                   quiet=True)
        return found.id if found is not None else None


def _failure(error: BaseException | None) -> str:
    if isinstance(error, e.RateLimitedError):
        return TOO_MANY
    message = getattr(error, "message", None) or str(error or "failed")
    return REDACTOR.redact(str(message))
