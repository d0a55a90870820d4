"""A customer's duplicate keys beside its document (customer_documents.scan_keys) and a covering index
to read them by, so a duplicate scan after a warm start need not read every document (issue 20).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows saved before have none (NULL): a scan makes their keys from the document, as before.
    with op.batch_alter_table("customer_documents") as batch:
        batch.add_column(sa.Column("scan_keys", sa.Text))
    op.create_index("ix_customer_documents_scan_keys", "customer_documents",
                    ["account_id", "load_order", "customer_id", "scan_keys"])


def downgrade() -> None:
    op.drop_index("ix_customer_documents_scan_keys", table_name="customer_documents")
    with op.batch_alter_table("customer_documents") as batch:
        batch.drop_column("scan_keys")
