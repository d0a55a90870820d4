"""Opening the workspace on a team's PostgreSQL server: the same migrations from any earlier head, a newer
schema refused untouched, TLS mode passed through, and the password in no message, log or traceback."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from psycopg import sql

from console.store import accounts, customers, schema
from console.store.engine import NewerSchemaError
from console.store.tables import metadata
from console.store.team import (
    TeamDatabaseError,
    TeamServer,
    create_team_engine,
    describe,
    open_team_workspace,
    probe_team_database,
    redact,
)
from console.store.team import team_url as url_of
from tests.postgres import PASSWORD_LOGINS, PgServer
from tests.store.conftest import at, people

PASSWORD = "Zq7-hunter2-secret"   # the password given in the tests that fail: in no message
RIGHT = "jane's-right-password"


def _migrate(url: sa.URL, target: str) -> str | None:
    engine = create_team_engine(url)
    try:
        with engine.begin() as connection:
            schema.upgrade(connection, target)
        with engine.connect() as connection:
            return schema.current(connection)
    finally:
        engine.dispose()


def _differences(url: sa.URL) -> list[object]:
    engine = create_team_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), metadata))
    finally:
        engine.dispose()


def test_a_team_engine_gives_the_partial_indexes_their_postgresql_condition() -> None:
    from console.store.tables import _PARTIAL

    create_team_engine(sa.engine.make_url("postgresql+psycopg://someone@db.example.invalid/team")).dispose()
    assert len(_PARTIAL) == 6
    for index, where in _PARTIAL:
        assert index.dialect_options["postgresql"]["where"] is where
        assert index.dialect_options["sqlite"]["where"] is where


def test_the_migrations_from_empty_and_from_every_earlier_head_give_the_tables_metadata(
        pg_database: Callable[..., sa.URL]) -> None:
    for revision in [None, *schema.known_revisions()[:-1]]:
        url = pg_database()
        if revision is not None:
            assert _migrate(url, revision) == revision
        workspace = open_team_workspace(url)
        try:
            with workspace.read() as connection:
                assert schema.current(connection) == schema.head()
        finally:
            workspace.close()
        assert _differences(url) == [], f"upgrading from {revision or 'empty'}"


def test_a_team_workspace_is_the_same_workspace_type(pg_database: Callable[..., sa.URL]) -> None:
    workspace = open_team_workspace(pg_database())
    try:
        assert workspace.path is None and workspace.set_aside is None
        assert workspace.where.startswith("postgres@127.0.0.1:")
        with workspace.write() as connection:
            accounts.ensure_account(connection, "acct", "square")
            customers.save_page(connection, "acct", people("p", 3), at(0))
        with workspace.read() as connection:
            assert [c.id for c in customers.customers_of(connection, "acct")] == ["p-0000", "p-0001", "p-0002"]
            assert connection.execute(sa.text("SHOW transaction_isolation")).scalar() == "repeatable read"
    finally:
        workspace.close()


def test_a_database_of_a_newer_version_is_refused_and_left_as_it_was(team_url: sa.URL) -> None:
    engine = sa.create_engine(team_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        before = _snapshot(engine)
        with pytest.raises(NewerSchemaError) as refused:
            open_team_workspace(team_url)
        assert _snapshot(engine) == before
    finally:
        engine.dispose()
    assert refused.value.revision == "9999_from_the_future" and refused.value.path is None
    assert "team workspace database postgres@127.0.0.1" in str(refused.value) and "left untouched" in str(refused.value)


def _snapshot(engine: sa.Engine) -> tuple[object, ...]:
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        return (sorted(inspector.get_table_names()),
                [repr(c) for c in inspector.get_columns("journal")],
                connection.execute(sa.text("SELECT version_num FROM alembic_version")).all())


def test_the_tls_mode_is_passed_to_the_driver(pg_server: PgServer, team_url: sa.URL) -> None:
    # The test server has no TLS: a mode that requires it is refused by the driver, one that does not connects.
    with pytest.raises(TeamDatabaseError, match="SSL"):
        open_team_workspace(team_url, sslmode="require")
    open_team_workspace(team_url, sslmode="disable").close()
    assert TeamServer("db.example.com", "console", "jane").url().query["sslmode"] == "verify-full"
    assert url_of("postgresql://jane@db.example.com/console", sslmode="verify-ca").query["sslmode"] == "verify-ca"


@pytest.fixture
def jane(pg_server: PgServer, team_url: sa.URL) -> str:
    """A login that must give its password, RIGHT (left on the server: roles are the server's, and harmless)."""
    with pg_server.admin() as connection:
        if connection.execute("SELECT 1 FROM pg_roles WHERE rolname = 'jane_pw'").fetchone() is None:
            connection.execute(sql.SQL("CREATE ROLE jane_pw LOGIN PASSWORD {} IN ROLE {}").format(
                sql.Literal(RIGHT), sql.Identifier(PASSWORD_LOGINS)))
    return "jane_pw"


def _assert_no_password(exc: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    shown = [str(exc), repr(exc), "".join(traceback.format_exception(exc)), caplog.text]
    assert all(PASSWORD not in text for text in shown), shown


@pytest.mark.parametrize("failure", ["wrong password", "nobody listening", "no such database"])
def test_the_password_is_in_no_message_log_or_traceback(pg_server: PgServer, team_url: sa.URL, jane: str,
                                                        caplog: pytest.LogCaptureFixture, failure: str) -> None:
    caplog.set_level(logging.DEBUG)
    # The password in the URL's text: checked and refused, or never asked for (no server, no database).
    port, database = pg_server.port, team_url.database
    if failure == "nobody listening":
        port = 1
    if failure == "no such database":
        database = f"missing_{PASSWORD}"
    text = f"postgresql://{jane}:{PASSWORD}@127.0.0.1:{port}/{database}?connect_timeout=5"
    with pytest.raises(TeamDatabaseError) as failed:
        open_team_workspace(text)
    _assert_no_password(failed.value, caplog)
    assert f"{jane}@127.0.0.1:{port}/" in str(failed.value)
    assert failed.value.__cause__ is None and failed.value.__suppress_context__


def test_a_wrong_password_is_refused_without_showing_it_and_the_right_one_opens(
        pg_server: PgServer, team_url: sa.URL, jane: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = TeamServer("127.0.0.1", str(team_url.database), jane, password=PASSWORD, port=pg_server.port,
                        sslmode="disable")
    with pytest.raises(TeamDatabaseError, match="password authentication failed") as failed:
        open_team_workspace(server)
    _assert_no_password(failed.value, caplog)
    assert PASSWORD not in repr(server)
    with pg_server.admin(str(team_url.database)) as connection:
        connection.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO jane_pw")
    right = TeamServer("127.0.0.1", str(team_url.database), jane, password=RIGHT, port=pg_server.port,
                       sslmode="disable")
    workspace = open_team_workspace(right)
    try:
        with workspace.read() as connection:
            assert connection.execute(sa.text("SELECT session_user")).scalar() == jane
    finally:
        workspace.close()


def test_redact_hides_passwords_in_urls_pairs_and_given_texts() -> None:
    assert redact("postgresql+psycopg://jane:s3cr:et@db:5432/x failed") == \
        "postgresql+psycopg://jane:***@db:5432/x failed"
    assert redact("host=db password=s3cret user=jane") == "host=db password=*** user=jane"
    assert redact("password = 'a b\\' c' user=jane") == "password = *** user=jane"
    assert redact("the server said s3cret", "s3cret", None, "") == "the server said ***"
    url = url_of(f"postgresql://jane:{PASSWORD}@db.example.com/console")
    assert describe(url) == "jane@db.example.com:5432/console"


def test_a_test_connection_says_what_is_there_and_writes_nothing(pg_database: Callable[..., sa.URL],
                                                                team_url: sa.URL, jane: str) -> None:
    empty = pg_database()
    probe = probe_team_database(empty)
    assert (probe.state, probe.revision, probe.login) == ("empty", None, "postgres")
    assert probe.server_version.split(".")[0].isdigit() and probe.where == describe(empty)
    assert probe_team_database(empty).state == "empty"   # nothing was migrated
    assert probe_team_database(team_url).state == "current"
    _migrate(older := pg_database(), schema.known_revisions()[0])
    assert (probe_team_database(older).state, probe_team_database(older).revision) == ("behind", "0001")
    with pytest.raises(TeamDatabaseError, match="password authentication failed") as failed:
        probe_team_database(team_url.set(username=jane, password=PASSWORD))
    assert PASSWORD not in str(failed.value)
