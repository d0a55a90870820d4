"""Group commit: writes queued while the database thread is busy go in its next transaction, in
order; one that fails fails alone."""

from __future__ import annotations

import asyncio
import threading

import pytest
import sqlalchemy as sa

from console.services.group_commit import GroupCommit
from console.services.journal import Journal


async def test_writes_queued_while_the_thread_is_busy_share_one_transaction(journal: Journal) -> None:
    workspace = journal.workspace
    commits = GroupCommit(workspace)
    busy = threading.Event()
    blocked = workspace._submit(busy.wait)   # the database thread is busy until the writes are queued
    order: list[int] = []

    def write(n: int) -> object:
        def run(connection: object) -> int:
            order.append(n)
            return int(connection.execute(sa.text(f"select {n}")).scalar_one())  # type: ignore[attr-defined]
        return run

    def broken(connection: object) -> None:
        raise ValueError("this one is wrong")

    futures = [commits.queue(write(1)), commits.queue(broken), commits.queue(write(3))]
    busy.set()
    await asyncio.wrap_future(blocked)
    assert await asyncio.wrap_future(futures[0]) == 1 and await asyncio.wrap_future(futures[2]) == 3
    with pytest.raises(ValueError, match="wrong"):
        await asyncio.wrap_future(futures[1])
    assert commits.commits == 1   # one group: tried together, then (one failing) each alone
    assert order == [1, 1, 3]   # together up to the broken one (rolled back), then each alone

    busy.clear()
    blocked = workspace._submit(busy.wait)
    futures = [commits.queue(write(n)) for n in (4, 5, 6)]
    busy.set()
    assert [await asyncio.wrap_future(f) for f in futures] == [4, 5, 6]
    assert commits.commits == 2 and order[3:] == [4, 5, 6]   # one transaction, in the order queued


async def test_a_write_queued_soon_goes_at_the_loops_next_turn_or_before_anything_else(journal: Journal) -> None:
    workspace = journal.workspace
    commits = GroupCommit(workspace)
    threads: list[str] = []

    def write(connection: object) -> str:
        threads.append(threading.current_thread().name)
        return "written"

    first = commits.queue(write, soon=True)
    assert not first.done() and commits.commits == 0   # not sent while the caller's step goes on
    assert await asyncio.wrap_future(first) == "written" and commits.commits == 1   # the next turn sent it

    second = commits.queue(write, soon=True)
    third = commits.queue(write, soon=True)
    read = workspace._submit(lambda: second.done())   # anything sent to the database takes them along first
    assert await asyncio.wrap_future(read) is True
    assert await asyncio.wrap_future(third) == "written" and commits.commits == 2   # the two in one transaction
    assert set(threads) == {"console-workspace_0"}
