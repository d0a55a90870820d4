"""Reverting journaled changes: the inverse change of an entry (or of a save's group of entries),
previewed against the customer as it is now, and applied through the normal write path (with
its stale check and production confirmation); the revert is journaled too, linked to what it undoes."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.domain import errors as e
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer
from console.domain.journal import ERASED, JournalEntry, Outcome
from console.services.customer_service import CustomerService

REVERTIBLE = {"update", "action", "create", "create_from", "delete", "add_to_group", "remove_from_group"}
_DONE = {Outcome.SUCCEEDED, Outcome.APPLIED}
_DASH = "—"


def _shown(value: Any) -> str:
    if value is None or value == "":
        return _DASH
    return str(value)


@dataclass(frozen=True)
class RevertPlan:
    """What reverting would do: `kind` is "update", "delete", "recreate" or "group"; `lines` the preview."""

    kind: str
    entries: tuple[JournalEntry, ...]
    lines: tuple[str, ...]
    changes: CustomerChanges = field(default_factory=CustomerChanges)
    current: Customer | None = None
    cannot: tuple[str, ...] = ()              # what cannot come back (a re-created customer's cards, id…)
    changed_since: tuple[str, ...] = ()       # fields someone changed after the entry: "email: now c@x.com"
    group: tuple[str, bool] | None = None     # (group id, member) for a group membership revert


def revertible(entry: JournalEntry) -> str | None:
    """Why an entry cannot be reverted, or None when it can."""
    if entry.outcome not in _DONE:
        return "only a change that was made can be reverted"
    if entry.intent.operation not in REVERTIBLE or entry.intent.kind:
        return "this kind of change cannot be reverted here; change it in the customer's dialog"
    if entry.intent.operation == "create_from":
        return "a customer made from a provider record is deleted from the table instead"
    if entry.intent.customer_name == ERASED:
        return "the person was erased under a privacy request: the values it changed are no longer kept"
    return None


async def plan_revert(service: CustomerService, entries: Sequence[JournalEntry]) -> RevertPlan:
    """The inverse of `entries` (one entry, or a save's group, any order), against the customer now."""
    ordered = tuple(sorted(entries, key=lambda x: x.seq))
    for entry in ordered:
        if (why := revertible(entry)) is not None:
            raise e.InvalidInputError(f"Cannot revert: {why}.")
    operations = {x.intent.operation for x in ordered}
    first = ordered[0]
    customer_id = first.customer_id
    if operations == {"delete"}:
        return _recreate(service, first)
    if customer_id is None:
        raise e.InvalidInputError("Cannot revert: the change has no customer id.")
    current = await service.fetch(customer_id)   # NotFoundError: the customer is gone (said as such)
    name = service.index.name(current)
    if "create" in operations:
        return RevertPlan("delete", ordered, (f"Delete {name} (created by this change).",), current=current,
                          cannot=("The customer is deleted at the provider.",))
    if operations <= {"add_to_group", "remove_from_group"}:
        last = ordered[-1]
        member = last.intent.operation == "remove_from_group"   # undo: put back, or take out
        verb = "Add to" if member else "Remove from"
        return RevertPlan("group", ordered, (f"{verb} group {last.intent.target}",), current=current,
                          group=(str(last.intent.target), member))
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for entry in ordered:   # the oldest value before, the newest value after, per field
        for change in entry.intent.changes:
            before.setdefault(change.field, change.before)
            after[change.field] = change.after
    values = {k: v for k, v in before.items() if v not in (None, "")}
    cleared = frozenset(k for k, v in before.items() if v in (None, ""))
    lines = tuple(f"{k}: {_shown(current.value(k))} → {_shown(v)}" for k, v in before.items())
    changed = tuple(f"{k}: now {_shown(current.value(k))} (the change set {_shown(after[k])})"
                    for k in before if not same_value(current.value(k), after[k]))
    return RevertPlan("update", ordered, lines, CustomerChanges(values=values, cleared=cleared), current,
                      changed_since=changed)


def _recreate(service: CustomerService, entry: JournalEntry) -> RevertPlan:
    snapshot = entry.intent.snapshot or {}
    last = _customer_from(snapshot)
    keys = [f.key for f in service.capabilities.fields if f.editable or f.create_only]
    values = {k: v for k in keys if (v := last.value(k)) not in (None, "", [], {}, ())}
    lines = tuple(f"{k}: {_shown(v)}" for k, v in values.items())
    cannot = ["its id at the provider (a new one is given)", "when it was created"]
    if snapshot.get("payment_methods"):
        cards = ", ".join(map(str, snapshot["payment_methods"]))
        cannot.insert(0, f"its saved cards ({cards})")
    if any(snapshot.get(k) for k in ("addresses", "shipping_addresses", "emails", "phones")):
        cannot.append("its extra addresses, emails and phone numbers")
    return RevertPlan("recreate", (entry,), (f"Create {entry.intent.customer_name or entry.customer_id} again "
                                             "from the last known copy:", *lines),
                      CustomerChanges(values=values), cannot=tuple(f"Not restored: {c}." for c in cannot))


def _customer_from(snapshot: dict[str, Any]) -> Customer:
    """The last known copy as a customer again (its cards were journaled masked, so they are left out)."""
    from console.store.customers import decode

    return decode(json.dumps({**snapshot, "payment_methods": []}))


@contextlib.contextmanager
def _reverting(service: CustomerService, entry_id: str, replaces: str | None = None) -> Iterator[None]:
    outer = service.journal_links
    service.journal_links = {"reverts": entry_id, **({"replaces": replaces} if replaces else {})}
    try:
        with service.grouped():
            yield
    finally:
        service.journal_links = outer


async def apply_revert(service: CustomerService, plan: RevertPlan) -> Customer | None:
    """Apply the plan through the service's write path; the customer afterwards (None once deleted)."""
    target = plan.entries[-1].entry_id
    if plan.kind == "recreate":
        old_id = plan.entries[0].customer_id
        with _reverting(service, target, replaces=old_id):
            return await service.create(plan.changes, idempotency_key=service.new_idempotency_key())
    assert plan.current is not None
    with _reverting(service, target):
        if plan.kind == "delete":
            result = await service.delete_many([plan.current])
            if result.failed:
                raise next(iter(result.failed.values()))
            return None
        if plan.kind == "group":
            assert plan.group is not None
            return await service.set_group(plan.current, *plan.group)
        return await service.update(plan.current, plan.changes)
