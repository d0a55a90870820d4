"""Filters over the customer index, dashboard links and the table's columns: pure functions, no Qt."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from console.domain.capabilities import DashboardLinks
from console.domain.customer import Customer
from console.providers.registry import provider
from console.services.customer_filters import CustomerFilters, day_bounds
from console.services.customer_index import CustomerIndex
from console.services.dashboard_links import dashboard_link
from console.services.table_columns import table_columns


def _local(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour).astimezone()


def _index() -> CustomerIndex:
    index = CustomerIndex(search_fields=("name", "email"), name_fields=("full_name", "email"), status_field="status")
    day = date(2024, 3, 10)
    index.upsert([
        Customer(id="a", given_name="Ann", email="ann@example.com", created_at=_local(day, 0),
                 updated_at=_local(day + timedelta(days=5))),
        Customer(id="b", given_name="Bob", phone="555 0100", created_at=_local(day, 23),
                 extra={"status": "Disabled"}),
        Customer(id="c", given_name="Cy", email="cy@example.com", phone="555 0101",
                 created_at=_local(day + timedelta(days=1), 0)),
        Customer(id="d", given_name="Di"),
    ])
    return index


def _ids(index: CustomerIndex, filters: CustomerFilters) -> list[str]:
    return [index.at(p).id for p in index.passing(filters, index.alive())]


def test_a_day_range_holds_the_whole_last_day_in_local_time() -> None:
    index = _index()
    assert _ids(index, CustomerFilters(created_from=date(2024, 3, 10), created_to=date(2024, 3, 10))) == ["a", "b"]
    assert _ids(index, CustomerFilters(created_from=date(2024, 3, 11))) == ["c"]
    assert _ids(index, CustomerFilters(updated_to=date(2024, 3, 31))) == ["a"]   # no time: never in a range
    low, high = day_bounds(date(2024, 3, 10), None)
    assert high == float("inf") and low == datetime(2024, 3, 10).timestamp()


def test_flags_and_status_combine() -> None:
    index = _index()
    assert _ids(index, CustomerFilters(has_email=True)) == ["a", "c"]
    assert _ids(index, CustomerFilters(has_email=True, has_phone=True)) == ["c"]
    assert _ids(index, CustomerFilters(status="Disabled")) == ["b"]
    assert _ids(index, CustomerFilters(status="")) == ["a", "c", "d"]
    assert index.status_values() == ["", "Disabled"]


def test_the_mask_follows_changes_removals_and_new_customers() -> None:
    index = _index()
    phone = CustomerFilters(has_phone=True)
    assert _ids(index, phone) == ["b", "c"]
    index.upsert([Customer(id="d", given_name="Di", phone="555 0199"), Customer(id="e", phone="555 0200")])
    index.remove(["b"])
    assert _ids(index, phone) == ["c", "d", "e"]
    index.upsert([Customer(id="c", given_name="Cy")])
    assert _ids(index, phone) == ["d", "e"]
    assert _ids(index, CustomerFilters()) == ["a", "c", "d", "e"]


def test_filters_count_what_is_on() -> None:
    assert CustomerFilters().count() == 0 and not CustomerFilters().active
    on = CustomerFilters(created_from=date(2024, 1, 1), created_to=date(2024, 2, 1), has_email=True, status="")
    assert on.count() == 3 and on.active


@pytest.mark.parametrize(("key", "environment", "options", "url", "page"), [
    ("square", "production", {}, "https://app.squareup.com/dashboard/customers/directory/customer/C%2F1", True),
    ("square", "sandbox", {}, "https://app.squareupsandbox.com/dashboard/customers/directory/customer/C%2F1", True),
    ("authorize-net", "sandbox", {},
     "https://sandbox.authorize.net/UI/themes/sandbox/CustomerProfile/ViewCustomerProfile.aspx?ProfileID=C%2F1", True),
    ("clover", "production", {"region": "la"}, "https://www.la.clover.com/dashboard", False),
    ("clover", "production", {}, "https://www.clover.com/dashboard", False),
    ("clover", "sandbox", {"region": "eu"}, "https://sandbox.dev.clover.com/dashboard", False),
    ("payarc", "sandbox", {}, "https://testdashboard.payarc.net", False),
    ("digital-river", "production", {}, "https://dashboard.digitalriver.com/", False),
])
def test_dashboard_links(key: str, environment: str, options: dict[str, str], url: str, page: bool) -> None:
    link = dashboard_link(provider(key).capabilities.dashboard, environment, options, "C/1")
    assert link is not None
    assert (link.url, link.customer_page) == (url, page)


def test_no_dashboard_for_demo_data() -> None:
    assert dashboard_link(provider("square").capabilities.dashboard, "demo", {}, "x") is None
    assert dashboard_link(DashboardLinks(), "production", {}, "x") is None


def test_every_table_offers_the_provider_id_hidden_at_first() -> None:
    columns = table_columns(provider("square").capabilities)
    assert columns[-1].key == "id" and columns[-1].hidden_by_default
    authorize = table_columns(provider("authorize-net").capabilities)
    assert [c.key for c in authorize].count("id") == 1   # it shows its own profile id column already


def test_updated_at_without_tz_is_not_an_error() -> None:
    index = CustomerIndex(search_fields=("name",), name_fields=("full_name",))
    index.upsert([Customer(id="z", created_at=datetime(2024, 1, 1, tzinfo=UTC))])
    assert _ids(index, CustomerFilters(created_from=date(2023, 12, 30))) == ["z"]
