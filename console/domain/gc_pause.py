"""Pausing Python's cyclic garbage collector for a block: the one helper every layer uses.

Used where many objects are built that form no cycles (seeding, loading, saving a page), where a
collection would walk every live object for nothing; and on worker threads, where a collection
could destroy stray Qt objects off the GUI thread.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the block runs (left as it was before, after)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
