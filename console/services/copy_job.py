"""Copy to another account as a job (issue 19): the planned creates with their link to the customer
copied, the dry run that checks them against the target's rules sending nothing, and the report of
what arrived, read back from the target.

A copy job holds one create per chosen customer. Those the dry run calls refused (the target would
refuse them whatever is sent) are in the job too, skipped at once with their reason, so the job (and
its report, from the Jobs panel as well) accounts for every customer chosen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from console.domain import errors as e
from console.domain.capabilities import Capabilities, FieldKind
from console.domain.custom_field_rules import is_blank
from console.domain.customer import Customer
from console.domain.jobs import JobOp, OpKind, OpState, PlannedOp, source_link
from console.domain.validation import card_number_fields, check_values, digits
from console.services.accounts import AccountSession
from console.services.customer_copy import CopyItem, count_noun, describe
from console.services.customer_service import CustomerService
from console.services.jobs import JobStore

READ_BACK_AT_ONCE = 4   # reads of created customers in flight together (within every provider's limits)


class Outcome(StrEnum):
    """Where one chosen customer ended (or would end, in a dry run)."""

    WOULD_CREATE = "would be created"
    REFUSED = "refused"            # dry run: the target's rules refuse it, nothing would be sent
    CREATED = "created"
    FAILED = "failed"
    NOT_SENT = "not sent"          # skipped: refused before sending, or the job was cancelled first
    PENDING = "pending"            # the job has not reached it (paused)


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One chosen customer in a dry run or a copy's report."""

    name: str
    outcome: Outcome
    source: str | None = None
    target_id: str | None = None
    error: str | None = None                   # why it failed, was refused or not sent
    carried: tuple[str, ...] = ()              # "Label: value" of what goes (a dry run)
    left_behind: tuple[str, ...] = ()          # "what: why"
    mismatches: tuple[str, ...] = ()           # carried values that did not arrive as sent
    unread: str | None = None                  # why the created customer could not be read back


@dataclass(frozen=True, slots=True)
class CopyReport:
    """Every chosen customer's row; the counts below always add up to `len(rows)`."""

    rows: tuple[ReportRow, ...]
    dry_run: bool = False

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    @property
    def intact(self) -> int:
        """Created and read back with every carried value as sent."""
        return sum(1 for r in self.rows if r.outcome is Outcome.CREATED and not r.mismatches and r.unread is None)

    @property
    def differing(self) -> int:
        return sum(1 for r in self.rows if r.outcome is Outcome.CREATED and r.mismatches)

    @property
    def unread(self) -> int:
        return sum(1 for r in self.rows if r.outcome is Outcome.CREATED and not r.mismatches and r.unread)

    @property
    def left_behind(self) -> int:
        return sum(len(r.left_behind) for r in self.rows)

    def summary(self) -> str:
        total, behind = count_noun(len(self.rows), "customer"), self.left_behind
        tail = f"; {behind} value{'' if behind == 1 else 's'} or records stay behind" if behind else ""
        if not self.rows:
            return "This job creates no customers: there is nothing to read back."
        if self.dry_run:
            return (f"Dry run, nothing sent. Of {total}: {self.count(Outcome.WOULD_CREATE)} would be created, "
                    f"{self.count(Outcome.REFUSED)} refused{tail}.")
        text = (f"Of {total}: {self.count(Outcome.CREATED)} created ({self.intact} arrived as sent, "
                f"{self.differing} with differences, {self.unread} not read back), "
                f"{self.count(Outcome.FAILED)} failed, {self.count(Outcome.NOT_SENT)} not sent")
        if pending := self.count(Outcome.PENDING):
            text += f", {pending} still to send"
        return text + tail + "."


def _behind(item: CopyItem) -> tuple[str, ...]:
    return tuple(f"{b.what}: {b.reason}" for b in item.left_behind)


def copy_ops(items: Sequence[CopyItem], source_account_id: str) -> list[PlannedOp]:
    """One create per item, linked to the customer it copies and saying what stays behind."""
    return [PlannedOp(OpKind.CREATE, values=dict(item.changes.values), label=item.source_name,
                      source=source_link(source_account_id, item.source.id), left_behind=_behind(item))
            for item in items]


def refusals(items: Sequence[CopyItem], ops: Sequence[JobOp], target: Capabilities) -> list[tuple[JobOp, str]]:
    """The job's operations (in item order) that are not to be sent, with the reason: those the dry run
    calls refused."""
    found = [(op, rule_problems(item, target)) for item, op in zip(items, ops, strict=True)]
    return [(op, problem) for op, problem in found if problem is not None]


