"""Each account's start view (the first screenful its table last showed): kept, listed and forgotten.

What a view holds is the services' business (console/services/start_snapshot.py); here it is one text
per account. The next start reads it without SQLAlchemy (raw_read.start_view).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.store import dialects
from console.store.tables import start_views


def save_view(connection: Connection, account_id: str, saved_at: datetime, view: str) -> None:
    """Keep `view` as the account's start view, in place of the one before."""
    values = {"saved_at": saved_at, "view": view}
    connection.execute(dialects.insert(connection.dialect.name, start_views)
                       .values(account_id=account_id, **values)
                       .on_conflict_do_update(index_elements=[start_views.c.account_id], set_=values))


def read_views(connection: Connection) -> dict[str, str]:
    """Every kept view by its account."""
    return {row.account_id: row.view for row in connection.execute(sa.select(start_views))}


def forget_views(connection: Connection, account_ids: Iterable[str] | None = None) -> int:
    """Forget the views of `account_ids` (None: every one); how many went."""
    statement = sa.delete(start_views)
    if account_ids is not None:
        statement = statement.where(start_views.c.account_id.in_(list(account_ids)))
    return connection.execute(statement).rowcount
