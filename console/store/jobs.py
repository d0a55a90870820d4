"""Jobs in the workspace: creating one with its planned operations, moving operations through their
states (each step its own transaction), and reading jobs and operations back."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from console.domain.jobs import Job, JobOp, JobState, OpKind, OpState, PlannedOp
from console.store.tables import job_operations, jobs


def create_job(connection: Connection, *, title: str, account_id: str, provider: str, created_by: str,
               planned: Sequence[PlannedOp], at: datetime) -> str:
    """A new job (pending) with its operations in order; its id."""
    job_id = uuid.uuid4().hex
    connection.execute(sa.insert(jobs).values(id=job_id, title=title, account_id=account_id, provider=provider,
                                              state=JobState.PENDING.value, created_at=at, created_by=created_by))
    if planned:
        connection.execute(sa.insert(job_operations), [
            {"job_id": job_id, "seq": n, "planned": json.dumps(asdict(op), default=str),
             "idempotency_key": uuid.uuid4().hex, "state": OpState.PENDING.value}
            for n, op in enumerate(planned)])
    return job_id


def set_job_state(connection: Connection, job_id: str, state: JobState) -> None:
    connection.execute(sa.update(jobs).where(jobs.c.id == job_id).values(state=state.value))


def mark_sending(connection: Connection, job_id: str, seq: int, at: datetime) -> None:
    """Before the request: a start after a crash reads this operation back instead of sending it again."""
    connection.execute(sa.update(job_operations)
                       .where(job_operations.c.job_id == job_id, job_operations.c.seq == seq)
                       .values(state=OpState.SENDING.value, sent_at=at))


def finish_op(connection: Connection, job_id: str, seq: int, state: OpState, *, result_id: str | None = None,
              error: str | None = None) -> None:
    connection.execute(sa.update(job_operations)
                       .where(job_operations.c.job_id == job_id, job_operations.c.seq == seq)
                       .values(state=state.value, result_id=result_id, error=error))


def mark_sending_many(connection: Connection, job_id: str, seqs: Sequence[int], at: datetime) -> None:
    """`mark_sending` for a group of operations, as one statement run for each."""
    if seqs:
        connection.execute(sa.update(job_operations)
                           .where(job_operations.c.job_id == job_id, job_operations.c.seq == sa.bindparam("op"))
                           .values(state=OpState.SENDING.value, sent_at=at), [{"op": seq} for seq in seqs])


def finish_many(connection: Connection, job_id: str,
                outcomes: Sequence[tuple[int, OpState, str | None, str | None]]) -> None:
    """`finish_op` for a group of operations (seq, state, result id, error), as one statement run for each."""
    if outcomes:
        connection.execute(sa.update(job_operations)
                           .where(job_operations.c.job_id == job_id, job_operations.c.seq == sa.bindparam("op"))
                           .values(state=sa.bindparam("new_state"), result_id=sa.bindparam("new_result"),
                                   error=sa.bindparam("new_error")),
                           [{"op": seq, "new_state": state.value, "new_result": result_id, "new_error": error}
                            for seq, state, result_id, error in outcomes])


def operations(connection: Connection, job_id: str, states: Sequence[OpState] | None = None) -> list[JobOp]:
    """The job's operations in order (only those in `states`, where given)."""
    statement = sa.select(job_operations).where(job_operations.c.job_id == job_id)
    if states is not None:
        statement = statement.where(job_operations.c.state.in_([s.value for s in states]))
    return [_op(row) for row in connection.execute(statement.order_by(job_operations.c.seq))]


def job(connection: Connection, job_id: str) -> Job | None:
    row = connection.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
    return _job(connection, row) if row is not None else None


def unfinished(connection: Connection) -> list[Job]:
    """Jobs that were running or paused (a start offers to resume them), oldest first."""
    rows = connection.execute(sa.select(jobs).where(jobs.c.state.in_(
        [JobState.RUNNING.value, JobState.PAUSED.value, JobState.PENDING.value])).order_by(jobs.c.created_at))
    return [_job(connection, row) for row in rows]


def _job(connection: Connection, row: Row[Any]) -> Job:
    counts: dict[str, int] = dict(connection.execute(
        sa.select(job_operations.c.state, sa.func.count()).where(job_operations.c.job_id == row.id)
        .group_by(job_operations.c.state)).all())
    return Job(id=row.id, title=row.title, account_id=row.account_id, provider=row.provider,
               state=JobState(row.state), created_at=row.created_at, created_by=row.created_by,
               counts={str(k): int(v) for k, v in counts.items()})


def _op(row: Row[Any]) -> JobOp:
    planned = json.loads(row.planned)
    planned["kind"] = OpKind(planned["kind"])
    planned["cleared"] = tuple(planned.get("cleared", ()))
    planned["left_behind"] = tuple(planned.get("left_behind", ()))   # absent in jobs made before copies
    return JobOp(job_id=row.job_id, seq=row.seq, planned=PlannedOp(**planned), idempotency_key=row.idempotency_key,
                 state=OpState(row.state), result_id=row.result_id, error=row.error, sent_at=row.sent_at)
