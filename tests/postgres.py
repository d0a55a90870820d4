"""A PostgreSQL server for the team-mode tests: one per session, a fresh database per test.

The server is pytest-postgresql's executor (pg_ctl initdb, start with -w, stop) over the installed
binaries, found through `pg_config --bindir`, PATH or /usr/lib/postgresql/*/bin. initdb and postgres
refuse to run as root (CI containers run as root), so there pg_ctl is run through a small wrapper as
the `postgres` OS user, with the data directory in a temporary folder of its own: pytest's base
folder is private to root, and the `postgres` user could not enter it. That is also why this is not
pytest-postgresql's `postgresql_proc` fixture, which puts the data directory there.

Without PostgreSQL the tests that need it skip, saying why; under CI (`CI=true`) they fail instead,
so a CI machine that lost PostgreSQL cannot pass by skipping them.

Fixtures (tests/conftest.py makes them everyone's): `pg_server` (the session's `PgServer`: `url()`,
`admin()`), `pg_database` (makes fresh databases, empty or from a template, dropped after the test),
`pg_template` (a database at the migrations' head) and `team_url` (a fresh copy of it for one test).
"""

from __future__ import annotations

import itertools
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from port_for import get_port
from psycopg import sql
from pytest_postgresql.executors import PostgreSQLExecutor

SUPERUSER = "postgres"
PASSWORD_LOGINS = "password_logins"   # a group role whose members log in with a password
# Durability is not under test: a server that skips fsync starts and creates databases faster.
_FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
DURABLE = "-c max_connections=200"
_numbers = itertools.count()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip the test (fail it under CI) because no PostgreSQL server can be had."""
    message = f"PostgreSQL is needed for the team-mode tests: {reason}"
    if in_ci():
        pytest.fail(message + " (CI=true: install Debian's `postgresql` package; .ci/run does)", pytrace=False)
    pytest.skip(message)


def pg_bindir() -> Path | None:
    """The folder of the installed server's binaries (pg_ctl, initdb, postgres), or None."""
    candidates: list[Path] = []
    if pg_config := shutil.which("pg_config"):
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(found.stdout.strip()))
    if pg_ctl := shutil.which("pg_ctl"):
        candidates.append(Path(pg_ctl).resolve().parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name),
                         reverse=True) if Path("/usr/lib/postgresql").is_dir() else []
    return next((folder for folder in candidates if (folder / "pg_ctl").is_file()
                 and (folder / "initdb").is_file()), None)


@dataclass(frozen=True)
class PgServer:
    """The running test server: where it listens, and its superuser (who trusts local TCP logins)."""

    host: str
    port: int
    folder: Path                      # its data, log and socket; removed when it stops

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> sa.URL:
        """A SQLAlchemy URL (psycopg 3) for `database` as `user`."""
        return sa.URL.create("postgresql+psycopg", username=user, password=password, host=self.host,
                             port=self.port, database=database)

    def admin(self, database: str = "postgres") -> psycopg.Connection:
        """A superuser connection in autocommit (for CREATE/DROP DATABASE, roles)."""
        return psycopg.connect(host=self.host, port=self.port, user=SUPERUSER, dbname=database, autocommit=True)

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        """A new database (empty, or a copy of `template`); its name."""
        name = name or f"test_{os.getpid()}_{next(_numbers)}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.admin() as connection:
            connection.execute(statement)
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _as_postgres_user(bindir: Path, folder: Path) -> Path:
    """A pg_ctl that runs the real one as the `postgres` OS user (for a root test run); `folder` is given to
    that user."""
    import pwd

    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        unavailable("the tests run as root and there is no `postgres` OS user to run the server as")
    wrapper = folder / "pg_ctl"
    wrapper.write_text(
        f"#!{sys.executable}\nimport os, sys\n"
        f"os.setgroups([]); os.setgid({account.pw_gid}); os.setuid({account.pw_uid})\n"
        f"os.execv({str(bindir / 'pg_ctl')!r}, [{str(bindir / 'pg_ctl')!r}, *sys.argv[1:]])\n")
    wrapper.chmod(0o755)
    os.chown(folder, account.pw_uid, account.pw_gid)
    return wrapper


def _accepting(port: int, within_s: float = 60.0) -> None:
    """Wait until the server takes connections: `pg_ctl start -w` can return while it still answers "the
    database system is starting up" to a TCP login."""
    deadline = time.monotonic() + within_s
    while True:
        try:
            psycopg.connect(host="127.0.0.1", port=port, user=SUPERUSER, dbname="postgres", connect_timeout=5).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)   # between polls of another process's readiness (it has no signal to wait on)


