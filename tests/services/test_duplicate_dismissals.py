"""Dismissed groups stay dismissed: across a new scan and after the workspace is opened again."""

from __future__ import annotations

from pathlib import Path

from console.sandbox.duplicate_data import labelled_customers
from console.services.duplicate_dismissals import DuplicateDismissals
from console.services.duplicates import find_duplicates
from console.services.secrets import MemorySecrets
from console.services.workspace import LocalWorkspace


async def _open(path: Path, secrets: MemorySecrets) -> LocalWorkspace:
    workspace = LocalWorkspace(path, secrets)
    workspace.start()
    assert await workspace.ready()
    return workspace


async def test_dismissed_groups_stay_dismissed_after_reopening_the_workspace(tmp_path: Path) -> None:
    records = [(r.account, r.customer) for r in labelled_customers(11, 300).records]
    groups = find_duplicates(records)
    assert len(groups) > 3
    secrets = MemorySecrets()
    workspace = await _open(tmp_path / "workspace.db", secrets)
    dismissals = DuplicateDismissals(workspace, "ada")
    for group in groups[:3]:
        assert await dismissals.dismiss(group.members) == group.key
    await workspace.close()

    reopened = await _open(tmp_path / "workspace.db", secrets)
    try:
        dismissed = await DuplicateDismissals(reopened, "ada").dismissed()
        assert sorted(map(sorted, dismissed)) == sorted(sorted(g.members) for g in groups[:3])
        again = find_duplicates(records, dismissed=dismissed)
        assert {g.key for g in again} == {g.key for g in groups[3:]}
        assert await DuplicateDismissals(reopened, "ada").undismiss(groups[0].key)
        assert groups[0].key in {g.key for g in find_duplicates(records, dismissed=await dismissals_of(reopened))}
    finally:
        await reopened.close()


async def dismissals_of(workspace: LocalWorkspace) -> list[frozenset[tuple[str, str]]]:
    return await DuplicateDismissals(workspace, "ada").dismissed()


async def test_without_a_workspace_dismissals_last_the_session(tmp_path: Path) -> None:
    workspace = LocalWorkspace(tmp_path / "off.db", MemorySecrets())   # never opened: the local copy is off
    dismissals = DuplicateDismissals(workspace, "ada")
    key = await dismissals.dismiss([("square", "A"), ("square", "B")])
    assert await dismissals.dismissed() == [frozenset({("square", "A"), ("square", "B")})]
    assert await dismissals.undismiss(key)
    assert await dismissals.dismissed() == []
    assert not (tmp_path / "off.db").exists()
