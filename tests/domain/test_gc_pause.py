"""The collector stays off while any thread's paused block runs, whatever order they end in."""

from __future__ import annotations

import gc
import threading

from console.domain.gc_pause import gc_paused


def test_a_block_ending_on_one_thread_leaves_the_collector_off_for_another_still_inside() -> None:
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def worker() -> None:
        with gc_paused():
            inside.set()
            release.wait(10)
            seen.append(gc.isenabled())   # the main thread's block has ended by now

    with gc_paused():
        thread = threading.Thread(target=worker)
        thread.start()
        assert inside.wait(10)
    assert not gc.isenabled()   # the worker is still inside its block
    release.set()
    thread.join(10)
    assert seen == [False]
    assert gc.isenabled()       # the last block to end turned it back on


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
