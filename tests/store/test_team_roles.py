"""The least-privilege roles of a team database (console/store/team_roles.py): staff may add to the journal
but not change or remove it, each record names the login that wrote it, only the privacy role may redact,
and only the owner may migrate."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from psycopg import sql

from console.domain.journal import Finish, JournalQuery, Outcome
from console.store import accounts, customers, journal, schema
from console.store.engine import Workspace
from console.store.journal_redaction import redact
from console.store.tables import journal as journal_table
from console.store.team import TeamDatabaseError, create_team_engine, open_team_workspace
from console.store.team_roles import TeamRoles, grant_statements, setup_statements
from tests.postgres import PgServer
from tests.store.conftest import at, people
from tests.store.test_journal import _intent

_tags = itertools.count()
INSUFFICIENT_PRIVILEGE = "42501"


class Team:
    """A database set up with the roles, its logins: `owner`, `jane` (staff) and `pat` (privacy)."""

    def __init__(self, server: PgServer, url: sa.URL) -> None:
        tag = f"{os.getpid()}_{next(_tags)}"   # roles are the whole server's; databases come and go
        self.server, self.url = server, url
        self.roles = TeamRoles(owner=f"owner_{tag}", staff=f"staff {tag}", privacy=f"privacy_{tag}")
        self.owner, self.jane, self.pat = self.roles.owner, f"jane_{tag}", f"pat_{tag}"
        self.admin(setup_statements(str(url.database), self.roles))
        self.admin([sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(sql.Identifier(login), sql.Identifier(group))
                    for login, group in ((self.jane, self.roles.staff), (self.pat, self.roles.privacy))])

    def admin(self, statements: list[str] | list[sql.Composed]) -> None:
        with self.server.admin(str(self.url.database)) as connection:
            for statement in statements:
                connection.execute(statement)

    def as_(self, login: str) -> sa.URL:
        return self.url.set(username=login)

    def open(self, login: str) -> Workspace:
        return open_team_workspace(self.as_(login))


@pytest.fixture
def team(pg_server: PgServer, pg_database: Callable[..., sa.URL]) -> Team:
    team = Team(pg_server, pg_database())
    open_team_workspace(team.as_(team.owner)).close()   # the owner's first start makes the tables
    team.admin(grant_statements(team.roles))
    return team


def _refused(workspace: Workspace, statement: str) -> None:
    with pytest.raises(sa.exc.ProgrammingError) as refused, workspace.write() as connection:
        connection.execute(sa.text(statement))
    assert getattr(refused.value.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE, refused.value


def test_staff_add_to_the_journal_but_may_not_change_or_remove_it(team: Team) -> None:
    jane = team.open(team.jane)
    try:
        with jane.write() as connection:
            [entry_id] = journal.record_intents(connection, [_intent(1)], at(0))
            journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED), at(1))
            accounts.ensure_account(connection, "demo:square", "square")   # the shared tables are theirs to write
            customers.save_page(connection, "demo:square", people("p", 2), at(1))
        for statement in ("UPDATE journal SET who = 'mallory'", "DELETE FROM journal", "TRUNCATE journal",
                          "UPDATE alembic_version SET version_num = '0001'"):
            _refused(jane, statement)
        with jane.read() as connection:
            [entry] = journal.entries(connection, JournalQuery())
            assert entry.db_role == team.jane and entry.outcome is Outcome.SUCCEEDED
            assert journal.verify(connection).intact
    finally:
        jane.close()


def test_the_login_is_the_servers_word_not_the_consoles(team: Team) -> None:
    jane = team.open(team.jane)
    try:
        with jane.write() as connection:
            row = journal._intent_row("forged", _intent(1), at(0))
            journal._append(connection, [{**row, "db_role": "mallory"}])
        with jane.read() as connection:
            assert connection.execute(sa.select(journal_table.c.db_role)).scalars().all() == [team.jane]
            assert journal.verify(connection).intact   # the role is outside the hash: the chain holds
    finally:
        jane.close()


def test_only_the_privacy_role_redacts_and_the_redaction_names_its_login(team: Team) -> None:
    jane, pat = team.open(team.jane), team.open(team.pat)
    try:
        with jane.write() as connection:
            [entry_id] = journal.record_intents(connection, [_intent(1, customer_name="Ada Quill")], at(0))
            journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED), at(1))
        with pytest.raises(sa.exc.ProgrammingError) as refused, jane.write() as connection:
            redact(connection, [("demo:square", "C1")], "REQ1", "jane", at(2))
        assert getattr(refused.value.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE
        with pat.write() as connection:
            assert len(redact(connection, [("demo:square", "C1")], "REQ1", "pat", at(2))) == 2
        _refused(pat, "UPDATE journal SET who = 'mallory'")   # its two columns only
        _refused(pat, "DELETE FROM journal")
        with pat.read() as connection:
            assert journal.verify(connection).intact
            roles = dict(connection.execute(sa.select(journal_table.c.kind, journal_table.c.db_role)
                                            .where(journal_table.c.kind != "outcome")).all())
        assert roles == {"intent": team.jane, "redaction": team.pat}
    finally:
        jane.close()
        pat.close()


def test_a_staff_login_does_not_migrate_an_older_database_and_says_the_owner_must(
        pg_server: PgServer, pg_database: Callable[..., sa.URL]) -> None:
    team = Team(pg_server, pg_database())
    engine = create_team_engine(team.as_(team.owner))
    try:
        with engine.begin() as connection:
            schema.upgrade(connection, schema.known_revisions()[-2])
    finally:
        engine.dispose()
    team.admin(grant_statements(team.roles))
    with pytest.raises(TeamDatabaseError, match="may not upgrade it") as refused:
        team.open(team.jane)
    assert team.jane in str(refused.value) and "owner" in str(refused.value)
    team.open(team.owner).close()   # the owner upgrades it
    jane = team.open(team.jane)
    try:
        with jane.read() as connection:
            assert schema.current(connection) == schema.head()
    finally:
        jane.close()
