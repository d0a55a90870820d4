"""A covering index of each customer's row keys in load order, so a warm start reads the keys of every
row without the pages full of documents, and shows every row searchable before the documents come
(issue 17, P8a).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_customer_documents_row_keys", "customer_documents", ["account_id", "load_order", "row_keys"])


def downgrade() -> None:
    op.drop_index("ix_customer_documents_row_keys", table_name="customer_documents")
