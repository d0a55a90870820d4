"""What SQLite and PostgreSQL spell differently, once: an INSERT that can say what to do on a conflict."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def insert(dialect: str, table: sa.Table) -> Any:
    """The backend's INSERT for `table`, with `on_conflict_do_nothing` / `on_conflict_do_update`."""
    if dialect == "sqlite":
        return sqlite.insert(table)
    if dialect == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"the workspace does not support {dialect}")
