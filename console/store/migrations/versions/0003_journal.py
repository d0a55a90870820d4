"""The journal of writes (issue 18): append-only, hash-chained intent and outcome records.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

DATETIME = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("entry_id", sa.String(32), nullable=False),
        sa.Column("group_id", sa.String(32)),
        sa.Column("at", DATETIME, nullable=False),
        sa.Column("account_id", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(50), nullable=False),
        sa.Column("customer_id", sa.String(200)),
        sa.Column("operation", sa.String(40), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("customer_name", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_journal"),
        sa.UniqueConstraint("record_id", name="uq_journal_record_id"),
    )
    op.create_index("ix_journal_entry_id", "journal", ["entry_id"])
    op.create_index("ix_journal_account_id_customer_id", "journal", ["account_id", "customer_id"])
    op.create_index("ix_journal_at", "journal", ["at"])


def downgrade() -> None:
    op.drop_table("journal")
