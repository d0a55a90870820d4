"""Memory a thread freed goes back to the operating system when asked (glibc keeps it otherwise)."""

from __future__ import annotations

import logging
import sys
import threading

import psutil
import pytest

from console.services.freed_memory import HANDED_BACK, release_freed_memory

MB = 1_000_000


def _fragmented_heap_on_a_thread() -> list[bytes]:
    """80 MB of 4 KB blocks made on a thread of its own (its own glibc arena), nine in ten then freed:
    the holes stay with that arena."""
    kept: list[bytes] = []

    def work() -> None:
        blocks = [bytes(4096) + bytes([i % 256]) for i in range(20_000)]
        kept.extend(blocks[::10])
        blocks.clear()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return kept


def test_memory_a_thread_freed_is_handed_back(caplog: pytest.LogCaptureFixture) -> None:
    process = psutil.Process()
    kept = _fragmented_heap_on_a_thread()
    before = process.memory_info().rss
    with caplog.at_level(logging.DEBUG, logger="console.services.freed_memory"):
        handed_back = release_freed_memory()
    after = process.memory_info().rss
    assert [r.msg for r in caplog.records] == [HANDED_BACK]
    assert len(kept) == 2_000
    if sys.platform.startswith("linux"):   # glibc (CI): the arena's holes go back
        assert handed_back is True
        assert before - after >= 40 * MB   # of the ~72 MB freed
    else:   # Windows' and macOS' allocators give large freed regions back themselves
        assert handed_back is False
