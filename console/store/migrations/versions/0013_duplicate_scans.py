"""The last whole duplicate scan of a set of accounts (duplicate_scans), so that a session's first scan
scores only the customers changed since (issue 20).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

DATETIME = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_scans",
        sa.Column("scope_key", sa.String(64), nullable=False),
        sa.Column("accounts", sa.Text, nullable=False),
        sa.Column("saved_at", DATETIME, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("scope_key", name="pk_duplicate_scans"),
    )


def downgrade() -> None:
    op.drop_table("duplicate_scans")
