"""What SQLite and PostgreSQL spell differently, once: an INSERT that can say what to do on a conflict."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite


def insert(dialect: str, table: sa.Table) -> Any:
    """The backend's INSERT for `table`, with `on_conflict_do_nothing` / `on_conflict_do_update`."""
    if dialect == "sqlite":
        return sqlite.insert(table)
    if dialect == "postgresql":
        # Imported here: the whole PostgreSQL dialect loads with it (17 ms), which a local file never needs.
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    raise NotImplementedError(f"the workspace does not support {dialect}")
