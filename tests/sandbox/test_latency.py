"""Latency is a response time: an answer leaves `latency_ms` after its request arrived, work included.

The emulator's clock is pinned and its work made to "take" a known time on that clock, so every
wait is exact; nothing here sleeps for real.
"""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from console.sandbox import server as served_module
from console.sandbox import transports
from console.sandbox.server import EmulatorServer
from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import HEADERS, serving


class Clock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _working(emu: SquareEmulator, clock: Clock, seconds: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the emulator's own work on each request take `seconds` on `clock`."""
    handle = emu.handle

    def slow(request: httpx.Request) -> httpx.Response:
        clock.now += seconds
        return handle(request)

    monkeypatch.setattr(emu, "handle", slow)


@pytest.mark.parametrize(("work", "waits"), [(0.015, [pytest.approx(0.025)]), (0.06, [])])
async def test_the_work_is_inside_the_latency(monkeypatch: pytest.MonkeyPatch, clock: Clock, work: float,
                                              waits: list[float]) -> None:
    slept: list[float] = []

    async def record_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(transports.asyncio, "sleep", record_sleep)
    emu = SquareEmulator(customers=2, latency_ms=40)
    emu.clock = clock
    _working(emu, clock, work, monkeypatch)
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.base_url, headers=HEADERS) as client:
        assert (await client.get("/v2/customers")).status_code == 200
    # 15 ms of work leaves 25 ms to wait; work longer than the latency is answered at once.
    assert slept == waits


async def test_the_in_process_transport_reports_the_request_sent_before_the_wait(
        monkeypatch: pytest.MonkeyPatch, clock: Clock) -> None:
    events: list[str] = []

    async def record_sleep(seconds: float) -> None:
        events.append(f"sleep {seconds:g}")

    async def trace(name: str, info: object) -> None:
        events.append(name)

    monkeypatch.setattr(transports.asyncio, "sleep", record_sleep)
    emu = SquareEmulator(customers=2, latency_ms=40)
    emu.clock = clock
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.base_url, headers=HEADERS) as client:
        assert (await client.get("/v2/customers", extensions={"trace": trace})).status_code == 200
    assert events == ["emulator.send_request_body.complete", "sleep 0.04"]


@pytest.fixture
def served(clock: Clock) -> Iterator[tuple[SquareEmulator, EmulatorServer]]:
    emu = SquareEmulator(seed=3, customers=12, latency_ms=40)
    emu.clock = clock
    with serving(emu) as server:
        yield emu, server


def test_the_loopback_server_counts_the_latency_from_arrival(
        served: tuple[SquareEmulator, EmulatorServer], clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    emu, server = served
    monkeypatch.setattr(served_module, "_STAMPS", False)   # arrival as the handler reads it (the kernel's: below)
    _working(emu, clock, 0.01, monkeypatch)
    slept: list[float] = []
    monkeypatch.setattr(served_module.time, "sleep", slept.append)
    with httpx.Client(base_url=server.base_url, headers=HEADERS) as client:
        page = client.get("/v2/customers", params={"limit": 5})
        missing = client.get("/v2/customers/NOPE")
    assert page.status_code == 200 and len(page.json()["customers"]) == 5
    assert int(page.headers["content-length"]) == len(page.content)
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NOT_FOUND"
    # The clock started when the request came in, so 10 ms of work leaves 30 ms of the 40 to wait.
    assert slept == [pytest.approx(0.03)] * 2


@pytest.fixture
def connected() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A loopback TCP connection: the client's end and the server's."""
    with socket.create_server(("127.0.0.1", 0)) as listener, \
            socket.create_connection(listener.getsockname()) as client:
        connection, _ = listener.accept()
        with connection:
            yield client, connection


@pytest.mark.skipif(not served_module._STAMPS, reason="the kernel's receive stamps are read on Linux only")
def test_the_kernel_says_when_the_bytes_were_received(connected: tuple[socket.socket, socket.socket]) -> None:
    client, connection = connected
    connection.setsockopt(socket.SOL_SOCKET, served_module._SO_TIMESTAMPNS, 1)
    stamps = served_module._StampedReader(connection)
    reader = io.BufferedReader(stamps)
    assert stamps.received is None
    # When no socket of the system had stamps on, Linux turns them on in deferred work (net_enable_timestamp):
    # bytes received before that are not stamped. Each line sent is read, until one comes stamped (for as long as
    # that work may wait behind a loaded machine's other work: a hundred lines were not enough beside the suite).
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        before = time.time()
        client.sendall(b"GET /v2/customers HTTP/1.1\r\n")
        after = time.time()
        assert reader.readline() == b"GET /v2/customers HTTP/1.1\r\n"
        if stamps.received is not None:
            break
    assert stamps.received is not None and before <= stamps.received <= after


@pytest.mark.skipif(not served_module._STAMPS, reason="the kernel's receive stamps are read on Linux only")
def test_a_handler_that_woke_late_still_answers_on_time(
        served: tuple[SquareEmulator, EmulatorServer], clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    # The handler reads the request line a while after the kernel received it (as when the client, sharing
    # this machine's CPUs, is busy after sending): that while comes off the wait.
    _, server = served
    slept: list[float] = []
    monkeypatch.setattr(served_module.time, "sleep", slept.append)
    late = 0.02
    parse = served_module._Handler.parse_request

    stamped: list[bool] = []

    def woke_late(handler: served_module._Handler) -> bool:
        assert handler._stamps is not None
        stamped.append(handler._stamps.received is not None)
        if handler._stamps.received is not None:
            handler._stamps.received -= late   # as if received `late` seconds before now
        return parse(handler)

    monkeypatch.setattr(served_module._Handler, "parse_request", woke_late)
    with httpx.Client(base_url=server.base_url, headers=HEADERS) as client:
        for _ in range(100):   # until a request comes stamped (test_the_kernel_says_when_the_bytes_were_received)
            slept.clear()
            assert client.get("/v2/customers", params={"limit": 5}).status_code == 200
            if stamped[-1]:
                break
    assert stamped[-1]
    # 40 ms from arrival, the clock pinned: at most 20 ms left, less by the real time since the bytes came in (on a
    # loaded machine that can be all of it, and nothing is slept). Counted from the handler, it would be 40 ms.
    assert len(slept) <= 1 and all(0.0 < wait <= 0.04 - late for wait in slept)


@pytest.mark.skipif(not served_module._STAMPS, reason="the kernel's receive stamps are read on Linux only")
def test_bytes_that_came_unstamped_have_no_arrival_time(connected: tuple[socket.socket, socket.socket]) -> None:
    # A stamp from an earlier read is not this one's: such a request is timed from when it is read.
    client, connection = connected
    stamps = served_module._StampedReader(connection)   # timestamps not asked for on this socket
    stamps.received = 1.0
    client.sendall(b"GET / HTTP/1.1\r\n")
    assert io.BufferedReader(stamps).readline() == b"GET / HTTP/1.1\r\n"
    assert stamps.received is None
