"""Consoles sharing one team database at once: two opening a fresh database migrate it once, appends from
two engines keep the journal's chain one line, a refresh's end and a page's save wait for each other rather
than deadlock, and two adding the same account or dismissal both succeed."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from console.domain.journal import Finish, Outcome
from console.store import accounts, advisory, customers, duplicates, journal, schema
from console.store.engine import Workspace
from console.store.team import open_team_workspace
from tests.store.conftest import at, people
from tests.store.test_journal import _intent


def _run_together(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs on threads of their own; their results, after every one has ended (errors re-raised)."""
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            results[n] = jobs[n]()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def _start(job: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Start `job` on a thread; the thread, and a list that holds its result (or its error) once it ends."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(job())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Poll the server until `condition` holds (another session has reached a lock wait, say)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.01)


def _waiting_on(monitor: sa.Engine, wait_event_type: str, count: int) -> Callable[[], bool]:
    """True once `count` other sessions of this database wait on a lock of this type."""
    statement = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND wait_event = :event")

    def check() -> bool:
        with monitor.connect() as connection:
            return int(connection.execute(statement, {"event": wait_event_type}).scalar_one()) >= count
    return check


@contextmanager
def _engine(url: sa.URL) -> Iterator[sa.Engine]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def test_two_consoles_opening_a_fresh_database_at_once_migrate_it_once(
        pg_database: Callable[..., sa.URL], caplog: pytest.LogCaptureFixture) -> None:
    url = pg_database()
    caplog.set_level(logging.INFO, logger="alembic.runtime.migration")
    with _engine(url) as monitor, monitor.connect() as holder:
        # Both consoles are held at the migration lock, then let go together: one migrates, the other waits.
        holder.execute(sa.select(sa.func.pg_advisory_lock(advisory.MIGRATIONS)))
        opened: list[Workspace] = []

        def open_one() -> Workspace:
            workspace = open_team_workspace(url)
            opened.append(workspace)
            return workspace

        threads, outcome = _start(lambda: _run_together(open_one, open_one))
        try:
            _wait_until(_waiting_on(monitor, "advisory", 2), "both consoles wait for the migration lock")
        finally:
            holder.execute(sa.select(sa.func.pg_advisory_unlock(advisory.MIGRATIONS)))
            holder.commit()
            threads.join(timeout=120)
        try:
            [results] = outcome
            assert len(results) == 2
            for workspace in results:
                with workspace.read() as connection:
                    assert schema.current(connection) == schema.head()
            with monitor.connect() as connection:
                assert connection.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
        finally:
            for workspace in opened:
                workspace.close()
    first_steps = [r for r in caplog.records if r.getMessage().startswith("Running upgrade  -> 0001")]
    assert len(first_steps) == 1


def test_appends_from_two_consoles_keep_the_chain_one_line(team_url: sa.URL) -> None:
    first, second = open_team_workspace(team_url), open_team_workspace(team_url)
    rounds = 60

    def console(workspace: Workspace, who: str) -> None:
        for n in range(rounds):
            with workspace.write() as connection:
                [entry_id] = journal.record_intents(connection, [_intent(n, who=who)], at(n))
            with workspace.write() as connection:
                journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED), at(n))

    try:
        _run_together(lambda: console(first, "ada"), lambda: console(second, "tom"))
        with first.read() as connection:
            check = journal.verify(connection)
            assert check.intact and check.checked == 2 * 2 * rounds
            assert sorted(journal.staff(connection)) == ["ada", "tom"]
    finally:
        first.close()
        second.close()


def test_a_full_refresh_ending_while_another_console_saves_a_page_waits_rather_than_deadlocks(
        team_url: sa.URL) -> None:
    # Console A saves pages of the account (its row, then its customers'); console B ends a full refresh of it
    # (removes the customers it did not see, notes the end). Were B to remove first, it would hold customers
    # A is about to save while it waits for the account's row A holds: a deadlock. Both take the row first.
    a, b = open_team_workspace(team_url), open_team_workspace(team_url)
    try:
        with a.write() as connection:
            first = accounts.begin_refresh(connection, "acct", "square", at(0))
            customers.save_page(connection, "acct", people("old", 5), at(0))
            accounts.complete_refresh(connection, first, at(0), full=True)
        with b.write() as connection:
            newer = accounts.begin_refresh(connection, "acct", "square", at(1))
        with _engine(team_url) as monitor, a.write() as saving:
            customers.save_page(saving, "acct", people("new", 3), at(2))   # A holds the account's row

            def end_refresh() -> int:
                with b.write() as connection:
                    return accounts.complete_refresh(connection, newer, at(3), full=True)
            ending, results = _start(end_refresh)
            _wait_until(_waiting_on(monitor, "transactionid", 1), "the refresh's end waits for the save")
            customers.save_page(saving, "acct", people("old", 5), at(2))   # seen again, in B's generation
        ending.join(timeout=120)
        assert results == [0]
        with a.read() as connection:
            assert len(customers.customers_of(connection, "acct")) == 8
    finally:
        a.close()
        b.close()


@pytest.mark.parametrize("adding", ["an account", "a dismissed duplicate group"])
def test_two_consoles_adding_the_same_row_at_once_both_succeed(team_url: sa.URL, adding: str) -> None:
    # A adds the row and has not committed; B adds it too, waits on A's row, then finds it there.
    def add(connection: sa.Connection, who: str) -> None:
        if adding == "an account":
            accounts.ensure_account(connection, "acct", "square")
        else:
            duplicates.dismiss(connection, [("acct", "A"), ("acct", "B")], at(0), who)

    a, b = open_team_workspace(team_url), open_team_workspace(team_url)
    try:
        with _engine(team_url) as monitor:
            with a.write() as connection:
                add(connection, "ada")
                adding_too, outcome = _start(lambda: _in_write(b, add, "tom"))
                _wait_until(_waiting_on(monitor, "transactionid", 1), "B waits for A's row")
            adding_too.join(timeout=120)
        assert outcome == [None]
        with a.read() as connection:
            if adding == "an account":
                assert accounts.refresh_state(connection, "acct") is not None
            else:
                assert len(duplicates.dismissed(connection)) == 1
    finally:
        a.close()
        b.close()


def _in_write(workspace: Workspace, work: Callable[[sa.Connection, str], None], who: str) -> None:
    with workspace.write() as connection:
        work(connection, who)
