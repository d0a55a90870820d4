"""Duplicate groups staff dismissed as not one person (issue 20).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

DATETIME = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dismissed_duplicates",
        sa.Column("group_key", sa.String(64), nullable=False),
        sa.Column("members", sa.Text, nullable=False),
        sa.Column("dismissed_at", DATETIME, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("group_key", name="pk_dismissed_duplicates"),
    )


def downgrade() -> None:
    op.drop_table("dismissed_duplicates")
