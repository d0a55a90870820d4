"""A customer's search keys and filter facts beside its document (customer_documents.row_keys), so a
warm start can make the window's index without decoding every customer.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows saved before have none (NULL): they are decoded as before, and get keys when saved again.
    with op.batch_alter_table("customer_documents") as batch:
        batch.add_column(sa.Column("row_keys", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("customer_documents") as batch:
        batch.drop_column("row_keys")
