"""The database role that wrote each journal record (issue 22): `journal.db_role`.

On PostgreSQL a trigger sets it on every insert to the session's login (`session_user`, which SET ROLE and
SECURITY DEFINER functions do not change), whatever the client sent; on SQLite, a file with no logins, it
stays NULL. Records written before this revision keep NULL.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STAMP = """
CREATE FUNCTION journal_db_role() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.db_role := session_user;
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table("journal") as batch:
        batch.add_column(sa.Column("db_role", sa.String(200)))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(STAMP)
        op.execute("CREATE TRIGGER journal_db_role BEFORE INSERT ON journal FOR EACH ROW "
                   "EXECUTE FUNCTION journal_db_role()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER journal_db_role ON journal")
        op.execute("DROP FUNCTION journal_db_role()")
    with op.batch_alter_table("journal") as batch:
        batch.drop_column("db_role")
