"""After a write whose answer was lost: read back what the provider has and decide what happened.

Above the HTTP core's retries only the use case knows what was asked for, so it alone can tell
"it landed" (the provider holds our values) from "it did not" and from "someone else changed it".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from console.domain import errors as e
from console.domain.capabilities import SearchKey
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer
from console.domain.query import CustomerQuery
from console.providers.base import CustomerProvider
from console.services.customer_index import CustomerIndex

# How far a provider's clock may run behind ours when matching a read-back create.
_CLOCK_SLACK = timedelta(minutes=10)


def changes_applied(customer: Customer, changes: CustomerChanges) -> bool:
    """True when `customer` already holds every value `changes` asks for."""
    return all(same_value(customer.value(key), changes.get(key)) for key in changes.touched())


def changed_by_others(original: Customer, current: Customer, keys: Sequence[str]) -> list[str]:
    """The keys among `keys` whose value at the provider differs from what the dialog read."""
    return [key for key in keys if not same_value(original.value(key), current.value(key))]


def maybe_applied(error: e.ConsoleError) -> bool:
    """Whether a failed write may still have taken effect (its answer was lost or unreadable)."""
    if isinstance(error, e.UnavailableError):
        return error.maybe_applied
    return isinstance(error, e.ProtocolError)


@dataclass(frozen=True, slots=True)
class CreateAttempt:
    """A create whose answer may have been lost, as it was when its first attempt started."""

    before: frozenset[str]     # ids already known when the first attempt started
    started: datetime


def _created_since(customer: Customer, start: datetime) -> bool:
    created = customer.created_at
    if created is None:
        return True
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return created >= start


async def find_created(provider: CustomerProvider, changes: CustomerChanges, attempt: CreateAttempt, *,
                       quiet: bool = False) -> Customer | None:
    """The customer an earlier create attempt made, if it landed (read back from the provider).

    `quiet`: a failing read-back gives None (the next attempt with the key reads back again).
    """
    candidates: list[Customer] = []
    try:
        lookup = next(((key, changes.get(key.value)) for key in (SearchKey.REFERENCE_ID, SearchKey.EMAIL)
                       if key in provider.capabilities.server_exact and changes.get(key.value)), None)
        if lookup is not None:
            candidates = await provider.search(CustomerQuery.lookup(lookup[0], str(lookup[1])))
        else:
            async for page in provider.iter_pages():
                candidates.extend(page.customers)
    except e.ConsoleError:
        if quiet:
            return None
        raise
    # Made by us: new since the attempt began, and holding exactly what we sent.
    window_start = attempt.started - _CLOCK_SLACK
    matches = [c for c in candidates if c.id not in attempt.before and changes_applied(c, changes)
               and _created_since(c, window_start)]
    return matches[0] if matches else None


async def read_back_update(provider: CustomerProvider, index: CustomerIndex, original: Customer,
                           changes: CustomerChanges, lost: e.ConsoleError) -> Customer:
    """After an update whose answer was lost: the provider's copy if it landed, else why not.

    Landed: the copy is what was saved. Not landed and untouched since the dialog read it:
    the original error, so Save may simply be pressed again. Changed by someone else
    meanwhile (whether or not ours landed first): StaleVersionError with their copy, since
    pressing Save again would overwrite what they did.
    """
    try:
        current = await provider.get(original.id)
    except e.NotFoundError:
        index.remove([original.id])
        raise
    except e.ConsoleError as exc:
        raise lost from exc   # the outcome is still unknown
    index.upsert([current])
    if changes_applied(current, changes):
        return current
    others = changed_by_others(original, current, sorted(changes.touched()))
    if others or (provider.capabilities.versioned and current.version != original.version):
        raise e.StaleVersionError("Someone else changed this customer while your change was on its way; "
                                  "yours is not there now.", current=current, provider=provider.name) from lost
    raise lost
