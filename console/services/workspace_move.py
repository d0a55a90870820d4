"""*Move my workspace there* (issue 22): this computer's workspace file, copied into the team workspace.

The journal, jobs, dismissed duplicate groups and privacy receipts are copied (store/workspace_copy.py); the
customer copies are not, since the team's refresh makes them. The file is read on a thread of its own and
left as it was; a move that stopped is resumed by moving again, and nothing arrives twice.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass

from console.services.blocking import run_blocking
from console.services.workspace import LocalWorkspace
from console.services.workspace_key import workspace_key


@dataclass(frozen=True, slots=True)
class MoveResult:
    """What a move did: rows read from this computer's file, and how many of them were new to the team."""

    read: int
    added: int


async def move_local_workspace(workspace: LocalWorkspace, progress: Callable[[int, int], None] | None = None,
                               stop: threading.Event | None = None) -> MoveResult:
    """Copy the workspace file at `workspace.path` into the open team workspace `workspace`."""
    from console.store.engine import open_workspace
    from console.store.workspace_copy import move, rows_to_move

    target = workspace._db
    if workspace.team is None or target is None:
        raise RuntimeError("the team workspace is not open")
    if not workspace.path.exists():
        return MoveResult(0, 0)
    loop = asyncio.get_running_loop()

    def told(done: int, total: int) -> None:
        if progress is not None:
            loop.call_soon_threadsafe(progress, done, total)

    def run() -> MoveResult:
        key = workspace_key(workspace.secrets, workspace.path)
        source = open_workspace(workspace.path, key.key)
        try:
            total = rows_to_move(source.engine)
            added = move(source.engine, target.engine, told, stop.is_set if stop is not None else lambda: False)
            return MoveResult(total, added)
        finally:
            source.close()

    return await run_blocking(run)
