"""The shared wire helpers every provider writes and reads through (console/providers/wire_*.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from console.domain import errors as e
from console.domain.customer import Customer
from console.domain.query import CustomerQuery, TimeRange
from console.domain.rfc3339 import rfc3339
from console.providers.base import ProviderConfig
from console.providers.digital_river import DigitalRiverProvider
from console.providers.http import bearer_headers
from console.providers.registry import by_environment
from console.providers.square.mapping import search_query
from console.providers.wire_reading import customer_in
from console.providers.wire_values import blank_to_none, from_epoch, stripped

PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(("value", "kept", "blanked"), [
    ("  Ada  ", "Ada", "Ada"),
    ("   ", "", None),
    ("", "", None),
    (None, None, None),
    (True, True, True),
    (0, 0, 0),
    ({"a": " b "}, {"a": " b "}, {"a": " b "}),
])
def test_stripped_keeps_an_emptied_text_and_blank_to_none_drops_it(value: Any, kept: Any, blanked: Any) -> None:
    assert stripped(value) == kept
    assert blank_to_none(value) == blanked


@pytest.mark.parametrize(("moment", "with_fraction", "whole_seconds"), [
    (datetime(2026, 1, 5, 10, 0, 0, tzinfo=UTC), "2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z"),
    (datetime(2026, 1, 5, 10, 0, 0, 123000, tzinfo=UTC), "2026-01-05T10:00:00.123000Z", "2026-01-05T10:00:00Z"),
    (datetime(2026, 1, 5, 10, 0, 0, 999999), "2026-01-05T10:00:00.999999Z", "2026-01-05T10:00:00Z"),  # naive: UTC
    (datetime(2026, 1, 5, 1, 30, 0, tzinfo=PLUS_TWO), "2026-01-04T23:30:00Z", "2026-01-04T23:30:00Z"),
])
def test_rfc3339_is_utc_with_z_and_drops_the_fraction_only_when_asked(moment: datetime, with_fraction: str,
                                                                      whole_seconds: str) -> None:
    assert rfc3339(moment) == with_fraction
    assert rfc3339(moment, timespec="seconds") == whole_seconds


def test_square_time_filters_keep_the_fraction() -> None:
    start = datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)
    query = search_query(CustomerQuery(created=TimeRange(start=start)))
    assert query["filter"]["created_at"] == {"start_at": "2026-01-01T00:00:00.500000Z"}


@respx.mock
async def test_digital_river_time_filters_are_whole_seconds() -> None:
    # Digital River documents "2020-05-06T22:28:01Z": no fraction, no offset (shared/api/digital-river.md).
    route = respx.get("https://dr.test.invalid/customers").mock(
        return_value=httpx.Response(200, json={"data": [], "hasMore": False}))
    span = TimeRange(start=datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC),
                     end=datetime(2026, 1, 2, 3, 0, 0, tzinfo=PLUS_TWO))
    async with httpx.AsyncClient() as http:
        client = DigitalRiverProvider(ProviderConfig(base_url="https://dr.test.invalid",
                                                     credentials={"secret_key": "sk_test_x"}), http)
        assert await client.search(CustomerQuery(updated=span)) == []
    params = route.calls.last.request.url.params
    assert params["updatedTime[gte]"] == "2026-01-01T00:00:00Z"
    assert params["updatedTime[lte]"] == "2026-01-02T01:00:00Z"


def _read(data: Any) -> Customer:
    return Customer(id=str(data["id"]))


@pytest.mark.parametrize(("body", "key"), [({"customer": {"id": "C1"}}, "customer"), ({"id": "C1"}, None)])
def test_customer_in_reads_a_wrapped_or_a_bare_customer(body: Any, key: str | None) -> None:
    assert customer_in(body, _read, provider="P", key=key).id == "C1"


@pytest.mark.parametrize(("body", "key", "field"), [
    ({"customer": None}, "customer", "customer"),
    ({"data": ["C1"]}, "data", "data"),
    ([], None, "customer"),
    ("C1", "customer", "customer"),
])
def test_customer_in_refuses_an_answer_without_one(body: Any, key: str | None, field: str) -> None:
    with pytest.raises(e.ProtocolError) as err:
        customer_in(body, _read, provider="PayArc", key=key)
    assert err.value.field == field and err.value.provider == "PayArc"
    assert err.value.message == "PayArc's answer has no customer in it."


def test_by_environment_chooses_the_production_host_only_for_production() -> None:
    base_url = by_environment(production="https://live.invalid", sandbox="https://test.invalid")
    assert base_url("production", {}) == "https://live.invalid"
    assert [base_url(env, {}) for env in ("sandbox", "demo")] == ["https://test.invalid"] * 2


def test_bearer_headers_carry_the_token_json_and_the_providers_own_headers() -> None:
    assert bearer_headers("tok") == {"Authorization": "Bearer tok", "Accept": "application/json"}
    assert bearer_headers("tok", {"Square-Version": "2025-08-20"})["Square-Version"] == "2025-08-20"


@pytest.mark.parametrize("value", [253402300800000, 10**20, -(10**20)])
def test_a_time_no_datetime_can_hold_is_unreadable_not_a_crash(value: int) -> None:
    with pytest.raises(ValueError, match="not a moment"):
        from_epoch(value, per_second=1000)


def test_clover_reports_a_customer_since_past_year_9999_as_unreadable() -> None:
    from console.domain.errors import ProtocolError
    from console.providers.clover.mapping import customer_from_wire

    with pytest.raises(ProtocolError) as caught:
        customer_from_wire({"id": "C1", "customerSince": 253402300800000})
    assert caught.value.field == "customerSince"
