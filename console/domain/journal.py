"""The journal of writes, as the services and the store speak of it: what a write was to change
(an intent, written before it is sent), how it ended (an outcome), and an entry joining the two."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# What a person's values in the journal become once they are erased (a privacy request, issue 21).
ERASED = "[erased]"


class Outcome(StrEnum):
    """How a journaled write ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    IN_DOUBT = "in doubt"            # an intent whose outcome was never written (the app stopped)
    APPLIED = "applied"              # in doubt, then found applied by reading the customer back
    NOT_APPLIED = "not applied"      # in doubt, then found not applied
    UNKNOWN = "unknown"              # in doubt, and reading back could not tell


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field (or item field) a write changed: its value before and the value sent."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Intent:
    """What one write is about to change, written before it is sent."""

    account_id: str
    provider: str
    operation: str
    who: str                         # the staff name from settings, else the OS user
    os_user: str
    computer: str
    account_name: str = ""
    customer_id: str | None = None
    customer_name: str = ""
    kind: str | None = None          # the collection, for item writes
    target: str | None = None        # the item, group, action or custom field
    changes: tuple[FieldChange, ...] = ()
    snapshot: dict[str, Any] | None = None   # the customer before a delete, to re-create it from
    group_id: str | None = None      # the intents of one save share it
    reverts: str | None = None       # the entry this write undoes
    replaces: str | None = None      # a re-created customer: the id it had before its delete
    copied_from: str | None = None   # a copy's create: "account_id/customer_id" of the customer copied


def intent_from_body(body: dict[str, Any]) -> Intent:
    """An intent from its JSON form (`dataclasses.asdict` of one, read back)."""
    return Intent(**{**body, "changes": tuple(FieldChange(**change) for change in body.get("changes", ()))})


@dataclass(frozen=True, slots=True)
class Finish:
    """How one write ended, written after the answer (or at the next start, for one in doubt)."""

    outcome: Outcome
    customer_id: str | None = None   # a create's new id
    error: str | None = None
    note: str | None = None          # what reading back found


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """An intent with its outcome (IN_DOUBT while it has none), as History lists it."""

    seq: int
    entry_id: str
    at: datetime
    intent: Intent
    outcome: Outcome
    customer_id: str | None          # the create's new id once known, else the intent's
    error: str | None = None
    note: str | None = None
    finished_at: datetime | None = None
    db_role: str | None = None      # the team database's login that wrote the intent (None: a local file)


@dataclass(frozen=True, slots=True)
class JournalQuery:
    """Which entries History shows; every part optional, all combined."""

    account_id: str | None = None
    who: str | None = None
    operation: str | None = None
    since: datetime | None = None
    until: datetime | None = None    # exclusive
    text: str = ""                   # in the customer's name or id
    customer: tuple[str, str] | None = None   # (account id, customer id): one customer's history
    group_id: str | None = None      # the entries of one save
    before: int | None = None        # only entries older than this seq (paging on from a page's last entry)


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """What re-computing the hash chain found: None for `first_bad` when every record matches."""

    checked: int
    first_bad: int | None = None     # the seq of the first record that does not match
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        return self.first_bad is None
