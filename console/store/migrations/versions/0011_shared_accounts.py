"""The accounts a team works with, without secrets (issue 22): `shared_accounts`.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

DATETIME = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_accounts",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(50), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("environment", sa.String(20), nullable=False),
        sa.Column("base_url", sa.Text),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("shared_by", sa.String(200), nullable=False),
        sa.Column("shared_at", DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shared_accounts"),
    )


def downgrade() -> None:
    op.drop_table("shared_accounts")
