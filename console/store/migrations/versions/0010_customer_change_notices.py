"""Change notices on a team database (issue 22): every statement that writes customers tells the consoles.

On PostgreSQL, statement-level triggers on `customers` send one NOTIFY on `CHANNEL` (team_changes.py)
per account a statement touched, with the ids it saved or removed: an edit, a refresh's page, a
refresh's end removing what disappeared. NOTIFY is delivered when the transaction commits, so a
console that reads the ids after the notice finds them written. A notice longer than PostgreSQL's
8,000 bytes carries no ids: the account as a whole is to be read again. SQLite has one console per
file and no notices: nothing is made there.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NOTIFY = """
CREATE FUNCTION customers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched record;
    notice text;
BEGIN
    FOR touched IN SELECT account_id, array_agg(customer_id) AS ids FROM changed GROUP BY account_id LOOP
        notice := json_build_object('account', touched.account_id, 'removed', TG_OP = 'DELETE',
                                    'ids', touched.ids)::text;
        IF octet_length(notice) > 7900 THEN
            notice := json_build_object('account', touched.account_id, 'removed', TG_OP = 'DELETE',
                                        'ids', NULL)::text;
        END IF;
        PERFORM pg_notify('console_customers', notice);
    END LOOP;
    RETURN NULL;
END
$$
"""
TRIGGERS = (("customers_inserted", "INSERT", "NEW"), ("customers_updated", "UPDATE", "NEW"),
            ("customers_deleted", "DELETE", "OLD"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(NOTIFY)
    for name, event, table in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON customers REFERENCING {table} TABLE AS changed "
                   "FOR EACH STATEMENT EXECUTE FUNCTION customers_changed()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _, _ in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON customers")
    op.execute("DROP FUNCTION customers_changed()")
