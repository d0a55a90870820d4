"""Dismissed duplicate groups: remembered by their key, read back as member sets."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.domain.duplicate_groups import MemberRef, group_key
from console.store import dialects
from console.store.tables import dismissed_duplicates


def dismiss(connection: Connection, members: Collection[MemberRef], at: datetime, who: str) -> str:
    """Remember that `members` are not one person (again is harmless); the group's key."""
    key = group_key(members)
    exists = connection.execute(sa.select(dismissed_duplicates.c.group_key)
                                .where(dismissed_duplicates.c.group_key == key)).first()
    if exists is None:   # and if another console dismissed it at this moment, theirs stands
        connection.execute(dialects.insert(connection.dialect.name, dismissed_duplicates).values(
            group_key=key, members=json.dumps(sorted([a, c] for a, c in members)), dismissed_at=at, who=who)
            .on_conflict_do_nothing(index_elements=[dismissed_duplicates.c.group_key]))
    return key


def undismiss(connection: Connection, key: str) -> bool:
    """Forget a dismissal (its group may be proposed again); False when there was none."""
    done = connection.execute(sa.delete(dismissed_duplicates).where(dismissed_duplicates.c.group_key == key))
    return bool(done.rowcount)


def dismissed(connection: Connection) -> list[frozenset[MemberRef]]:
    """Every dismissed group's members, oldest dismissal first."""
    rows = connection.execute(sa.select(dismissed_duplicates.c.members)
                              .order_by(dismissed_duplicates.c.dismissed_at, dismissed_duplicates.c.group_key))
    return [frozenset((account, customer) for account, customer in json.loads(text)) for (text,) in rows]
