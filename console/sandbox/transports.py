"""httpx transports that send requests straight into an emulator, with its latency and faults."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import httpx

from console.sandbox.faults import Fault

if TYPE_CHECKING:
    from console.sandbox.base import Emulator


def lost_response_error(fault: Fault, request: httpx.Request) -> httpx.TransportError:
    """The exception a real client sees when the response to `request` never arrives."""
    if fault.kind == "timeout":
        # The client's read timer has fired; nothing actually waits here.
        return httpx.ReadTimeout("The read operation timed out (emulated).", request=request)
    if fault.applied_first:
        return httpx.RemoteProtocolError("Server disconnected without sending a response (emulated).",
                                         request=request)
    return httpx.ConnectError("Connection reset before the request was sent (emulated).", request=request)


class EmulatorAsyncTransport(httpx.AsyncBaseTransport):
    """In-process async transport for demo mode and tests; sleeps with asyncio, never blocking the loop."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        refused = self.emulator.admit(request)
        if refused is not None:
            return refused
        try:
            fault = self.emulator.faults.next()
            delay = self.emulator.delay_seconds(fault)
            if delay > 0:
                await asyncio.sleep(delay)
            response = self.emulator.respond(request, fault)
        finally:
            self.emulator.release(request)
        if response is None:
            assert fault is not None  # only a lost-response fault yields no response
            raise lost_response_error(fault, request)
        return response


class EmulatorSyncTransport(httpx.BaseTransport):
    """The same behaviour for synchronous clients (official SDKs, scripts, sync tests)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        refused = self.emulator.admit(request)
        if refused is not None:
            return refused
        try:
            fault = self.emulator.faults.next()
            delay = self.emulator.delay_seconds(fault)
            if delay > 0:
                time.sleep(delay)
            response = self.emulator.respond(request, fault)
        finally:
            self.emulator.release(request)
        if response is None:
            assert fault is not None
            raise lost_response_error(fault, request)
        return response
