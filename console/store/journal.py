"""The journal of writes: append-only records chained by SHA-256, and reading them back as entries.

Each record's `hash` is the SHA-256 of the previous record's hash and the record's own content
(every column but `seq`, `hash` and `db_role`, as canonical JSON), so changing, removing or reordering any
record breaks the chain from there on, and `verify` names the first record that does not match.
Records are appended inside one write transaction, so the previous hash read is the last one
committed, even with two app instances: on SQLite the transaction holds the write lock from its start
(BEGIN IMMEDIATE); on PostgreSQL an append first takes the journal's advisory lock (held to the commit),
so consoles sharing a team database append one after another.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from console.domain.journal import (
    ChainCheck,
    Finish,
    Intent,
    JournalEntry,
    JournalQuery,
    Outcome,
    intent_from_body,
)
from console.store import advisory
from console.store.tables import journal

GENESIS = "0" * 64   # the previous hash of the first record
# `db_role` (the login a team database saw write the record) is left out: the server sets it after the
# console computed the hash, a journal moved from a local file to a team database keeps its hashes, and on
# the server the grants (no UPDATE of the journal for staff) protect it rather than the chain.
CREATES = ("create", "create_from")   # the operations whose outcome gives the customer a (new) id
_HASHED = ("record_id", "kind", "entry_id", "group_id", "at", "account_id", "provider", "customer_id",
           "operation", "who", "customer_name", "body", "prev_hash")


def _digest(prev_hash: str, row: dict[str, Any]) -> str:
    content = {key: row[key] for key in _HASHED}
    content["at"] = row["at"].astimezone(UTC).isoformat(timespec="microseconds")
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def _last_hash(connection: Connection) -> str:
    last = connection.execute(sa.select(journal.c.hash).order_by(journal.c.seq.desc()).limit(1)).scalar()
    return last or GENESIS


def lock_chain(connection: Connection) -> None:
    """Hold the journal's append lock until the transaction ends (PostgreSQL; SQLite's write lock does it)."""
    advisory.lock_for_transaction(connection, advisory.JOURNAL)


def append_records(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Append whole records (every hashed column but `prev_hash`) at the end of the chain, linking each."""
    _append(connection, rows)


def _append(connection: Connection, rows: list[dict[str, Any]]) -> None:
    lock_chain(connection)   # read committed: the last hash is read after it
    prev = _last_hash(connection)
    for row in rows:
        row["prev_hash"] = prev
        row["hash"] = prev = _digest(prev, row)
    connection.execute(sa.insert(journal), rows)


