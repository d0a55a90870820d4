"""What History shows of a journal entry, as text: the window's cells and the CSV export's, written once."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from console.domain.journal import JournalEntry, Outcome

NOTHING = "—"
SHORT = 40   # characters of a value the table shows; the details and the CSV show it whole

# Which outcomes a revert can start from: the change is known to have been made.
REVERTIBLE = frozenset({Outcome.SUCCEEDED, Outcome.APPLIED})


def when(entry: JournalEntry) -> str:
    """The entry's time in the computer's own time zone."""
    return local_time(entry.at)


def local_time(at: datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def value_text(value: Any, limit: int | None = None) -> str:
    """A before or after value as one line: nothing as a dash, structures as compact JSON."""
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = " ".join(text.split())
    return text if limit is None or len(text) <= limit else text[:limit - 1] + "…"


def changes_text(entry: JournalEntry, limit: int | None = SHORT) -> str:
    """"email: a@x.com → b@x.com; company: — → Acme", each value shortened to `limit`."""
    intent = entry.intent
    parts = [f"{change.field}: {value_text(change.before, limit)} → {value_text(change.after, limit)}"
             for change in intent.changes]
    if not parts and intent.target:
        parts.append(f"{intent.kind or 'target'}: {value_text(intent.target, limit)}")
    if not parts and intent.snapshot:
        parts.append("the whole customer (kept, to re-create it from)")
    return "; ".join(parts)


def customer_text(entry: JournalEntry) -> str:
    """The customer's name with its id: "Ada Lovelace (C123)"."""
    name, cid = entry.intent.customer_name, entry.customer_id
    if name and cid:
        return f"{name} ({cid})"
    return name or cid or NOTHING


def operation_text(entry: JournalEntry) -> str:
    intent = entry.intent
    text = intent.operation.replace("_", " ")
    if intent.kind:
        text += f" ({intent.kind})"
    return text


def outcome_text(entry: JournalEntry) -> str:
    """"succeeded", "failed: <error>", "unknown (<note>)"."""
    text = entry.outcome.value
    if entry.error:
        text += f": {entry.error}"
    if entry.note:
        text += f" ({entry.note})"
    return text


def account_text(entry: JournalEntry) -> str:
    return entry.intent.account_name or entry.intent.account_id
