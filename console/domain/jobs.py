"""Jobs: lists of planned writes (create, update or delete at one account) run in the background,
with their state kept so a job survives the app stopping (issue 19)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class JobState(StrEnum):
    PENDING = "pending"        # made, not started
    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    FINISHED = "finished"


class OpKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class OpState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"        # written before the request: found so at a start, it is read back
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class PlannedOp:
    """One write a job will make: `values` are field values (create, update), `cleared` fields removed."""

    kind: OpKind
    customer_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    cleared: tuple[str, ...] = ()
    label: str = ""            # how the row is named in progress and failures (a name, a CSV row)
    # A copy's link to the record it copies, "account_id/customer_id" (journaled with the create as
    # `copied_from`), and what of that record the create cannot carry (for the copy's report).
    source: str | None = None
    left_behind: tuple[str, ...] = ()


def source_link(account_id: str, customer_id: str) -> str:
    """The `source` of a copy of customer `customer_id` of account `account_id`."""
    return f"{account_id}/{customer_id}"


def split_source(source: str) -> tuple[str, str]:
    """(account_id, customer_id) of a `source` link; account ids hold no slash, customer ids may."""
    account_id, _, customer_id = source.partition("/")
    return account_id, customer_id


@dataclass(frozen=True, slots=True)
class JobOp:
    """A planned write with where it has got to."""

    job_id: str
    seq: int
    planned: PlannedOp
    idempotency_key: str
    state: OpState = OpState.PENDING
    result_id: str | None = None     # the provider's id once done (a create's new customer)
    error: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """A job's header: what it is, where it runs, and how far it has got."""

    id: str
    title: str
    account_id: str
    provider: str
    state: JobState
    created_at: datetime
    created_by: str
    counts: dict[str, int] = field(default_factory=dict)   # OpState value -> operations in it
    waiting: str | None = None   # why it has not started sending (another job has the account's turn)
