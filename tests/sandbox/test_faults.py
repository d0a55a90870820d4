"""Fault injection: the plan itself, and each fault kind through the in-process transports."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from console.sandbox import transports
from console.sandbox.faults import FAULT_KINDS, Fault, FaultConfig, FaultPlan
from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import HEADERS, failed

NEW = {"idempotency_key": "retry-me", "given_name": "Faulty", "email_address": "faulty@example.com"}


@pytest.fixture
async def aclient(emu: SquareEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.base_url, headers=HEADERS) as client:
        yield client


# -- the plan -------------------------------------------------------------------------------------


def test_config_rejects_unknown_kinds_and_bad_rates() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        FaultConfig(kinds=("418",))
    with pytest.raises(ValueError, match="probabilit"):
        FaultConfig(rate=1.5)
    assert FaultConfig.parse_kinds(" 429, drop,,timeout ") == ("429", "drop", "timeout")


def test_no_config_means_no_faults() -> None:
    plan = FaultPlan()
    assert [plan.next() for _ in range(100)] == [None] * 100
    assert not plan.injected


def test_random_faults_follow_the_rate_and_the_seed() -> None:
    config = FaultConfig(rate=0.3, kinds=("429", "drop", "timeout"), seed=42, after_rate=0.5)
    plan, again = FaultPlan(config), FaultPlan(config)
    drawn = [plan.next() for _ in range(2000)]
    assert drawn == [again.next() for _ in range(2000)]
    faults = [f for f in drawn if f is not None]
    assert 450 < len(faults) < 750  # 30 % of 2000, with room for chance
    assert {f.kind for f in faults} == {"429", "drop", "timeout"}
    lost = [f for f in faults if f.kind in ("drop", "timeout")]
    assert 0.35 < sum(f.applied_first for f in lost) / len(lost) < 0.65
    assert not any(f.applied_first for f in faults if f.kind == "429")
    assert sum(plan.injected.values()) == len(faults)
    assert plan.injected["429"] == sum(f.kind == "429" for f in faults)


def test_forced_faults_come_first_and_in_order() -> None:
    plan = FaultPlan(FaultConfig(rate=0.0))
    plan.force("500")
    plan.force("drop", count=2, applied_first=True)
    assert plan.pending() == 3
    assert [plan.next() for _ in range(4)] == [Fault("500"), Fault("drop", True), Fault("drop", True), None]
    with pytest.raises(ValueError, match="unknown"):
        plan.force("teapot")


def test_which_faults_apply_the_operation() -> None:
    assert not Fault("429").applies and not Fault("503").applies
    assert not Fault("drop").applies and Fault("drop", True).applies
    assert Fault("malformed").applies and Fault("truncated").applies and Fault("slow").applies
    assert {"429", "500", "502", "503", "drop", "timeout", "malformed", "truncated", "slow"} == FAULT_KINDS


# -- through the async transport ------------------------------------------------------------------


async def test_429_is_squares_rate_limit_answer_and_applies_nothing() -> None:
    emu = SquareEmulator(customers=5, faults=FaultConfig(retry_after=2.5))
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.base_url, headers=HEADERS) as client:
        emu.fail_next("429")
        response = await client.post("/v2/customers", json=NEW)
        error = failed(response, 429, "RATE_LIMITED")
        assert error["category"] == "RATE_LIMIT_ERROR"
        assert response.headers["retry-after"] == "2.5"
        assert emu.requests == [] and len(emu.customer_ids()) == 5
        assert (await client.post("/v2/customers", json=NEW)).status_code == 200
    assert emu.stats().faults == {"429": 1} and emu.stats().requests == 1


@pytest.mark.parametrize(("kind", "code"), [("500", "INTERNAL_SERVER_ERROR"), ("502", "BAD_GATEWAY"),
                                            ("503", "SERVICE_UNAVAILABLE")])
async def test_server_errors(emu: SquareEmulator, aclient: httpx.AsyncClient, kind: str, code: str) -> None:
    before = len(emu.customer_ids())
    emu.fail_next(kind)
    error = failed(await aclient.post("/v2/customers", json=NEW), int(kind), code)
    assert error["category"] == "API_ERROR"
    assert len(emu.customer_ids()) == before


async def test_drop_before_applying_is_a_connect_error(emu: SquareEmulator, aclient: httpx.AsyncClient) -> None:
    before = len(emu.customer_ids())
    emu.fail_next("drop")
    with pytest.raises(httpx.ConnectError):
        await aclient.post("/v2/customers", json=NEW)
    assert len(emu.customer_ids()) == before and emu.request_count == 0


async def test_drop_after_applying_and_an_idempotent_retry_makes_one_customer(emu: SquareEmulator,
                                                                             aclient: httpx.AsyncClient) -> None:
    before = len(emu.customer_ids())
    emu.fail_next("drop", applied_first=True)
    with pytest.raises(httpx.RemoteProtocolError):
        await aclient.post("/v2/customers", json=NEW)
    assert len(emu.customer_ids()) == before + 1  # it happened, though the client never heard
    retry = await aclient.post("/v2/customers", json=NEW)
    assert retry.status_code == 200
    assert len(emu.customer_ids()) == before + 1
    assert emu.customer(retry.json()["customer"]["id"]) is not None


@pytest.mark.parametrize("applied", [False, True])
async def test_timeout_raises_at_once_with_or_without_applying(emu: SquareEmulator, aclient: httpx.AsyncClient,
                                                               monkeypatch: pytest.MonkeyPatch, applied: bool) -> None:
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(transports.asyncio, "sleep", no_sleep)
    before = len(emu.customer_ids())
    emu.fail_next("timeout", applied_first=applied)
    with pytest.raises(httpx.ReadTimeout):
        await aclient.post("/v2/customers", json=NEW)
    assert slept == []  # the client's timer "fired"; nothing waited
    assert len(emu.customer_ids()) == before + applied


async def test_malformed_body_after_applying(emu: SquareEmulator, aclient: httpx.AsyncClient) -> None:
    before = len(emu.customer_ids())
    emu.fail_next("malformed")
    response = await aclient.post("/v2/customers", json=NEW)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert len(emu.customer_ids()) == before + 1


async def test_truncated_body_after_applying(emu: SquareEmulator, aclient: httpx.AsyncClient) -> None:
    whole = (await aclient.get("/v2/customers", params={"limit": 3})).content
    emu.fail_next("truncated")
    response = await aclient.get("/v2/customers", params={"limit": 3})
    assert response.content == whole[: len(whole) // 2]
    assert int(response.headers["content-length"]) == len(whole) // 2
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_latency_and_slow_faults_sleep_on_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def record_sleep(seconds: float) -> None:
        slept.append(seconds)

    def forbidden(seconds: float) -> None:
        raise AssertionError("time.sleep would block the Qt event loop")

    monkeypatch.setattr(transports.asyncio, "sleep", record_sleep)
    monkeypatch.setattr(transports.time, "sleep", forbidden)
    emu = SquareEmulator(customers=2, latency_ms=40, faults=FaultConfig(slow_ms=700))
    emu.clock = lambda: 100.0  # the emulator's work takes no time on this clock, so the whole latency is slept
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.base_url, headers=HEADERS) as client:
        assert (await client.get("/v2/customers")).status_code == 200
        emu.fail_next("slow")
        assert (await client.get("/v2/customers")).status_code == 200
    assert slept == [pytest.approx(0.04), pytest.approx(0.74)]


def test_sync_transport_has_the_same_faults(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(transports.time, "sleep", slept.append)
    emu = SquareEmulator(customers=2, latency_ms=25)
    emu.clock = lambda: 100.0
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url, headers=HEADERS) as client:
        emu.fail_next("503")
        assert client.get("/v2/customers").status_code == 503
        emu.fail_next("timeout", applied_first=True)
        with pytest.raises(httpx.ReadTimeout):
            client.post("/v2/customers", json=NEW)
        assert len(emu.customer_ids()) == 3
    assert slept == [pytest.approx(0.025)] * 2


async def test_random_faults_are_counted() -> None:
    emu = SquareEmulator(customers=3, faults=FaultConfig(rate=0.5, kinds=("429", "500", "drop"), seed=9))
    outcomes: list[str] = []
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.base_url, headers=HEADERS) as client:
        for _ in range(60):
            try:
                outcomes.append(str((await client.get("/v2/customers")).status_code))
            except httpx.TransportError as exc:
                outcomes.append(type(exc).__name__)
    stats = emu.stats()
    assert stats.faults_total == sum(o != "200" for o in outcomes) > 0
    assert stats.faults.get("429", 0) == outcomes.count("429")
    assert stats.faults.get("500", 0) == outcomes.count("500")
    drops = outcomes.count("ConnectError") + outcomes.count("RemoteProtocolError")
    assert stats.faults.get("drop", 0) == drops
    assert stats.requests == outcomes.count("200") + outcomes.count("RemoteProtocolError")
