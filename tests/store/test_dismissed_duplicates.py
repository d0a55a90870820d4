"""Dismissed duplicate groups in the workspace database."""

from __future__ import annotations

from console.store import duplicates
from console.store.engine import Workspace

from .conftest import at


def test_a_dismissal_is_read_back_as_its_members_once(workspace: Workspace) -> None:
    members = [("square", "A"), ("clover", "B")]
    with workspace.write() as connection:
        key = duplicates.dismiss(connection, members, at(0), "ada")
        again = duplicates.dismiss(connection, list(reversed(members)), at(1), "bob")   # same group, any order
    assert key == again
    with workspace.read() as connection:
        assert duplicates.dismissed(connection) == [frozenset(members)]


def test_undismiss_forgets_only_that_group(workspace: Workspace) -> None:
    with workspace.write() as connection:
        first = duplicates.dismiss(connection, [("square", "A"), ("square", "B")], at(0), "ada")
        duplicates.dismiss(connection, [("square", "C"), ("clover", "D")], at(1), "ada")
        assert duplicates.undismiss(connection, first)
        assert not duplicates.undismiss(connection, first)
    with workspace.read() as connection:
        assert duplicates.dismissed(connection) == [frozenset({("square", "C"), ("clover", "D")})]
