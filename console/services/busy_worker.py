"""CPU-bound work on a worker thread beside the event loop (an export's rows, say), done so that the
loop stays responsive: the window must never stall for more than 25 ms (P6, P15b)."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

from console.domain.gc_pause import gc_paused
from console.domain.lock_steps import Leftovers

_handoff_lock = threading.Lock()
_handoffs = 0                 # blocks running now, on every thread
_interval_before = 0.005      # Python's switch interval when the first of them began
HANDOFF_S = 0.002


@contextlib.contextmanager
def quick_handoff() -> Iterator[None]:
    """While the block runs, a thread waiting for the GIL gets it within HANDOFF_S rather than Python's
    5 ms: the event loop takes it back several times a turn while this worker holds it, and at 5 ms a
    turn a 100,000-row export stalled the window for 30-75 ms (P15b; 2 ms did better than 1 ms, see the
    README). Nested and concurrent blocks count.

    The interval is one for the whole process, like the collector's switch (see gc_pause)."""
    global _handoffs, _interval_before
    with _handoff_lock:
        if _handoffs == 0:
            _interval_before = sys.getswitchinterval()
            sys.setswitchinterval(min(HANDOFF_S, _interval_before))
        _handoffs += 1
    try:
        yield
    finally:
        with _handoff_lock:
            _handoffs -= 1
            if _handoffs == 0:
                sys.setswitchinterval(_interval_before)


@contextlib.contextmanager
def busy_worker(*, keep: bool = False) -> Iterator[None]:
    """For the block's work on a worker thread: no garbage collection (the work makes no cycles, and a
    collection there could destroy stray Qt objects off the GUI thread: console/domain/gc_pause.py),
    and the GIL handed back to the event loop quickly (`quick_handoff`). `keep`: as for `gc_paused`."""
    with gc_paused(keep=keep), quick_handoff():
        yield


def let_go_elsewhere(leftovers: Leftovers) -> threading.Thread:
    """Let go of `leftovers` on a thread of its own, a step at a time, as a busy worker: tens of thousands of
    objects freed beside the window rather than on its thread or before what it waits for."""
    thread = threading.Thread(target=_let_go, args=(leftovers,), name="console-let-go", daemon=True)
    thread.start()
    return thread


def _let_go(leftovers: Leftovers) -> None:
    with busy_worker():
        leftovers.let_go()
