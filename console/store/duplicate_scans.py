"""The last whole duplicate scan of each set of accounts (issue 20): saved, read back and forgotten.

What a scan is saved as is the service's business (console/services/duplicate_last_scan.py); here it is
one compressed payload per set of accounts. It holds normalised emails and phones, so removing an account
and erasing a person forget every kept scan: the next scan is a whole one and keeps a new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.store import dialects
from console.store.tables import duplicate_scans


def scope_key(accounts: Iterable[str]) -> str:
    """The key of a set of accounts: the same whatever their order."""
    return hashlib.sha256(json.dumps(sorted(set(accounts))).encode()).hexdigest()


def save_scan(connection: Connection, accounts: Iterable[str], saved_at: datetime, payload: bytes) -> None:
    """Keep `payload` as the last scan of `accounts`, in place of the one before."""
    scope = sorted(set(accounts))
    values = {"accounts": json.dumps(scope), "saved_at": saved_at, "payload": payload}
    connection.execute(dialects.insert(connection.dialect.name, duplicate_scans)
                       .values(scope_key=scope_key(scope), **values)
                       .on_conflict_do_update(index_elements=[duplicate_scans.c.scope_key], set_=values))


def read_scan(connection: Connection, accounts: Iterable[str]) -> bytes | None:
    """The payload of the last scan of `accounts`; None when none is kept."""
    return connection.execute(sa.select(duplicate_scans.c.payload)
                              .where(duplicate_scans.c.scope_key == scope_key(accounts))).scalar()


def forget_scans(connection: Connection) -> int:
    """Forget every kept scan; how many there were."""
    return connection.execute(sa.delete(duplicate_scans)).rowcount
