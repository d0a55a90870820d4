"""Customers keep the order the provider listed them in (customer_documents.load_order, accounts.load_sequence).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows saved before have no place yet (NULL): they are read first, by id, as 0001 read them.
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("load_sequence", sa.BigInteger, nullable=False, server_default="0"))
    with op.batch_alter_table("customer_documents") as batch:
        batch.add_column(sa.Column("load_order", sa.BigInteger))
    op.create_index("ix_customer_documents_account_id_load_order", "customer_documents", ["account_id", "load_order"])


def downgrade() -> None:
    op.drop_index("ix_customer_documents_account_id_load_order", table_name="customer_documents")
    with op.batch_alter_table("customer_documents") as batch:
        batch.drop_column("load_order")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("load_sequence")
