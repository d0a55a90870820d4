"""Run small blocking calls (the keychain) off the event loop's thread.

A plain stdlib pool rather than the loop's default executor: qasync's default executor is
built on Qt threads, whose teardown warns when the loop closes from another thread.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="console-blocking")


async def run_blocking(func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Await `func(*args, **kwargs)` run on a worker thread."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOL, functools.partial(func, *args, **kwargs))
