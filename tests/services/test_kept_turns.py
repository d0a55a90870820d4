"""Kept batches already read are taken together in one turn of the event loop (customer_loading._Turn)."""

from __future__ import annotations

import asyncio

from console.services.customer_loading import KEPT_TURN_S, _Turn


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _batches(costs: list[float], *, waits: dict[int, float] | None = None) -> list[int]:
    """Batches costing `costs` seconds each (before batch i, the reader is waited for `waits[i]`); returns,
    for each turn the event loop got, how many batches were done by then."""
    clock, loop, done, turns = _Clock(), asyncio.get_running_loop(), [0], []
    turn = _Turn(clock)
    for i, cost in enumerate(costs):
        if waits and i in waits:
            await asyncio.sleep(0)   # the reader is waited for: the loop runs
            clock.now += waits[i]
        turn.batch_begins()
        loop.call_soon(lambda: turns.append(done[0]))   # runs when the loop next gets a turn
        clock.now += cost
        done[0] += 1
        await turn.after_batch()
    await asyncio.sleep(0)
    return sorted(set(turns))


async def test_the_first_batch_is_painted_alone_and_quick_ones_after_it_together() -> None:
    assert await _batches([0.001, 0.001, 0.001, 0.001]) == [1, 4]


async def test_a_turn_ends_once_its_batches_took_the_turns_time() -> None:
    slow = KEPT_TURN_S * 0.6
    # The first alone, then two a turn: the second of each pair brings the turn past its time.
    assert await _batches([0.001, slow, slow, slow, slow]) == [1, 3, 5]


async def test_a_batch_after_a_wait_for_the_reader_begins_a_new_turn() -> None:
    slow = KEPT_TURN_S * 0.6
    # Batch 2 came after a wait (the loop ran, painting batch 1): the turn starts afresh with it.
    assert await _batches([0.001, slow, slow, slow], waits={2: 0.01}) == [1, 2, 4]
