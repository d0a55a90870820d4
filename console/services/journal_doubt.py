"""Writes left in doubt (an intent without an outcome: the app stopped while the request was out)
are settled when their account is next opened, by reading the customer back from the provider."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from console.domain import errors as e
from console.domain.changes import CustomerChanges, same_value
from console.domain.journal import Finish, JournalEntry, Outcome
from console.services.customer_service import CustomerService
from console.services.journal import Journal
from console.services.lost_answers import CreateAttempt, find_created

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Settled:
    """What reading back found for one entry left in doubt."""

    entry: JournalEntry
    outcome: Outcome
    note: str


async def settle_in_doubt(service: CustomerService, journal: Journal, account_id: str) -> list[Settled]:
    """Read back every write of the account left in doubt and journal what was found (oldest first)."""
    if service.journal is None or not journal.available:
        return []
    settled = []
    for entry in await journal.in_doubt(account_id):
        try:
            outcome, note, customer_id = await _read_back(service, entry)
        except e.ConsoleError as exc:
            # The provider cannot be asked now: it stays in doubt and is tried at the next opening.
            log.info("could not settle a write in doubt (%s): %s", entry.entry_id, exc.message)
            continue
        finish = service.journal.finish(entry.entry_id, Finish(outcome, customer_id=customer_id, note=note))
        if finish is not None:
            await asyncio.wrap_future(finish)   # written before the caller says what was found
        settled.append(Settled(entry, outcome, note))
    return settled


async def _read_back(service: CustomerService, entry: JournalEntry) -> tuple[Outcome, str, str | None]:
    intent = entry.intent
    if intent.operation in ("create", "create_from"):
        changes = CustomerChanges(values={c.field: c.after for c in intent.changes if c.after is not None})
        found = None
        if intent.operation == "create":
            found = await find_created(service.provider, changes, CreateAttempt(frozenset(), entry.at), quiet=True)
        if found is not None:
            return Outcome.APPLIED, f"created as {found.id}", found.id
        return Outcome.UNKNOWN, "no customer matching it was found; it was probably not created", None
    if intent.customer_id is None:
        return Outcome.UNKNOWN, "no customer to read back", None
    try:
        current = await service.fetch(intent.customer_id)
    except e.NotFoundError:
        if intent.operation == "delete":
            return Outcome.APPLIED, "the customer is gone", intent.customer_id
        return Outcome.UNKNOWN, "the customer no longer exists", intent.customer_id
    if intent.operation == "delete":
        return Outcome.NOT_APPLIED, "the customer is still there", intent.customer_id
    if intent.kind or not intent.changes:
        return Outcome.UNKNOWN, "a change of this kind cannot be told from the customer", intent.customer_id
    values = [(current.value(c.field), c.before, c.after) for c in intent.changes]
    if all(same_value(now, after) for now, _, after in values):
        return Outcome.APPLIED, "the customer holds the new values", intent.customer_id
    if all(same_value(now, before) for now, before, _ in values):
        return Outcome.NOT_APPLIED, "the customer still holds the old values", intent.customer_id
    return Outcome.UNKNOWN, "the customer holds other values now (changed since?)", intent.customer_id
