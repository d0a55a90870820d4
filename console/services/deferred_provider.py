"""An account's provider client, built when it is first needed rather than when the account opens.

Building one imports the provider's client, wire models and mapping (25-55 ms of Python), and for a
demo account makes its emulator (its data read or seeded: 20-60 ms more). An account opened at a warm
start shows its local copy first, which needs none of that, so the build waits for the refresh
(`ready`, on a worker thread) or for whatever else asks for the client first (`get`).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from console.domain.gc_pause import gc_paused
from console.providers.base import CustomerProvider

ProviderFactory = Callable[[], CustomerProvider]


class DeferredProvider:
    """A provider client made by `make` once, on whichever thread first needs it."""

    def __init__(self, make: ProviderFactory) -> None:
        self._make = make
        self._built: CustomerProvider | None = None
        self._lock = threading.Lock()

    @classmethod
    def made(cls, provider: CustomerProvider) -> DeferredProvider:
        """One holding a client built already."""
        deferred = cls(lambda: provider)
        deferred._built = provider
        return deferred

    @property
    def built(self) -> bool:
        return self._built is not None

    def get(self) -> CustomerProvider:
        """The client, built now if it is not yet (after a build under way on another thread)."""
        built = self._built
        if built is None:
            with self._lock:
                built = self._built
                if built is None:
                    # A collection started by the build's allocations on a worker thread could destroy
                    # stray Qt objects off the GUI thread: none runs meanwhile, on any thread.
                    with gc_paused():
                        built = self._built = self._make()
        return built

    async def ready(self) -> CustomerProvider:
        """The client, built on a worker thread if it is not yet, the event loop going on meanwhile."""
        built = self._built
        return built if built is not None else await asyncio.to_thread(self.get)
