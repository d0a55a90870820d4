"""Least-privilege roles for a team database (issue 22, Security), as the SQL an administrator runs.

- **owner** (LOGIN): owns the database and its tables, and so runs the migrations: the first console
  started with this login creates the schema, and after an update of Customer Console one start with it
  upgrades it (a staff login is refused with a message saying so). Nobody works day to day as the owner:
  it may change anything, the journal included.
- **staff** (NOLOGIN): each staff member logs in as themselves, a member of it (`GRANT staff TO jane`), so
  the journal records who wrote each entry (`journal.db_role`, set by the server). It reads and writes the
  shared tables, but may only SELECT and INSERT the journal: no UPDATE, DELETE or TRUNCATE, by grants.
- **privacy** (NOLOGIN, itself a member of staff): erasing a person (`journal_redaction.redact`) replaces
  their values in journal records in place, an UPDATE of `body` and `customer_name` only (the hash kept, a
  redaction record appended to the chain). Only staff who handle privacy requests are made members; the
  role may update those two columns of the journal and nothing else of it. A SECURITY DEFINER function
  was the other way: it would have to accept whatever redacted text a console sends, so every console
  could rewrite the journal through it. A role keeps that power with named people, and the redaction
  record the server stamps with their login says who used it.

`setup_statements` runs once, as a superuser (or a role with CREATEROLE that owns the database), before
the first console starts; `grant_statements` after the owner's first start, and again after any upgrade
(they are idempotent; default privileges cover tables later migrations add, but not their exceptions).
Passwords are not in here: the administrator sets them (`\\password jane` in psql).
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql


@dataclass(frozen=True, slots=True)
class TeamRoles:
    """The role names (quoted where they are used, so any name works)."""

    owner: str = "console_owner"
    staff: str = "console_staff"
    privacy: str = "console_privacy"
    schema: str = "public"


def _render(template: str, roles: TeamRoles, **names: str) -> str:
    identifiers = {"owner": roles.owner, "staff": roles.staff, "privacy": roles.privacy, "schema": roles.schema,
                   **names}
    return sql.SQL(template).format(**{k: sql.Identifier(v) for k, v in identifiers.items()}).as_string(None)


_SETUP = (
    "CREATE ROLE {owner} LOGIN",
    "CREATE ROLE {staff} NOLOGIN",
    "CREATE ROLE {privacy} NOLOGIN IN ROLE {staff}",
    "ALTER DATABASE {database} OWNER TO {owner}",
    "REVOKE ALL ON DATABASE {database} FROM PUBLIC",
    "GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {staff}",
    "REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
    "GRANT USAGE, CREATE ON SCHEMA {schema} TO {owner}",
    "GRANT USAGE ON SCHEMA {schema} TO {staff}",
    # Tables and sequences a later migration adds: staff may use them. The journal's exceptions are below.
    "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {staff}",
    "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {staff}",
)

_GRANTS = (
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {staff}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {staff}",
    # The journal is append-only for staff: what they may not do to it, no console can.
    "REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.journal FROM {staff}",
    "GRANT UPDATE (body, customer_name) ON {schema}.journal TO {privacy}",
    # The schema's revision is the owner's to change.
    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.alembic_version FROM {staff}",
)


def setup_statements(database: str, roles: TeamRoles = TeamRoles()) -> list[str]:
    """The roles, the database handed to the owner, and who may connect and create: run once, first."""
    return [_render(statement, roles, database=database) for statement in _SETUP]


def grant_statements(roles: TeamRoles = TeamRoles()) -> list[str]:
    """Staff's and privacy's rights on the tables: run after the owner's first start, and after upgrades."""
    return [_render(statement, roles) for statement in _GRANTS]
