"""Indexes for History over a large journal (issue 18, P11): partial indexes over the intents, so a
page, a count or a filter reads index entries rather than whole records.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INTENTS = {
    "ix_journal_intent_seq": ["seq", "customer_name", "customer_id", "record_id"],
    "ix_journal_intent_filters": ["account_id", "who", "operation", "at", "seq"],
    "ix_journal_intent_who": ["who", "seq"],
    "ix_journal_intent_operation": ["operation", "seq"],
    "ix_journal_intent_at": ["at", "seq"],
}


def upgrade() -> None:
    intent, outcome = sa.text("kind = 'intent'"), sa.text("kind = 'outcome'")
    for name, columns in INTENTS.items():
        op.create_index(name, "journal", columns, sqlite_where=intent, postgresql_where=intent)
    op.create_index("ix_journal_outcome_created", "journal", ["operation", "customer_id", "entry_id"],
                    sqlite_where=outcome, postgresql_where=outcome)


def downgrade() -> None:
    for name in [*INTENTS, "ix_journal_outcome_created"]:
        op.drop_index(name, "journal")
