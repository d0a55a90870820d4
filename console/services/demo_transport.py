"""A demo account's HTTP transport, in a module of its own so that httpx is imported only when a demo
account first needs its client (not before a warm start's first rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from console.services.demo import DemoSandbox


class EmulatorWhenAsked(httpx.AsyncBaseTransport):
    """A demo account's transport: its emulator's, taken at the first request (`DemoSandbox.emulator`)."""

    def __init__(self, demo: DemoSandbox, provider: str) -> None:
        self._demo, self._provider = demo, provider
        self._transport: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._transport is None:
            self._transport = self._demo.emulator(self._provider).transport()
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()
