"""Accounts with their refresh state, and every account's customers (table columns, and whole documents).

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Times are UTC (console.store.tables.DATETIME over this column type).
DATETIME = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(50), nullable=False),
        sa.Column("refresh_generation", sa.Integer, nullable=False, server_default="0"),
        sa.Column("refresh_started_at", DATETIME),
        sa.Column("data_as_of", DATETIME),
        sa.Column("refresh_cursor", sa.Text),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "customers",
        sa.Column("account_id", sa.String(200), nullable=False),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("given_name", sa.Text),
        sa.Column("family_name", sa.Text),
        sa.Column("company", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("reference_id", sa.Text),
        sa.Column("created_at", DATETIME),
        sa.Column("updated_at", DATETIME),
        sa.Column("last_seen", DATETIME, nullable=False),
        sa.Column("seen_generation", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_customers_account_id_accounts")),
        sa.PrimaryKeyConstraint("account_id", "customer_id", name=op.f("pk_customers")),
    )
    op.create_index("ix_customers_account_id_seen_generation", "customers", ["account_id", "seen_generation"])
    op.create_table(
        "customer_documents",
        sa.Column("account_id", sa.String(200), nullable=False),
        sa.Column("customer_id", sa.String(200), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(["account_id", "customer_id"], ["customers.account_id", "customers.customer_id"],
                                ondelete="CASCADE", name=op.f("fk_customer_documents_account_id_customers")),
        sa.PrimaryKeyConstraint("account_id", "customer_id", name=op.f("pk_customer_documents")),
    )


def downgrade() -> None:
    op.drop_table("customer_documents")
    op.drop_index("ix_customers_account_id_seen_generation", table_name="customers")
    op.drop_table("customers")
    op.drop_table("accounts")
