"""Memory freed after a big read handed back to the operating system where the C library keeps it.

A warm start reads each account's local copy on a thread of its own (copy_reader.py), in batches of
joined text that are split and let go of. glibc gives each thread its own heap ("arena") and keeps
what is freed there for that thread's next allocations, so after 500,000 customers the window kept
about 80 MB it no longer used (P8c in benchmarks/run.py). `malloc_trim` returns those free pages.
Windows' heap and macOS' malloc give large freed regions back by themselves: nothing to do there,
nor with a C library without `malloc_trim` (musl).
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
# Said after each hand-back (P8c in benchmarks/run.py waits for one per account before it measures).
HANDED_BACK = "freed memory handed back to the system: %s (%.1f ms)"


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here: not a start's import before its first rows, and never where there is no glibc

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_freed_memory() -> bool:
    """Give freed heap memory back to the operating system; True when the C library could (glibc).
    Call it off the event loop's thread: it walks every arena (2 ms after 500,000 customers here)."""
    trim = _malloc_trim()
    started = time.perf_counter()
    if trim is not None:
        trim(0)
    log.debug(HANDED_BACK, "yes" if trim is not None else "not needed here", (time.perf_counter() - started) * 1000)
    return trim is not None
