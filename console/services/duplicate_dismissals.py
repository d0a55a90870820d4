"""Dismissed duplicate groups ("not the same person"), kept in the workspace database (issue 20).

Calls run on the workspace's worker thread, like the journal's. Without a workspace (the local copy is
off) dismissals are kept for this session only, so the window behaves the same either way.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from console.domain.duplicate_groups import MemberRef, group_key
from console.services.workspace import LocalWorkspace


class DuplicateDismissals:
    """Remembering and reading back the groups staff dismissed."""

    def __init__(self, workspace: LocalWorkspace, who: str) -> None:
        self.workspace = workspace
        self.who = who
        self._session: dict[str, frozenset[MemberRef]] = {}   # used while no workspace is open

    async def dismiss(self, members: Collection[MemberRef]) -> str:
        """Remember that `members` are not one person; the group's key."""
        from console.store import duplicates

        if not self.workspace.is_open:
            key = group_key(members)
            self._session[key] = frozenset(members)
            return key
        at = datetime.now(UTC)
        return await self.workspace._run(
            lambda: self.workspace._write(lambda c: duplicates.dismiss(c, members, at, self.who)))

    async def undismiss(self, key: str) -> bool:
        """Forget a dismissal (Undo); False when there was none."""
        from console.store import duplicates

        if not self.workspace.is_open:
            return self._session.pop(key, None) is not None
        return await self.workspace._run(lambda: self.workspace._write(lambda c: duplicates.undismiss(c, key)))

    async def dismissed(self) -> list[frozenset[MemberRef]]:
        """Every dismissed group's members, for `find_duplicates(dismissed=...)`."""
        from console.store import duplicates

        if not self.workspace.is_open:
            return list(self._session.values())

        def read(connection: Any) -> list[frozenset[MemberRef]]:
            return duplicates.dismissed(connection)
        return await self.workspace._run(lambda: self.workspace._read(read))
