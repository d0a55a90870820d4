"""Erasing a person's values from the journal without breaking its chain (issue 21).

A redacted record keeps its place, its ids, its operation, who and when, and its outcome; the personal
values in it (the customer's name, each field's before and after, the copy kept before a delete, an
error's or a note's mention of them) become `MARKER`. Its stored `hash` stays, so the next record's
link still holds. A *redaction* record is then appended to the chain, naming the request and, for
each record redacted, the digest of its redacted form (computed exactly as the chain's own digest, over
the record's previous hash and its new content). `verify` accepts a record whose content matches
either its own hash or the digest its latest redaction gave it, so a redaction passes and any change
made after it is still named.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.domain.journal import ERASED
from console.store.journal import _append, _body, _digest
from console.store.tables import journal

MARKER = ERASED
KIND = "redaction"
# The redaction record's own columns: it is about no account or customer.
_HEADER = {"account_id": "", "provider": "", "operation": "redact", "customer_id": None, "customer_name": None}


def records_about(connection: Connection, customers: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Every record (intents and outcomes) of every entry about the (account id, customer id) pairs,
    a create's intent (which had no id yet) included, in chain order."""
    c = journal.c
    entry_ids: set[str] = set()
    for account_id, customer_id in customers:
        entry_ids.update(connection.execute(sa.select(c.entry_id).where(
            c.account_id == account_id, c.customer_id == customer_id)).scalars())
    if not entry_ids:
        return []
    statement = sa.select(journal).where(c.entry_id.in_(sorted(entry_ids)), c.kind != KIND).order_by(c.seq)
    return [dict(row) for row in connection.execute(statement).mappings()]


def erase_values(value: Any, personal: set[str]) -> Any:
    """`value` with every text in it replaced by the marker (structure, numbers and booleans kept); the
    texts replaced are added to `personal`."""
    if isinstance(value, str):
        if value:
            personal.add(value)
        return MARKER if value else value
    if isinstance(value, dict):
        return {key: erase_values(item, personal) for key, item in value.items()}
    if isinstance(value, list):
        return [erase_values(item, personal) for item in value]
    return value


def _scrub(text: str | None, personal: set[str]) -> str | None:
    """A free text (an error, a note) with any of the personal values in it replaced by the marker."""
    if not text:
        return text
    for value in sorted(personal, key=len, reverse=True):
        if len(value) > 2:
            text = text.replace(value, MARKER)
    return text


def redacted_body(body: dict[str, Any], kind: str, personal: set[str]) -> dict[str, Any]:
    """An intent's or an outcome's body with the person's values replaced (`personal` gathers them)."""
    body = dict(body)
    if kind == "intent":
        if body.get("customer_name"):
            personal.add(body["customer_name"])
            body["customer_name"] = MARKER
        body["changes"] = [{**change, "before": erase_values(change.get("before"), personal),
                            "after": erase_values(change.get("after"), personal)} for change in body.get("changes", ())]
        if body.get("snapshot") is not None:
            body["snapshot"] = erase_values(body["snapshot"], personal)
    else:
        body["error"] = _scrub(body.get("error"), personal)
        body["note"] = _scrub(body.get("note"), personal)
    return body


def redact(connection: Connection, customers: Iterable[tuple[str, str]], request_id: str, who: str,
           at: datetime) -> list[str]:
    """Redact the records about `customers` and append the redaction record naming `request_id`; returns
    the record ids redacted (none: nothing was journaled about them, and no redaction record is added)."""
    records = records_about(connection, list(customers))
    if not records:
        return []
    personal: set[str] = set()
    digests: dict[str, str] = {}
    # Intents first: an outcome's error or note is scrubbed of the values its intent held.
    for record in sorted(records, key=lambda r: (r["kind"] != "intent", r["seq"])):
        body = redacted_body(json.loads(record["body"]), record["kind"], personal)
        redacted = {**record, "body": _body(body), "customer_name": MARKER if record["customer_name"] else
                    record["customer_name"]}
        digests[record["record_id"]] = _digest(record["prev_hash"], redacted)
        connection.execute(sa.update(journal).where(journal.c.seq == record["seq"])
                           .values(body=redacted["body"], customer_name=redacted["customer_name"]))
    record_id = uuid.uuid4().hex
    _append(connection, [{**_HEADER, "record_id": record_id, "kind": KIND, "entry_id": record_id, "group_id": None,
                          "at": at, "who": who, "body": _body({"request": request_id, "redacted": digests})}])
    return sorted(digests)


def redacted_digests(connection: Connection) -> dict[str, str]:
    """Each redacted record's id with the digest of its redacted form (the latest redaction's)."""
    statement = sa.select(journal.c.body).where(journal.c.kind == KIND).order_by(journal.c.seq)
    digests: dict[str, str] = {}
    for body in connection.execute(statement).scalars():
        digests.update(json.loads(body).get("redacted", {}))
    return digests


def redactions(connection: Connection, request_id: str | None = None) -> list[dict[str, Any]]:
    """The redaction records (of one request, or all): when, who, the request and the record ids."""
    statement = sa.select(journal.c.at, journal.c.who, journal.c.body).where(journal.c.kind == KIND)
    found = []
    for row in connection.execute(statement.order_by(journal.c.seq)):
        body = json.loads(row.body)
        if request_id is None or body.get("request") == request_id:
            found.append({"at": row.at, "who": row.who, "request": body.get("request"),
                          "records": sorted(body.get("redacted", {}))})
    return found
