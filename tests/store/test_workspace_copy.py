"""Moving a local workspace into a team database (issue 22): everything arrives once, the chains verify, and a
move that stopped part way is finished by moving again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from console.domain.jobs import OpKind, PlannedOp
from console.domain.journal import Finish, JournalQuery, Outcome
from console.store import duplicates, jobs, journal, privacy, workspace_copy
from console.store.engine import Workspace, open_workspace
from console.store.keys import new_key
from console.store.team import open_team_workspace
from tests.store.conftest import at
from tests.store.test_journal import _intent


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Workspace]:
    """This computer's workspace: 30 saves journaled (with outcomes), a job, a dismissal and a receipt."""
    opened = open_workspace(tmp_path / "workspace.db", new_key())
    with opened.write() as connection:
        for n in range(30):
            [entry_id] = journal.record_intents(connection, [_intent(n)], at(n))
            journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED), at(n))
        jobs.create_job(connection, title="Import 2", account_id="shop", provider="square", created_by="ada",
                        planned=[PlannedOp(OpKind.CREATE, values={"given_name": "A"}),
                                 PlannedOp(OpKind.CREATE, values={"given_name": "B"})], at=at(40))
        duplicates.dismiss(connection, [("shop", "C1"), ("shop", "C2")], at(41), "ada")
        privacy.save_request(connection, "R1", kind="access", state="complete", identifiers={"email": "x@example.com"},
                             document={}, who="ada", created_at=at(42), at=at(42))
    yield opened
    opened.close()


@pytest.fixture
def team(team_url: sa.URL) -> Iterator[Workspace]:
    """The team's database, where another console has journaled two saves already."""
    opened = open_team_workspace(team_url)
    with opened.write() as connection:
        journal.record_intents(connection, [_intent(100, who="tom"), _intent(101, who="tom")], at(50))
    yield opened
    opened.close()


def _counts(workspace: Workspace) -> dict[str, int]:
    with workspace.read() as connection:
        return {name: connection.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
                for name in ("journal", "jobs", "job_operations", "dismissed_duplicates", "privacy_requests")}


def test_a_move_copies_everything_once_and_both_chains_verify(local: Workspace, team: Workspace) -> None:
    seen: list[tuple[int, int]] = []
    added = workspace_copy.move(local.engine, team.engine, lambda done, total: seen.append((done, total)))

    assert added == 60 + 1 + 2 + 1 + 1
    assert _counts(team) == {"journal": 62, "jobs": 1, "job_operations": 2, "dismissed_duplicates": 1,
                             "privacy_requests": 1}
    assert seen[-1] == (65, 65)
    with team.read() as connection:
        assert journal.verify(connection).first_bad is None
        mine = journal.entries(connection, JournalQuery(who="ada"), limit=100)
        assert len(mine) == 30 and all(entry.outcome is Outcome.SUCCEEDED for entry in mine)
    with local.read() as connection:
        assert journal.verify(connection).first_bad is None   # the file is left as it was

    assert workspace_copy.move(local.engine, team.engine) == 0   # again: nothing twice
    assert _counts(team)["journal"] == 62


def test_a_move_stopped_part_way_is_finished_by_moving_again(local: Workspace, team: Workspace,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workspace_copy, "BATCH", 25)
    batches = iter(range(100))
    first = workspace_copy.move(local.engine, team.engine, cancelled=lambda: next(batches) >= 1)
    assert first == 25 and _counts(team)["journal"] == 2 + 25

    rest = workspace_copy.move(local.engine, team.engine)
    assert first + rest == 65
    with team.read() as connection:
        assert journal.verify(connection).first_bad is None
        assert journal.count(connection, JournalQuery(who="ada")) == 30
