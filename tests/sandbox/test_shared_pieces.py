"""What every emulator takes once from console/sandbox/: Retry-After, RFC 3339, customer(), ids, Refusal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from console.domain.rfc3339 import rfc3339
from console.sandbox.authorize_net.wire import AnetError
from console.sandbox.faults import FaultConfig
from console.sandbox.refusal import Refusal
from console.sandbox.registry import emulator_class
from console.sandbox.rest import RestEmulator
from console.sandbox.retry_after import retry_after_value
from console.sandbox.square.wire import SquareError
from tests.sandbox.error_shapes import PROVIDERS, auth_headers, customer_path, new_emulator

REST_PROVIDERS = [key for key in PROVIDERS if issubclass(emulator_class(key), RestEmulator)]


@pytest.mark.parametrize(("seconds", "value"), [(1.0, "1"), (3, "3"), (0.25, "0.25"), (1.5, "1.5"),
                                                (2_000_000.0, "2000000")])
def test_retry_after_is_whole_seconds_when_it_can_be(seconds: float, value: str) -> None:
    assert retry_after_value(seconds) == value


@pytest.mark.parametrize("key", PROVIDERS)
def test_every_emulators_injected_429_carries_the_same_retry_after(key: str) -> None:
    emulator = emulator_class(key)(seed=2, customers=3, faults=FaultConfig(retry_after=2.5))
    emulator.fail_next("429")
    with httpx.Client(transport=emulator.sync_transport(), base_url="https://emulator.invalid") as client:
        answer = client.post(customer_path(emulator), headers=auth_headers(emulator), content=b"{}")
    assert answer.status_code == 429 and answer.headers["retry-after"] == "2.5"


def test_rfc3339_writes_utc_with_a_z_and_milliseconds_when_asked() -> None:
    moment = datetime(2026, 1, 5, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert rfc3339(moment, timespec="seconds") == "2026-01-05T10:00:00Z"
    assert rfc3339(moment, timespec="milliseconds") == "2026-01-05T10:00:00.123Z"
    assert rfc3339(datetime(2026, 1, 5, tzinfo=UTC), timespec="milliseconds") == "2026-01-05T00:00:00.000Z"


@pytest.mark.parametrize("key", PROVIDERS)
def test_customer_reads_what_the_emulator_stores(key: str) -> None:
    emulator = new_emulator(key)
    state = emulator._dump_state()
    records = state.get("customers") or state["profiles"]
    assert records
    for record in records:
        customer_id = record.get("customerProfileId") or record["id"]
        assert emulator.customer(customer_id) == record
    assert emulator.customer("no-such-id") is None


@pytest.mark.parametrize("key", PROVIDERS)
def test_ids_come_from_the_seed_and_fresh_after_a_restart(key: str, tmp_path: Path) -> None:
    cls = emulator_class(key)
    first, second = cls(seed=5, customers=2), cls(seed=5, customers=2)
    assert first._ids.random() == second._ids.random()  # the same seed makes the same ids
    path = tmp_path / "state.json"
    saved = cls(seed=5, customers=2, store_path=path)
    saved.flush(5)
    restored = cls(seed=5, customers=2, store_path=path)
    # After loading saved state, ids must not repeat those made before the restart.
    assert restored._ids.random() != cls(seed=5, customers=2)._ids.random()
    assert json.loads(path.read_text(encoding="utf-8"))["provider"] == key


# The header each provider puts on every routed answer, refusals included (None: none).
ANSWER_HEADERS = {"square": None, "clover": "x-clover-allowed-filter-fields", "payarc": "x-ratelimit-limit",
                  "digital-river": "x-dr-requestid"}


@pytest.mark.parametrize("key", REST_PROVIDERS)
def test_rest_emulators_refuse_missing_credentials_as_json_with_their_answer_headers(key: str) -> None:
    emulator = new_emulator(key)
    with httpx.Client(transport=emulator.sync_transport(), base_url="https://emulator.invalid") as client:
        refused = client.get(customer_path(emulator))
        listed = client.get(customer_path(emulator), headers=auth_headers(emulator))
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/json"
    assert listed.status_code == 200
    header = ANSWER_HEADERS[key]
    if header is not None:
        assert header in refused.headers and header in listed.headers


def test_provider_errors_are_refusals() -> None:
    square = SquareError(404, [{"code": "NOT_FOUND", "detail": "gone", "category": "INVALID_REQUEST_ERROR"}])
    assert isinstance(square, Refusal) and square.status == 404 and square.body == {"errors": square.errors}
    anet = AnetError("E00040", "The record cannot be found.")
    # Authorize.net answers errors with HTTP 200 and the code in its messages.
    assert isinstance(anet, Refusal) and anet.status == 200 and anet.body == {}
    assert anet.messages == {"resultCode": "Error", "message": [{"code": "E00040", "text": anet.text}]}
