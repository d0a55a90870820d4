"""The collector stays off while any thread's paused block runs, whatever order they end in."""

from __future__ import annotations

import gc
import threading

from console.domain.gc_pause import Pause, gc_paused


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


def test_what_a_kept_block_made_is_frozen_as_it_ends() -> None:
    with gc_paused(keep=True):
        made = [[n] for n in range(100)]
        assert any(o is made for o in gc.get_objects())
    assert gc.isenabled()
    assert not any(o is made for o in gc.get_objects())   # what a collection walks: frozen objects are not listed
    with gc_paused():
        walked = [[1]]
    assert any(o is walked for o in gc.get_objects())


def test_a_pause_lasts_until_it_is_ended_once_whatever_blocks_ran_meanwhile() -> None:
    assert gc.isenabled()
    pause = Pause(keep=True)
    with gc_paused():
        pass
    assert not gc.isenabled()   # a block ending inside the pause leaves it off
    made = [[n] for n in range(100)]
    assert any(o is made for o in gc.get_objects())
    pause.end()
    assert pause.ended and gc.isenabled()
    assert not any(o is made for o in gc.get_objects())   # what the pause made was frozen as it ended
    pause.end()                 # a second end changes nothing
    assert gc.isenabled()
