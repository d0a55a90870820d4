"""The workspace database's tables, as SQLAlchemy Core metadata.

`accounts` holds one row per account the workspace has data for, with its refresh state;
`customers` one row per (account, customer id) with the few columns the table and search read,
and `customer_documents` the whole domain object of each as JSON. Later tables (the journal of writes, jobs)
refer to an account by `accounts.id` and to a customer by (account_id, customer_id) without a
foreign key on customers, so their rows outlive the customer they describe.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

# Constraint names follow one convention, so Alembic migrations (and batch mode on SQLite) can
# name what they alter on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """An aware datetime kept in UTC.

    PostgreSQL keeps it as `timestamptz`. SQLite has no date type: there it is ISO 8601 text of
    fixed width in UTC ('2026-12-01T09:00:00.000000+00:00'), which sorts as time does and is read
    back by `datetime.fromisoformat` (C) rather than SQLAlchemy's own parsing, ten times slower.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(32))
        return dialect.type_descriptor(self.impl)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the workspace stores aware datetimes only")
        utc = value.astimezone(UTC)
        return utc.isoformat(timespec="microseconds") if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


accounts = sa.Table(
    "accounts", metadata,
    sa.Column("id", sa.String(200), primary_key=True),             # the account id in settings
    sa.Column("provider", sa.String(50), nullable=False),          # the provider's registry key
    # Refresh state. Every refresh takes the next generation; a customer row carries the generation
    # that last saw it, so a complete full refresh removes exactly the rows it did not see.
    sa.Column("refresh_generation", sa.Integer, nullable=False, server_default="0"),
    sa.Column("refresh_started_at", UtcDateTime),
    sa.Column("data_as_of", UtcDateTime),                          # the end of the last complete refresh
    # What an incremental refresh resumes from (a provider's updated-since mark, an event id), as JSON.
    sa.Column("refresh_cursor", sa.Text),
    # The last load position handed out (see customers.load_order).
    sa.Column("load_sequence", sa.BigInteger, nullable=False, server_default="0"),
)