def rule_problems(item: CopyItem, target: Capabilities) -> str | None:
    """Why the target would refuse the item's create: its own problem, else the edit dialog's validators
    (each value, 'at least one of', no card number in free text) on exactly the values it would send."""
    if item.problem is not None:
        return item.problem
    values = item.changes.values
    found = {key: p.message for key, p in check_values(target, values, creating=True).items()}
    found.update(card_number_fields(target.fields, values))
    return "; ".join(f"{target.field(k).label if target.has_field(k) else k}: {m}" for k, m in found.items()) or None


def dry_run(items: Sequence[CopyItem], target: Capabilities) -> CopyReport:
    """What the copy would create and what it would refuse or lose, sending nothing."""
    rows = []
    for item in items:
        problem = rule_problems(item, target)
        rows.append(ReportRow(item.source_name, Outcome.REFUSED if problem else Outcome.WOULD_CREATE,
                              error=problem, carried=tuple(f"{c.label}: {describe(c.value)}" for c in item.carried),
                              left_behind=_behind(item)))
    return CopyReport(tuple(rows), dry_run=True)


def same(kind: FieldKind | None, sent: Any, got: Any) -> bool:
    """Whether a value arrived as sent, allowing for how providers store it (spacing, case, phone format)."""
    if is_blank(sent) and is_blank(got):
        return True
    if isinstance(sent, Mapping):
        return isinstance(got, Mapping) and all(same(None, v, got.get(k)) for k, v in sent.items())
    if isinstance(sent, str) and isinstance(got, str):
        if " ".join(sent.split()).casefold() == " ".join(got.split()).casefold():
            return True
        if kind is FieldKind.PHONE:   # "+1 212 555 0100" kept as "2125550100" is the same number
            a, b = digits(sent), digits(got)
            return bool(a and b) and (a.endswith(b) or b.endswith(a)) and min(len(a), len(b)) >= 7
        return False
    return bool(sent == got or str(sent) == str(got))


def mismatches(planned: PlannedOp, created: Customer, target: Capabilities) -> tuple[str, ...]:
    """The carried values that the created customer does not hold as sent."""
    found = []
    for key, sent in planned.values.items():
        spec = target.field(key) if target.has_field(key) else None
        got = created.value(key)
        if not same(spec.kind if spec else None, sent, got):
            label = spec.label if spec else key
            found.append(f"{label}: sent “{describe(sent)}”, arrived “{describe(got) if not is_blank(got) else ''}”")
    return tuple(found)


async def copy_report(ops: Sequence[JobOp], target: CustomerService) -> CopyReport:
    """What arrived: each operation's outcome, each created customer read back and compared."""
    gate = asyncio.Semaphore(READ_BACK_AT_ONCE)

    async def row(op: JobOp) -> ReportRow:
        planned = op.planned
        base = ReportRow(planned.label or planned.source or str(op.seq), Outcome.PENDING, source=planned.source,
                         left_behind=planned.left_behind)
        if op.state is OpState.FAILED:
            return _with(base, Outcome.FAILED, error=op.error)
        if op.state is OpState.SKIPPED:
            return _with(base, Outcome.NOT_SENT, error=op.error)
        if op.state is not OpState.DONE or op.result_id is None:
            return base
        try:
            async with gate:
                created = await target.fetch(op.result_id)
        except e.ConsoleError as exc:
            return _with(base, Outcome.CREATED, target_id=op.result_id, unread=exc.message)
        return _with(base, Outcome.CREATED, target_id=op.result_id,
                     mismatches=mismatches(planned, created, target.capabilities))

    creates = [op for op in ops if op.planned.kind is OpKind.CREATE]
    return CopyReport(tuple(await asyncio.gather(*(row(op) for op in creates))))


def _with(row: ReportRow, outcome: Outcome, **changes: Any) -> ReportRow:
    return replace(row, outcome=outcome, **changes)


async def make_copy_job(store: JobStore, title: str, target: AccountSession, items: Sequence[CopyItem],
                        source_account_id: str) -> str:
    """The copy as a job at `target` (pending); the creates the target refuses whatever is sent are in it
    already skipped, with their reason."""
    job_id = await store.create(title, target.account.id, target.account.info.key, copy_ops(items, source_account_id))
    for op, reason in refusals(items, await store.operations(job_id), target.service.capabilities):
        await store.finish(op, OpState.SKIPPED, error=reason)
    return job_id
