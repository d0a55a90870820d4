"""Privacy requests in the workspace (issue 21): finding a person's rows in the local copy, and the
requests' receipts kept one row each, their detail as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.domain.customer import Customer
from console.store.journal_redaction import MARKER, erase_values
from console.store.tables import customers, job_operations, jobs, privacy_requests


def candidate_rows(connection: Connection, matches: Callable[[Customer], bool]) -> Iterator[tuple[str, str]]:
    """(account id, customer id) of every held customer whose narrow row `matches` (name, email, phone)."""
    c = customers.c
    statement = sa.select(c.account_id, c.customer_id, c.given_name, c.family_name, c.email, c.phone)
    for row in connection.execute(statement):
        narrow = Customer(id=row.customer_id, given_name=row.given_name, family_name=row.family_name,
                          email=row.email, phone=row.phone)
        if matches(narrow):
            yield row.account_id, row.customer_id


def redact_job_operations(connection: Connection, keys: Iterable[tuple[str, str]]) -> int:
    """The values and labels of job operations about the (account id, customer id) records (an import's
    create, a bulk change) replaced by the marker; how many operations were."""
    wanted: dict[str, set[str]] = {}
    for account_id, customer_id in keys:
        wanted.setdefault(account_id, set()).add(customer_id)
    redacted = 0
    for account_id, ids in wanted.items():
        statement = (sa.select(job_operations.c.job_id, job_operations.c.seq, job_operations.c.planned,
                               job_operations.c.result_id)
                     .join(jobs, jobs.c.id == job_operations.c.job_id).where(jobs.c.account_id == account_id))
        for row in connection.execute(statement).all():
            planned = json.loads(row.planned)
            if row.result_id not in ids and planned.get("customer_id") not in ids:
                continue
            personal: set[str] = set()
            planned["values"] = erase_values(planned.get("values") or {}, personal)
            planned["label"] = MARKER if planned.get("label") else planned.get("label")
            connection.execute(sa.update(job_operations).where(job_operations.c.job_id == row.job_id,
                                                               job_operations.c.seq == row.seq)
                               .values(planned=json.dumps(planned)))
            redacted += 1
    return redacted


def save_request(connection: Connection, request_id: str, *, kind: str, state: str, identifiers: dict[str, str],
                 document: dict[str, Any], who: str, created_at: datetime, at: datetime) -> None:
    """Write a request's receipt (a new one, or the same request as it now stands)."""
    values = {"kind": kind, "state": state, "identifiers": json.dumps(identifiers, sort_keys=True),
              "document": json.dumps(document, sort_keys=True, default=str), "updated_at": at}
    updated = connection.execute(sa.update(privacy_requests).where(privacy_requests.c.id == request_id)
                                 .values(**values)).rowcount
    if not updated:
        connection.execute(sa.insert(privacy_requests).values(id=request_id, created_at=created_at, created_by=who,
                                                              **values))


def request(connection: Connection, request_id: str) -> dict[str, Any] | None:
    """One request's row, its JSON decoded; None when there is none."""
    row = connection.execute(sa.select(privacy_requests).where(privacy_requests.c.id == request_id)).first()
    return _decoded(row._mapping) if row is not None else None


def requests(connection: Connection) -> list[dict[str, Any]]:
    """Every request, newest first (Privacy requests lists them)."""
    statement = sa.select(privacy_requests).order_by(privacy_requests.c.created_at.desc())
    return [_decoded(row) for row in connection.execute(statement).mappings()]


def _decoded(row: Any) -> dict[str, Any]:
    found = dict(row)
    found["identifiers"] = json.loads(found["identifiers"])
    found["document"] = json.loads(found["document"])
    return found
