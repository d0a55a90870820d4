"""The first screenful of each account's table as the window last showed it (start_views), read at the
next start before the app has loaded; it replaces the plain start-snapshot.json file (issue 17).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

DATETIME = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "start_views",
        sa.Column("account_id", sa.String(200), nullable=False),
        sa.Column("saved_at", DATETIME, nullable=False),
        sa.Column("view", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_start_views"),
    )


def downgrade() -> None:
    op.drop_table("start_views")
