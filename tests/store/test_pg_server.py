"""The test suite's own PostgreSQL server: found, started once, a fresh database per test; and without
PostgreSQL a skip that says why, which under CI fails instead."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.postgres import PgServer, pg_bindir, unavailable


def test_without_postgresql_a_test_skips_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL is needed for the team-mode tests: none here"):
        unavailable("none here")


@pytest.mark.parametrize("value", ["true", "1"])
def test_under_ci_a_missing_postgresql_fails_rather_than_skips(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        unavailable("none here")


def test_the_servers_binaries_are_found() -> None:
    bindir = pg_bindir()
    if bindir is None:
        unavailable("no PostgreSQL binaries")
    assert bindir is not None and (bindir / "pg_ctl").is_file()


def test_each_test_gets_databases_of_its_own(pg_server: PgServer, pg_database: Callable[..., sa.URL]) -> None:
    first, second = pg_database(), pg_database()
    assert first.database != second.database
    engine = sa.create_engine(first)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE mine (x int)"))
    finally:
        engine.dispose()
    engine = sa.create_engine(second)
    try:
        with engine.connect() as connection:
            assert not sa.inspect(connection).has_table("mine")
            assert connection.execute(sa.text("SHOW fsync")).scalar() == "off"
    finally:
        engine.dispose()
