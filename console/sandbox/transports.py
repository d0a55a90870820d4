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


# httpcore's `trace` extension names events "<connection>.<step>.complete"; this step is the
# last byte of a request handed to the network (what a pipelining client waits for).
SENT_EVENT = "emulator.send_request_body.complete"


async def _report_sent(request: httpx.Request) -> None:
    """Tell a client that traces its requests that this one has reached the emulator, as httpcore would."""
    trace = request.extensions.get("trace")
    if trace is not None:
        await trace(SENT_EVENT, {})


class EmulatorAsyncTransport(httpx.AsyncBaseTransport):
    """In-process async transport for demo mode and tests; sleeps with asyncio, never blocking the loop.

    Like httpcore it reports "request sent" to a client's `trace` extension, so a client that
    parses one page while the next is on its way (Square's listing) overlaps here too.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        emulator = self.emulator
        arrived = emulator.clock()
        await request.aread()
        await _report_sent(request)
        with emulator.exchange(request, arrived) as answer:
            wait = answer.wait(emulator.clock())
            if wait > 0:
                await asyncio.sleep(wait)
            await emulator.saved(answer)   # mostly saved during the latency already
        if answer.response is None:
            assert answer.fault is not None  # only a lost-response fault yields no response
            raise lost_response_error(answer.fault, request)
        return answer.response


class EmulatorSyncTransport(httpx.BaseTransport):
    """The same behaviour for synchronous clients (official SDKs, scripts, sync tests)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        emulator = self.emulator
        arrived = emulator.clock()
        request.read()
        with emulator.exchange(request, arrived) as answer:
            wait = answer.wait(emulator.clock())
            if wait > 0:
                time.sleep(wait)
            emulator.wait_saved(answer)
        if answer.response is None:
            assert answer.fault is not None
            raise lost_response_error(answer.fault, request)
        return answer.response
