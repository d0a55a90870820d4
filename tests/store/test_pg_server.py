"""The test suite's own PostgreSQL server: found, started once, a fresh database per test; and without
PostgreSQL a skip that says why, which under CI fails instead."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from tests.postgres import PgServer, pg_bindir, unavailable

ROOT = Path(__file__).resolve().parents[2]


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


def test_a_server_whose_test_process_was_killed_is_stopped_and_removed(pg_server: PgServer) -> None:
    # pg_server: only so that this runs where PostgreSQL is (it skips, or fails under CI, where not).
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom tests.postgres import running_server\n"
         "with running_server() as server:\n    print(server.folder, server.port, flush=True)\n    sys.stdin.read()"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    try:
        folder, port = child.stdout.readline().split()
        assert Path(folder).is_dir()
        psycopg.connect(host="127.0.0.1", port=int(port), user="postgres", dbname="postgres").close()
    finally:
        child.kill()   # SIGKILL: no teardown runs
        child.communicate(timeout=60)
    deadline = time.monotonic() + 60
    while Path(folder).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(folder).exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=int(port), user="postgres", dbname="postgres", connect_timeout=5)