def _start(executable: Path, folder: Path, options: str = _FAST) -> tuple[PostgreSQLExecutor, int]:
    """Initialise a cluster in `folder` and start it on a free port (another, should that one be taken
    meanwhile); the running server and its port."""
    failures = []
    for _attempt in range(3):
        port = get_port(None)
        assert port is not None
        server = PostgreSQLExecutor(
            executable=str(executable), host="127.0.0.1", port=port, user=SUPERUSER, password=None,
            dbname="tests", options="", datadir=str(folder / f"data-{port}"), unixsocketdir=str(folder),
            logfile=str(folder / f"server-{port}.log"), startparams="-w -t 60", postgres_options=options)
        try:
            server.init_directory()
            # initdb trusts every local login; members of PASSWORD_LOGINS must give their password (the tests
            # of a refused password need one that is checked).
            hba = folder / f"data-{port}" / "pg_hba.conf"
            hba.write_text(f"host all +{PASSWORD_LOGINS} 127.0.0.1/32 scram-sha-256\n{hba.read_text()}")
            server.start()
            _accepting(port)
            return server, port
        except Exception as exc:
            log = folder / f"server-{port}.log"
            failures.append(f"{exc} {log.read_text(errors='replace')[-1000:] if log.is_file() else ''}")
    unavailable(f"the server did not start: {' / '.join(failures)}")
    raise AssertionError("unreachable")


# Stops the server and removes its folder once the test process has gone, however it went (killed by a
# timeout, say): it waits for its stdin, a pipe the test process holds, to close.
_WATCHDOG = """import shutil, subprocess, sys
sys.stdin.read()
try:
    subprocess.run([sys.argv[1], "stop", "-D", sys.argv[2], "-m", "fast"], capture_output=True, check=False)
except OSError:
    pass   # stopped and removed already, as the session ended
shutil.rmtree(sys.argv[3], ignore_errors=True)
"""


@contextmanager
def running_server(*, durable: bool = False) -> Iterator[PgServer]:
    """A PostgreSQL server on a free loopback port while the block runs, then stopped and removed (and if
    the process is killed first, by a watchdog): the tests' session server, and the team benchmarks'
    (benchmarks/team.py). `durable`: fsync and synchronous commits on, as a production server has them
    (the tests skip them: durability is not under test)."""
    bindir = pg_bindir()
    if bindir is None:
        unavailable("no PostgreSQL server found (pg_ctl and initdb: not on PATH, not from pg_config, "
                    "not in /usr/lib/postgresql/*/bin)")
    assert bindir is not None
    folder = Path(tempfile.mkdtemp(prefix="console-pg-"))
    try:
        executable = bindir / "pg_ctl"
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            executable = _as_postgres_user(bindir, folder)
        folder.chmod(stat.S_IRWXU | stat.S_IXGRP | stat.S_IXOTH)   # root runs the wrapper from here
        server, port = _start(executable, folder, DURABLE if durable else _FAST)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG, str(executable), server.datadir, str(folder)],
                                stdin=subprocess.PIPE, start_new_session=True)
    try:
        pg = PgServer("127.0.0.1", port, folder)
        with pg.admin() as connection:
            connection.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(PASSWORD_LOGINS)))
        yield pg
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        assert watchdog.stdin is not None
        watchdog.stdin.close()
        watchdog.wait(timeout=60)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server (see `running_server`)."""
    with running_server() as server:
        yield server


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[Callable[..., sa.URL]]:
    """Make fresh databases for the test (`make()` empty, `make(template=...)` a copy); all dropped after it."""
    made: list[str] = []

    def make(template: str | None = None) -> sa.URL:
        made.append(pg_server.create_database(template))
        return pg_server.url(made[-1])

    yield make
    for name in made:
        pg_server.drop_database(name)


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A database migrated to the head by `open_team_workspace`, to copy for each test (a copy is quicker
    than migrating again)."""
    from console.store.team import open_team_workspace

    name = pg_server.create_database(name=f"workspace_template_{os.getpid()}")
    open_team_workspace(pg_server.url(name)).close()   # closed: a database is copied only with no one in it
    return name


@pytest.fixture
def team_url(pg_database: Callable[..., sa.URL], pg_template: str) -> sa.URL:
    """A fresh team database at the head of the migrations (superuser login), dropped after the test."""
    return pg_database(template=pg_template)


def team_settings(url: sa.URL) -> Any:
    """The Team workspace window's entry for a database of the suite's server (which has no TLS)."""
    from console.services.team_server import TeamServer

    return TeamServer(host=url.host or "", port=url.port or 5432, database=url.database or "",
                      user=url.username or "", tls="disable")
