"""Alembic's environment for the workspace: always online, on the connection the caller passed in."""

from __future__ import annotations

from alembic import context

from console.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the workspace migrations run through console.store.schema, on an open connection")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,        # SQLite alters tables by copying them; batch mode writes that for us
    transactional_ddl=True,      # the caller's transaction holds every step: all or nothing
)
with context.begin_transaction():
    context.run_migrations()