customers = sa.Table(
    "customers", metadata,
    sa.Column("account_id", sa.String(200), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("customer_id", sa.String(200), nullable=False),      # the provider's id
    # What the table shows and search reads: a narrow row, so reading every account's is a short scan.
    sa.Column("given_name", sa.Text),
    sa.Column("family_name", sa.Text),
    sa.Column("company", sa.Text),
    sa.Column("email", sa.Text),
    sa.Column("phone", sa.Text),
    sa.Column("reference_id", sa.Text),
    sa.Column("created_at", UtcDateTime),
    sa.Column("updated_at", UtcDateTime),
    sa.Column("last_seen", UtcDateTime, nullable=False),           # when a provider last gave us this row
    sa.Column("seen_generation", sa.Integer, nullable=False),      # the refresh generation that last saw it
    sa.PrimaryKeyConstraint("account_id", "customer_id"),
    sa.Index("ix_customers_account_id_seen_generation", "account_id", "seen_generation"),

)

# The whole domain Customer as JSON, one row per customer row, read on demand (the edit dialog, a
# full load): kept apart so a scan of `customers` does not decrypt a kilobyte a customer.
customer_documents = sa.Table(
    "customer_documents", metadata,
    sa.Column("account_id", sa.String(200), nullable=False),
    sa.Column("customer_id", sa.String(200), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    # Where the customer first came in the provider's listing (the account's load_sequence then), so a
    # warm start shows the rows in the order a load from the provider does. Here rather than in
    # `customers`: the warm start reads documents in this order, and an index on this table lets
    # it walk them nearly in file order (through `customers` each document is a lookup, 3x slower).
    # NULL: saved before revision 0002.
    sa.Column("load_order", sa.BigInteger),
    # What the window's index makes of the customer (its search keys and filter facts), written with
    # the document by whoever can make them, so a warm start need not decode the document; NULL when
    # the save did not say (see console/services/stored_rows.py). Revision 0009.
    sa.Column("row_keys", sa.Text),
    # What a duplicate scan makes of the customer (its normalised email, phone, name, postal code, company
    # and reference id), stamped with the document's checksum (`documents.document_crc`), so a scan after a
    # warm start reads them rather than the documents; NULL when the save did not say. Revision 0012.
    sa.Column("scan_keys", sa.Text),
    sa.PrimaryKeyConstraint("account_id", "customer_id"),
    sa.ForeignKeyConstraint(["account_id", "customer_id"], ["customers.account_id", "customers.customer_id"],
                            ondelete="CASCADE"),
    sa.Index("ix_customer_documents_account_id_load_order", "account_id", "load_order"),
    # Covering: a scan reads an account's keys from this index alone, not from pages full of documents
    # (0.08 s rather than 0.3 s for 100,000 customers), in the order a warm start's index holds them;
    # SQLite and PostgreSQL keep it in step with every write.
    sa.Index("ix_customer_documents_scan_keys", "account_id", "load_order", "customer_id", "scan_keys"),
    # Covering as well: a warm start reads every row's keys from this index alone first, so all rows are
    # searchable before their documents are read (about a fifth of the pages: P8a). Revision 0015.
    sa.Index("ix_customer_documents_row_keys", "account_id", "load_order", "row_keys"),
)

# The journal of writes: append-only records, each chained to the one before by a SHA-256 (see
# console/store/journal.py). An intent is written before a request is sent, its outcome after; an
# intent without an outcome is a write whose end nobody saw ("in doubt"). The columns the History
# window filters on are the intent's; the rest of a record is its JSON `body`.
journal = sa.Table(
    "journal", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_id", sa.String(32), nullable=False, unique=True),
    sa.Column("kind", sa.String(10), nullable=False),             # "intent" or "outcome"
    sa.Column("entry_id", sa.String(32), nullable=False),         # the intent's record_id (itself for an intent)
    sa.Column("group_id", sa.String(32)),                         # the intents of one save share it
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("account_id", sa.String(200), nullable=False),
    sa.Column("provider", sa.String(50), nullable=False),
    sa.Column("customer_id", sa.String(200)),                     # None for a create until its outcome
    sa.Column("operation", sa.String(40), nullable=False),
    sa.Column("who", sa.String(200), nullable=False),             # the staff name, else the OS user
    sa.Column("customer_name", sa.Text),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # The database login that wrote the record: set by the server on a team database (a trigger, migration
    # 0008), whatever the console sent; NULL in a local file. Outside the hash (see journal.py).
    sa.Column("db_role", sa.String(200)),
    sa.Index("ix_journal_entry_id", "entry_id"),
    sa.Index("ix_journal_account_id_customer_id", "account_id", "customer_id"),
    sa.Index("ix_journal_at", "at"),
)


# The partial indexes with their condition, given SQLite at once and PostgreSQL only by `postgresql_conditions`
# (a team engine's): naming a PostgreSQL option loads SQLAlchemy's whole PostgreSQL dialect, 17 ms of every
# start on a local file, which never uses it. Nothing reads them but a comparison with the migrations.
_PARTIAL: list[tuple[sa.Index, sa.ColumnElement[bool]]] = []


def _partial(name: str, *columns: sa.Column[Any], where: sa.ColumnElement[bool]) -> None:
    _PARTIAL.append((sa.Index(name, *columns, sqlite_where=where), where))


def postgresql_conditions() -> None:
    """Give the partial indexes their condition on PostgreSQL too, as migration 0004 made them there."""
    for index, where in _PARTIAL:
        index.dialect_options["postgresql"]["where"] = where


def _intents(name: str, *columns: str) -> None:
    """An index over the intents only (History's rows), so a filter or a page never reads outcomes."""
    _partial(name, *(journal.c[c] for c in columns), where=journal.c.kind == "intent")


# History's reads over 100,000 entries (migration 0004): its pages in order with the text filter's
# columns, each filter with the order after it, and the creates' outcomes (where a new id is found).
_intents("ix_journal_intent_seq", "seq", "customer_name", "customer_id", "record_id")
_intents("ix_journal_intent_filters", "account_id", "who", "operation", "at", "seq")
_intents("ix_journal_intent_who", "who", "seq")
_intents("ix_journal_intent_operation", "operation", "seq")
_intents("ix_journal_intent_at", "at", "seq")
_partial("ix_journal_outcome_created", journal.c.operation, journal.c.customer_id, journal.c.entry_id,
         where=journal.c.kind == "outcome")

# Groups staff said are not one person ("not the same person" in Find duplicates): the group's key
# (see console/domain/duplicate_groups.py) and its members as JSON [[account id, customer id], ...], so
# a later scan never connects them again, whatever else changed.
dismissed_duplicates = sa.Table(
    "dismissed_duplicates", metadata,
    sa.Column("group_key", sa.String(64), primary_key=True),
    sa.Column("members", sa.Text, nullable=False),
    sa.Column("dismissed_at", UtcDateTime, nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
)

# The last whole duplicate scan of a set of accounts (issue 20), so that a session's first scan need only
# make keys and score pairs for the customers changed since: its records (ids and their documents'
# checksums), their blocking keys and its scored pairs, as one compressed text
# (console/services/duplicate_last_scan.py). `scope_key`: a hash of the account ids, `accounts` the ids
# themselves. It holds normalised emails and phones: removing an account, or erasing a person, forgets
# every kept scan (store/duplicate_scans.py). Revision 0013.
duplicate_scans = sa.Table(
    "duplicate_scans", metadata,
    sa.Column("scope_key", sa.String(64), primary_key=True),
    sa.Column("accounts", sa.Text, nullable=False),
    sa.Column("saved_at", UtcDateTime, nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
)

# The first screenful of each account's table (or All accounts') as the window last showed it: the columns,
# the header's state and the rows as text, one JSON text (console/services/start_snapshot.py). The next
# start paints it before the app has loaded (console/ui/start_preview.py reads it through the driver,
# store/raw_read.py). It shows customers: removing the account or erasing a person it shows forgets it.
# `account_id` is not a foreign key: All accounts has a view too. Revision 0014.
start_views = sa.Table(
    "start_views", metadata,
    sa.Column("account_id", sa.String(200), primary_key=True),
    sa.Column("saved_at", UtcDateTime, nullable=False),
    sa.Column("view", sa.Text, nullable=False),
)

# Jobs (issue 19): a job's header, and its planned operations in order, each with its state. An
# operation is marked "sending" in its own transaction before its request goes, so a start after a
# crash knows which ones to read back rather than send again.
jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("account_id", sa.String(200), nullable=False),
    sa.Column("provider", sa.String(50), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
)

job_operations = sa.Table(
    "job_operations", metadata,
    sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("planned", sa.Text, nullable=False),             # the PlannedOp as JSON
    sa.Column("idempotency_key", sa.String(64), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("result_id", sa.String(200)),
    sa.Column("error", sa.Text),
    sa.Column("sent_at", UtcDateTime),
    sa.PrimaryKeyConstraint("job_id", "seq"),
    sa.Index("ix_job_operations_job_id_state", "job_id", "state"),
)

# Privacy requests (issue 21): one row per access or erasure request, its receipt. `identifiers` is the
# person's email/phone/name as JSON, replaced by their SHA-256 digests once they are erased; `document`
# holds the accounts searched, the records found and the actions taken with their outcomes, as JSON.
privacy_requests = sa.Table(
    "privacy_requests", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),             # "access" or "erasure"
    sa.Column("state", sa.String(20), nullable=False),            # "open", "incomplete" or "complete"
    sa.Column("identifiers", sa.Text, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

# The accounts a team works with (issue 22), so a console that joins the team workspace can add the same
# account (its id: the shared copies, journal and jobs are keyed by it). No secrets: each staff member
# enters their own credentials. `options` is the account's provider options as JSON.
shared_accounts = sa.Table(
    "shared_accounts", metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("provider", sa.String(50), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("environment", sa.String(20), nullable=False),
    sa.Column("base_url", sa.Text),
    sa.Column("options", sa.Text, nullable=False),
    sa.Column("shared_by", sa.String(200), nullable=False),
    sa.Column("shared_at", UtcDateTime, nullable=False),
)
