"""Pausing Python's cyclic garbage collector for a block: the one helper every layer uses.

Used where many objects are built that form no cycles (seeding, loading, saving a page), where a
collection would walk every live object for nothing; and on worker threads, where a collection
could destroy stray Qt objects off the GUI thread.

The collector's switch is one for the whole process, so the pauses of all threads are counted:
it comes back on only when the last paused block ends. (With each block restoring what it found,
a block ending on one thread switched the collector on under a block still running on another, and
a collection could then start on the workspace's thread: a crash seen in the test suite.)
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_paused = 0              # blocks running now, on every thread
_enable_after = False    # whether the collector was on when the first of them began


@contextlib.contextmanager
def gc_paused(*, keep: bool = False) -> Iterator[None]:
    """The cyclic garbage collector off while the block runs, and while any other thread's does.

    `keep`: what the block made lives on (and makes no cycles): it is frozen out of the collector's sight
    as the block ends (gc.freeze(), O(1)), else the collector's first passes after the pause walk it all,
    once as young and again as middle-aged (0.3 s each for a duplicate scan's pairs). The freeze takes what
    every thread made meanwhile: still freed when no longer referenced, never collected if in a cycle.
    """
    global _paused, _enable_after
    with _lock:
        if _paused == 0:
            _enable_after = gc.isenabled()
        _paused += 1
        gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        with _lock:
            _paused -= 1
            if _paused == 0 and _enable_after:
                gc.enable()


class Pause:
    """A pause of the collector as `gc_paused` makes, begun now and ended by `end()` (once): for one that spans
    more than a block, as a window start's, from its first imports to its first rows (console/launch.py)."""

    def __init__(self, *, keep: bool = False) -> None:
        self._block: contextlib.AbstractContextManager[None] | None = gc_paused(keep=keep)
        self._block.__enter__()

    @property
    def ended(self) -> bool:
        return self._block is None

    def end(self) -> None:
        """The pause over (a second call does nothing)."""
        block, self._block = self._block, None
        if block is not None:
            block.__exit__(None, None, None)
