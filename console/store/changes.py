"""What an incremental refresh reads before it writes: the ids an account holds, and stored documents.

The refresh compares each customer a provider sends with the document held for it, so rows whose
content has not changed are not written at all (`services/incremental_refresh.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.store.tables import customer_documents, customers

# As in customers.py: lookups by id go in chunks well below SQLite's variable limit.
_IDS_PER_STATEMENT = 500


def customer_ids(connection: Connection, account_id: str) -> set[str]:
    """Every customer id the workspace holds for the account."""
    return set(connection.execute(
        sa.select(customers.c.customer_id).where(customers.c.account_id == account_id)).scalars())


def documents(connection: Connection, account_id: str, ids: Iterable[str]) -> dict[str, str]:
    """The stored document (customers.encode) of each of `ids` the workspace holds, by id."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _IDS_PER_STATEMENT):
        chunk = wanted[start:start + _IDS_PER_STATEMENT]
        rows = connection.execute(
            sa.select(customer_documents.c.customer_id, customer_documents.c.document)
            .where(customer_documents.c.account_id == account_id, customer_documents.c.customer_id.in_(chunk)))
        found.update((row.customer_id, row.document) for row in rows)
    return found
