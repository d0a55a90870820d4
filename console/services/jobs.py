"""The job engine (issue 19, no Qt): a job's planned writes sent one by one through the account's
service (so each is journaled, confirmed and checked like any save), within the provider's request
budget, with its state in the workspace so it can be paused, cancelled and resumed after a crash.

Each operation is marked *sending* in its own transaction before its request goes. A start that finds
one so (the app stopped with the request out) reads back before sending again: a create is looked
for with the same read-back as the edit dialog's lost create (or sent again with its stored
idempotency key where the provider honours one, Square), so no create is ever made twice; an update
or a delete is simply sent again, which is harmless (a delete of a customer already gone counts as done).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.jobs import Job, JobOp, JobState, OpKind, OpState, PlannedOp
from console.services.customer_service import CustomerService
from console.services.journal_links import linked
from console.services.lost_answers import CreateAttempt, find_created
from console.services.rate_limits import RateLimiter, budget_for
from console.services.redaction import REDACTOR
from console.services.workspace import LocalWorkspace

Progress = Callable[[Job], None]
RATE_LIMIT_RETRIES = 5   # a 429 is honoured (its Retry-After) and the same operation tried again


def _now() -> datetime:
    return datetime.now(UTC)


class JobStore:
    """Jobs in the workspace database, through its worker thread."""

    def __init__(self, workspace: LocalWorkspace, who: str) -> None:
        self.workspace = workspace
        self.who = who

    async def _write(self, func: Callable[..., object], *args: object) -> object:
        return await self.workspace._run(lambda: self.workspace._write(func, *args))

    async def create(self, title: str, account_id: str, provider: str, planned: Sequence[PlannedOp]) -> str:
        from console.store import jobs
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

    async def sending(self, op: JobOp) -> None:
        from console.store import jobs
        await self._write(jobs.mark_sending, op.job_id, op.seq, _now())

    async def finish(self, op: JobOp, state: OpState, *, result_id: str | None = None,
                     error: str | None = None) -> None:
        from console.store import jobs
        await self.workspace._run(lambda: self.workspace._write(
            lambda c: jobs.finish_op(c, op.job_id, op.seq, state, result_id=result_id, error=error)))


class JobRunner:
    """Runs one job at its account's service; `pause()` and `cancel()` take effect between operations."""

    def __init__(self, store: JobStore, service: CustomerService, *, limiter: RateLimiter | None = None,
                 on_progress: Progress | None = None) -> None:
        self.store = store
        self.service = service
        self.limiter = limiter or RateLimiter(budget_for(service.capabilities.provider))
        self.on_progress = on_progress
        self._stop: JobState | None = None   # PAUSED or CANCELLED once asked for

    def pause(self) -> None:
        self._stop = JobState.PAUSED

    def cancel(self) -> None:
        self._stop = JobState.CANCELLED

    async def run(self, job_id: str) -> Job:
        """Send what is left of the job (after a pause or a crash too); the job as it ends. A cancel
        asked for while it was paused sends nothing more."""
        if self._stop is JobState.PAUSED:
            self._stop = None
        await self.store.set_state(job_id, JobState.RUNNING)
        left = await self.store.operations(job_id, [OpState.PENDING, OpState.SENDING])
        with self.service.grouped():
            for op in left:
                if self._stop is not None:
                    break
                await self._one(op)
                await self._report(job_id)
        if self._stop is JobState.CANCELLED:
            for op in await self.store.operations(job_id, [OpState.PENDING]):
                await self.store.finish(op, OpState.SKIPPED, error="cancelled")
        await self.store.set_state(job_id, self._stop or JobState.FINISHED)
        job = await self.store.job(job_id)
        assert job is not None
        if self.on_progress is not None:
            self.on_progress(job)
        return job

    async def _report(self, job_id: str) -> None:
        if self.on_progress is not None:
            job = await self.store.job(job_id)
            if job is not None:
                self.on_progress(job)

    async def _one(self, op: JobOp) -> None:
        if op.state is OpState.SENDING and op.planned.kind is OpKind.CREATE:
            found = await self._created_before(op)
            if found is not None:
                await self.store.finish(op, OpState.DONE, result_id=found)
                return
        await self.store.sending(op)
        for _attempt in range(RATE_LIMIT_RETRIES):
            try:
                async with self.limiter.slot():
                    result = await self._send(op.planned, op.idempotency_key)
            except e.RateLimitedError as exc:
                self.limiter.hold(exc.retry_after or 1.0)
                continue
            except e.ConsoleError as exc:
                await self.store.finish(op, OpState.FAILED, error=REDACTOR.redact(exc.message))
                return
            await self.store.finish(op, OpState.DONE, result_id=result)
            return
        await self.store.finish(op, OpState.FAILED, error="the provider kept refusing for too many requests")

    async def _created_before(self, op: JobOp) -> str | None:
        """A create left sending by a crash: the customer it made, if it landed (None: send it)."""
        if self.service.capabilities.idempotent_create:
            return None   # sent again with its stored key, the provider answers with that customer
        changes = CustomerChanges(values=dict(op.planned.values))
        attempt = CreateAttempt(before=frozenset(), started=op.sent_at or _now())
        found = await find_created(self.service.provider, changes, attempt, quiet=True)
        return found.id if found is not None else None

    async def _send(self, planned: PlannedOp, key: str) -> str | None:
        service = self.service
        changes = CustomerChanges(values=dict(planned.values), cleared=frozenset(planned.cleared))
        if planned.kind is OpKind.CREATE:
            with linked(copied_from=planned.source):   # a copy's create names the customer it copies
                return (await service.create(changes, idempotency_key=key)).id
        assert planned.customer_id is not None
        try:
            current = await service.fetch(planned.customer_id)
        except e.NotFoundError:
            if planned.kind is OpKind.DELETE:
                return planned.customer_id   # gone already: what was asked (or our own earlier attempt)
            raise
        if planned.kind is OpKind.UPDATE:
            return (await service.update(current, changes)).id
        result = await service.delete_many([current])
        if result.failed:
            raise next(iter(result.failed.values()))
        return planned.customer_id
