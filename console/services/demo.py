"""Demo mode: each provider's emulator in-process, its data kept in the user data directory."""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.domain.gc_pause import gc_paused
from console.sandbox.registry import emulator_class, emulator_keys

if TYPE_CHECKING:
    import httpx

    from console.sandbox.base import Emulator

log = logging.getLogger(__name__)

DEMO_PREFIX = "demo:"   # the ids of the demo accounts: "demo:square"...
DEMO_SEED = 2026
DEMO_LATENCY_MS = 30.0


class DemoSandbox:
    """The emulators behind the demo accounts, created on first use and saved as they change."""

    def __init__(self, directory: Path, *, latency_ms: float = DEMO_LATENCY_MS,
                 customers: dict[str, int] | None = None) -> None:
        self.directory = directory
        self.latency_ms = latency_ms
        self._customers = customers or {}
        self._emulators: dict[str, Emulator] = {}
        self._making = threading.Lock()   # a demo account's client is built on a worker thread (accounts.py)

    def providers(self) -> list[str]:
        return list(emulator_keys())

    def store_path(self, provider: str) -> Path:
        return self.directory / f"{provider}.json"

    def emulator(self, provider: str) -> Emulator:
        """The provider's emulator, made (its data read or seeded) at the first call, on any thread."""
        with self._making:
            if provider not in self._emulators:
                self.directory.mkdir(parents=True, exist_ok=True)
                cls = emulator_class(provider)
                self._emulators[provider] = cls(seed=DEMO_SEED, customers=self._customers.get(provider),
                                                latency_ms=self.latency_ms,
                                                store_path=self.store_path(provider))
            return self._emulators[provider]

    def transport(self, provider: str) -> httpx.AsyncBaseTransport:
        """The transport to the provider's emulator, which is made at the first request if not before."""
        from console.services.demo_transport import EmulatorWhenAsked  # httpx: not before it is needed

        return EmulatorWhenAsked(self, provider)

    @contextlib.asynccontextmanager
    async def served(self, provider: str) -> AsyncIterator[str]:
        """The emulator on a loopback HTTP port while the block runs; yields its address.

        The demo accounts talk to their emulators in-process, but a browser cannot: the provider's
        card form (Add card) is served this way, from the same emulator, only while it is open.
        """
        from console.sandbox.server import EmulatorServer

        server = EmulatorServer(self.emulator(provider))
        thread = threading.Thread(target=server.serve_forever, name=f"demo-{provider}-http", daemon=True)
        # The serving thread allocates; a garbage collection it set off could destroy Qt objects off
        # the GUI thread. Collect here, on the GUI thread, and pause the collector while it serves.
        gc.collect()
        with gc_paused():
            thread.start()
            try:
                yield server.base_url
            finally:
                # shutdown() waits for the serving loop's next poll (up to half a second): not on the UI
                # thread, and not through the event loop's executor (Qt's timers must stay on their thread).
                def stop() -> None:
                    server.shutdown()
                    server.server_close()

                threading.Thread(target=stop, name=f"demo-{provider}-http-stop", daemon=True).start()

    def connection(self, provider: str) -> dict[str, Any]:
        """Base URL and credentials the provider client needs to talk to the emulator."""
        emulator = self.emulator(provider)
        return emulator.connection_info(emulator.base_url)

    def reset(self) -> None:
        """Put every demo account back to its original data."""
        for emulator in list(self._emulators.values()):
            emulator.reset()
            emulator.flush()
        for path in self.directory.glob("*.json"):
            provider = path.stem
            if provider not in self._emulators:
                path.unlink(missing_ok=True)

    def flush(self) -> None:
        for emulator in list(self._emulators.values()):
            emulator.flush()

    def forget_loaded(self) -> None:
        """Finish pending writes, then drop the emulators in memory (before their files are deleted)."""
        self.flush()
        with self._making:
            self._emulators.clear()

