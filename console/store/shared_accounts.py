"""The team's accounts (issue 22): published by the consoles that have them, listed for those that join."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.domain.shared_accounts import SharedAccount
from console.store import dialects
from console.store.tables import shared_accounts


def publish(connection: Connection, accounts: Sequence[SharedAccount], at: datetime) -> int:
    """Add the accounts the team does not list yet (one listed keeps its first entry); how many were added."""
    if not accounts:
        return 0
    listed = set(connection.execute(sa.select(shared_accounts.c.id)
                                    .where(shared_accounts.c.id.in_([a.id for a in accounts]))).scalars())
    new = [{"id": a.id, "provider": a.provider, "name": a.name, "environment": a.environment,
            "base_url": a.base_url, "options": json.dumps(a.options, sort_keys=True), "shared_by": a.shared_by,
            "shared_at": at} for a in accounts if a.id not in listed]
    if not new:
        return 0
    # Another console may list one of them meanwhile: its entry stands.
    connection.execute(dialects.insert(connection.dialect.name, shared_accounts).on_conflict_do_nothing(), new)
    return len(new)


def listed(connection: Connection) -> list[SharedAccount]:
    """Every account the team works with, by name."""
    rows = connection.execute(sa.select(shared_accounts).order_by(shared_accounts.c.name, shared_accounts.c.id))
    return [SharedAccount(id=r.id, provider=r.provider, name=r.name, environment=r.environment, base_url=r.base_url,
                          options=json.loads(r.options), shared_by=r.shared_by, shared_at=r.shared_at) for r in rows]