def _body(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def record_intents(connection: Connection, intents: Sequence[Intent], at: datetime,
                   ids: Sequence[str] | None = None) -> list[str]:
    """Append intents (one write transaction) under `ids` (new ones when not given); their entry ids."""
    ids = list(ids) if ids is not None else [uuid.uuid4().hex for _ in intents]
    _append(connection, [_intent_row(record_id, intent, at) for record_id, intent in zip(ids, intents, strict=True)])
    return ids


def record_missing_intents(connection: Connection, entries: Sequence[tuple[str, Intent, datetime]]) -> int:
    """Append the intents (entry id, intent, when) the journal does not hold yet; how many were missing."""
    advisory.lock_for_transaction(connection, advisory.JOURNAL)   # another console may be adding them too
    held = set(connection.execute(sa.select(journal.c.record_id).where(
        journal.c.record_id.in_([entry_id for entry_id, _, _ in entries]))).scalars()) if entries else set()
    rows = [_intent_row(entry_id, intent, at) for entry_id, intent, at in entries if entry_id not in held]
    if rows:
        _append(connection, rows)
    return len(rows)


def _intent_row(record_id: str, intent: Intent, at: datetime) -> dict[str, Any]:
    return {"record_id": record_id, "kind": "intent", "entry_id": record_id, "group_id": intent.group_id,
            "at": at, "account_id": intent.account_id, "provider": intent.provider,
            "customer_id": intent.customer_id, "operation": intent.operation, "who": intent.who,
            "customer_name": intent.customer_name, "body": _body(asdict(intent))}


def record_finish(connection: Connection, entry_id: str, finish: Finish, at: datetime) -> None:
    """Append the outcome of the intent `entry_id`."""
    intent = connection.execute(sa.select(journal).where(journal.c.record_id == entry_id,
                                                         journal.c.kind == "intent")).one()
    _append(connection, [{
        "record_id": uuid.uuid4().hex, "kind": "outcome", "entry_id": entry_id, "group_id": intent.group_id,
        "at": at, "account_id": intent.account_id, "provider": intent.provider,
        "customer_id": finish.customer_id or intent.customer_id, "operation": intent.operation, "who": intent.who,
        "customer_name": intent.customer_name, "body": _body(asdict(finish))}])


def record_finishes(connection: Connection, outcomes: Sequence[tuple[str, Finish]], at: datetime) -> None:
    """`record_finish` for several intents at once (a bulk write's outcomes): one read of their intents,
    one append."""
    if not outcomes:
        return
    intents = {row.record_id: row for row in connection.execute(sa.select(journal).where(
        journal.c.record_id.in_([entry_id for entry_id, _ in outcomes]), journal.c.kind == "intent"))}
    _append(connection, [{
        "record_id": uuid.uuid4().hex, "kind": "outcome", "entry_id": entry_id,
        "group_id": intents[entry_id].group_id, "at": at, "account_id": intents[entry_id].account_id,
        "provider": intents[entry_id].provider, "customer_id": finish.customer_id or intents[entry_id].customer_id,
        "operation": intents[entry_id].operation, "who": intents[entry_id].who,
        "customer_name": intents[entry_id].customer_name, "body": _body(asdict(finish))}
        for entry_id, finish in outcomes])


# -- reading ----------------------------------------------------------------------------------
_outcomes = journal.alias("outcomes")


def _where(query: JournalQuery, dialect: str) -> list[Any]:
    c = journal.c
    clauses: list[Any] = [c.kind == "intent"]
    if query.account_id:
        clauses.append(c.account_id == query.account_id)
    if query.who:
        clauses.append(c.who == query.who)
    if query.operation:
        clauses.append(c.operation == query.operation)
    if query.since:
        clauses.append(c.at >= query.since)
    if query.until:
        clauses.append(c.at < query.until)
    if query.text:
        like = f"%{query.text.replace('%', '').replace('_', '')}%"
        # SQLite's LIKE ignores case as its lower() does (ASCII only), without a call per row; PostgreSQL's does not.
        def matches(column: Any) -> Any:
            return column.like(like) if dialect == "sqlite" else column.ilike(like)
        # A create's new id is in its outcome: found by one sub-query over the creates, not by joining every entry.
        created = sa.select(_outcomes.c.entry_id).where(_outcomes.c.kind == "outcome",
                                                        _outcomes.c.operation.in_(CREATES),
                                                        matches(_outcomes.c.customer_id))
        clauses.append(sa.or_(matches(c.customer_name), matches(c.customer_id), c.record_id.in_(created)))
    if query.customer:
        account_id, customer_id = query.customer
        clauses.append(c.account_id == account_id)
        clauses.append(sa.or_(c.customer_id == customer_id, _outcomes.c.customer_id == customer_id))
    if query.group_id:
        clauses.append(c.group_id == query.group_id)
    if query.before is not None:
        clauses.append(c.seq < query.before)
    return clauses


def _joined() -> Any:
    return journal.outerjoin(_outcomes, sa.and_(_outcomes.c.entry_id == journal.c.record_id,
                                                _outcomes.c.kind == "outcome"))


# Up to this many matches, a page is found through the filters' index and sorted (see `entries`).
FEW_MATCHES = 5_000


def entries(connection: Connection, query: JournalQuery, *, offset: int = 0, limit: int = 200,
            matches: int | None = None) -> list[JournalEntry]:
    """A page of entries matching `query`, newest first; `matches`, their count if known, picks the plan."""
    # The page's seqs first, from an index alone where the filters allow; then only those records are
    # read (counting through thousands of whole records to a page's start took the better part of a second).
    # With an account and another filter SQLite walks one filter's (column, seq) index newest first and
    # tests each entry: quick when matches are many, but a staff member's few entries at one account
    # walked all of theirs (0.2 s in 20,000). Ordering by an expression over seq makes it take the
    # filters' index (account, staff, operation, ...) instead and sort the few. Without an account that
    # index has no prefix to use, and the (column, seq) walk is the better plan.
    few = matches is not None and matches <= FEW_MATCHES and query.account_id is not None
    newest = (journal.c.seq + 0) if few else journal.c.seq
    page = (sa.select(journal.c.seq).select_from(_joined() if query.customer else journal)
            .where(*_where(query, connection.dialect.name))
            .order_by(newest.desc()).offset(offset).limit(limit))
    statement = (sa.select(journal, _outcomes.c.body.label("outcome_body"), _outcomes.c.at.label("outcome_at"),
                           _outcomes.c.customer_id.label("outcome_customer"))
                 .select_from(_joined()).where(journal.c.seq.in_(page.scalar_subquery()))
                 .order_by(journal.c.seq.desc()))
    return [_entry(row) for row in connection.execute(statement)]


def count(connection: Connection, query: JournalQuery) -> int:
    # Only the customer filter looks at the outcomes; without it, counting intents alone is an index's
    # length (joining each of 100,000 intents to its outcome took seconds).
    source = _joined() if query.customer else journal
    statement = sa.select(sa.func.count()).select_from(source).where(*_where(query, connection.dialect.name))
    return int(connection.execute(statement).scalar_one())


def entry(connection: Connection, entry_id: str) -> JournalEntry | None:
    statement = (sa.select(journal, _outcomes.c.body.label("outcome_body"), _outcomes.c.at.label("outcome_at"),
                           _outcomes.c.customer_id.label("outcome_customer"))
                 .select_from(_joined()).where(journal.c.record_id == entry_id, journal.c.kind == "intent"))
    row = connection.execute(statement).first()
    return _entry(row) if row is not None else None


def in_doubt(connection: Connection, account_id: str) -> list[JournalEntry]:
    """The account's intents that have no outcome, oldest first."""
    statement = (sa.select(journal, sa.null().label("outcome_body"), sa.null().label("outcome_at"),
                           sa.null().label("outcome_customer"))
                 .select_from(_joined())
                 .where(journal.c.kind == "intent", journal.c.account_id == account_id, _outcomes.c.seq.is_(None))
                 .order_by(journal.c.seq))
    return [_entry(row) for row in connection.execute(statement)]


def staff(connection: Connection) -> list[str]:
    """Everyone who has journaled a write, for History's filter."""
    statement = sa.select(journal.c.who).where(journal.c.kind == "intent").distinct().order_by(journal.c.who)
    return list(connection.execute(statement).scalars())


def _entry(row: Row[Any]) -> JournalEntry:
    intent = intent_from_body(json.loads(row.body))
    if row.outcome_body is None:
        return JournalEntry(seq=row.seq, entry_id=row.record_id, at=row.at, intent=intent, outcome=Outcome.IN_DOUBT,
                            customer_id=row.customer_id, db_role=row.db_role)
    finish = json.loads(row.outcome_body)
    return JournalEntry(seq=row.seq, entry_id=row.record_id, at=row.at, intent=intent,
                        outcome=Outcome(finish["outcome"]), customer_id=row.outcome_customer or row.customer_id,
                        error=finish.get("error"), note=finish.get("note"), finished_at=row.outcome_at,
                        db_role=row.db_role)


# -- verifying --------------------------------------------------------------------------------
def _named(row: Any) -> dict[str, Any]:
    """What History says of a record that does not match: its entry, and what the record itself says."""
    return {"record_id": row["record_id"], "entry_id": row["entry_id"], "kind": row["kind"], "at": row["at"],
            "who": row["who"], "customer_id": row["customer_id"], "customer_name": row["customer_name"]}


def verify(connection: Connection) -> ChainCheck:
    """Re-compute the chain in order; the first record whose hash or link does not match is named."""
    from console.store.journal_redaction import redacted_digests  # a person's values erased (issue 21)

    redacted = redacted_digests(connection)
    prev = GENESIS
    checked = 0
    for row in connection.execute(sa.select(journal).order_by(journal.c.seq)).mappings():
        record = dict(row)
        if record["prev_hash"] != prev:
            return ChainCheck(checked, row["seq"], "its link to the record before does not match (one was "
                                                   "removed, inserted or reordered)", _named(row))
        if (digest := _digest(prev, record)) != record["hash"] and digest != redacted.get(record["record_id"]):
            return ChainCheck(checked, row["seq"], "its content was changed after it was written",
                              _named(row))
        prev = record["hash"]
        checked += 1
    return ChainCheck(checked)
