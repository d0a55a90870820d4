"""The one HTTP core: timeouts, retries with backoff and Retry-After, limits, error mapping."""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time

import httpx
import pytest
import respx

from console.domain import errors as e
from console.providers.http import (
    HttpCore,
    InFlight,
    Reply,
    RequestLimiter,
    RetryPolicy,
    decode_json,
    parse_retry_after,
    status_error,
)
from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import serving

BASE = "https://api.test.invalid"


def _map(reply: Reply) -> e.ConsoleError | None:
    return None if reply.status < 400 else status_error(reply, "Test")


class Sleeps:
    """Records the waits the core asks for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _core(client: httpx.AsyncClient, sleeps: Sleeps, **kw: object) -> HttpCore:
    return HttpCore(client, provider="Test", base_url=BASE, map_error=_map, sleep=sleeps,
                    rng=random.Random(1), **kw)  # type: ignore[arg-type]


@respx.mock
async def test_read_is_retried_after_5xx_then_succeeds() -> None:
    route = respx.get(f"{BASE}/x").mock(side_effect=[httpx.Response(503), httpx.Response(502),
                                                     httpx.Response(200, json={"ok": True})])
    sleeps = Sleeps()
    async with httpx.AsyncClient() as client:
        reply = await _core(client, sleeps).request("GET", "/x", retry=True)
    assert reply.body == {"ok": True}
    assert route.call_count == 3
    assert len(sleeps.waits) == 2 and sleeps.waits[0] < sleeps.waits[1] <= 8.0


@respx.mock
async def test_retry_after_is_honoured_and_capped() -> None:
    respx.get(f"{BASE}/x").mock(side_effect=[httpx.Response(429, headers={"Retry-After": "3"}),
                                             httpx.Response(429, headers={"Retry-After": "600"}),
                                             httpx.Response(200, json={})])
    sleeps = Sleeps()
    async with httpx.AsyncClient() as client:
        await _core(client, sleeps).request("GET", "/x", retry=True)
    assert sleeps.waits == [3.0, 60.0]


@respx.mock
async def test_unsafe_write_is_sent_once() -> None:
    route = respx.post(f"{BASE}/x").mock(return_value=httpx.Response(503))
    sleeps = Sleeps()
    async with httpx.AsyncClient() as client:
        with pytest.raises(e.UnavailableError):
            await _core(client, sleeps).request("POST", "/x", json_body={}, retry=False)
    assert route.call_count == 1 and sleeps.waits == []


@respx.mock
async def test_gives_up_after_the_policy_attempts() -> None:
    route = respx.get(f"{BASE}/x").mock(return_value=httpx.Response(500))
    sleeps = Sleeps()
    async with httpx.AsyncClient() as client:
        core = _core(client, sleeps, policy=RetryPolicy(attempts=3))
        with pytest.raises(e.UnavailableError):
            await core.request("GET", "/x", retry=True)
    assert route.call_count == 3 and core.retries == 2


@respx.mock
async def test_client_errors_are_not_retried() -> None:
    route = respx.get(f"{BASE}/x").mock(return_value=httpx.Response(404))
    async with httpx.AsyncClient() as client:
        with pytest.raises(e.NotFoundError):
            await _core(client, Sleeps()).request("GET", "/x", retry=True)
    assert route.call_count == 1


@respx.mock
async def test_timeouts_and_drops_become_unavailable_and_flag_possible_writes() -> None:
    respx.post(f"{BASE}/t").mock(side_effect=httpx.ReadTimeout("slow"))
    respx.get(f"{BASE}/c").mock(side_effect=httpx.ConnectError("refused"))
    async with httpx.AsyncClient() as client:
        core = _core(client, Sleeps())
        with pytest.raises(e.UnavailableError) as timeout:
            await core.request("POST", "/t", json_body={})
        with pytest.raises(e.UnavailableError) as refused:
            await core.request("GET", "/c")
    assert timeout.value.maybe_applied is True
    assert refused.value.maybe_applied is False


@respx.mock
async def test_unreadable_body_is_a_protocol_error_but_retried_for_reads() -> None:
    route = respx.get(f"{BASE}/x").mock(side_effect=[httpx.Response(200, content=b"<html>oops"),
                                                     httpx.Response(200, content=b'{"a": 1}')])
    async with httpx.AsyncClient() as client:
        core = _core(client, Sleeps())
        assert (await core.request("GET", "/x", retry=True)).body == {"a": 1}
        route.side_effect = None
        route.return_value = httpx.Response(200, content=b'{"trunc')
        with pytest.raises(e.ProtocolError):
            await core.request("GET", "/x", retry=False)


@respx.mock
async def test_byte_order_mark_is_tolerated() -> None:
    respx.get(f"{BASE}/x").mock(return_value=httpx.Response(200, content=b'\xef\xbb\xbf{"a": 1}'))
    async with httpx.AsyncClient() as client:
        assert (await _core(client, Sleeps()).request("GET", "/x")).body == {"a": 1}


def test_a_value_repeated_across_answers_is_one_string() -> None:
    # What the window keeps of 100,000 customers: their repeated names and cities held once (P5).
    first = decode_json(b'{"customers": [{"city": "Springfield", "given_name": "Maria"}]}')
    second = decode_json(b'\xef\xbb\xbf{"customers": [{"city": "Springfield", "given_name": "Maria"}]}')
    assert first == second
    assert first["customers"][0]["city"] is second["customers"][0]["city"]
    assert first["customers"][0]["given_name"] is second["customers"][0]["given_name"]


@pytest.mark.parametrize("raw", [b'{"name": "\\ud800 lone"}', b"[" * 300 + b"]" * 300, b'{"a": 1e400, "b": NaN}',
                                 b'{"n": 123456789012345678901234567890, "a": 1, "a": 2}'])
def test_what_json_reads_is_read_the_same(raw: bytes) -> None:
    got = decode_json(raw)
    assert repr(got) == repr(json.loads(raw))


@pytest.mark.parametrize("raw", [b'{"trunc', b"[1] x", b"\xff{}", b"<html>"])
def test_what_json_refuses_is_refused(raw: bytes) -> None:
    with pytest.raises(ValueError):
        decode_json(raw)


def test_retry_after_forms() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 <= (parse_retry_after(future) or 0) <= 31


async def test_limiter_bounds_concurrency_and_rate() -> None:
    now = [0.0]
    limiter = RequestLimiter(concurrent=3, per_second=5, clock=lambda: now[0])
    started: list[float] = []
    release = asyncio.Event()

    async def one() -> None:
        async with limiter:
            started.append(now[0])
            await release.wait()

    tasks = [asyncio.create_task(one()) for _ in range(4)]
    for _ in range(10):
        await asyncio.sleep(0)
    assert limiter.in_flight == 3 and len(started) == 3
    release.set()
    await asyncio.gather(*tasks)
    assert limiter.peak_in_flight == 3 and len(started) == 4


async def test_an_in_flight_request_is_known_sent_before_its_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    # Over real loopback sockets, so httpcore's own "sent" report is what is checked.
    emu = SquareEmulator(customers=3)
    release = threading.Event()
    handle = emu.handle

    def held(request: httpx.Request) -> httpx.Response:
        release.wait(10)  # the server keeps the answer until the test has looked
        return handle(request)

    monkeypatch.setattr(emu, "handle", held)
    # `serving` pauses the garbage collector while its thread runs (see there).
    with serving(emu) as server:
        try:
            async with httpx.AsyncClient() as client:
                core = HttpCore(client, provider="Test", base_url=server.base_url, map_error=_map,
                                headers={"Authorization": "Bearer t"})
                in_flight = InFlight(lambda on_sent: core.request("GET", "/v2/customers", on_sent=on_sent))
                await asyncio.wait_for(in_flight.sent(), 10)
                assert not in_flight.task.done()  # on the wire, and its answer still held back
                release.set()
                reply = await in_flight
        finally:
            release.set()
    assert len(reply.body["customers"]) == 3


@respx.mock
async def test_sent_waits_for_the_answer_when_the_transport_does_not_say() -> None:
    respx.get(f"{BASE}/x").mock(return_value=httpx.Response(200, json={"ok": True}))
    async with httpx.AsyncClient() as client:
        core = _core(client, Sleeps())
        in_flight = InFlight(lambda on_sent: core.request("GET", "/x", on_sent=on_sent))
        await in_flight.sent()
        assert in_flight.task.done()
        assert (await in_flight).body == {"ok": True}
