"""Square emulator: ListCustomers and SearchCustomers (paging, sorting, counting, filters, cursors)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from console.sandbox.square import SquareEmulator
from console.sandbox.square.search import default_sort_key
from tests.sandbox.conftest import HEADERS, failed, ok
from tests.support.openapi import OpenApiSpec


def list_all(client: httpx.Client, spec: OpenApiSpec, **params: Any) -> list[dict]:
    """Every page of ListCustomers, following cursors."""
    found: list[dict] = []
    cursor = None
    for _ in range(1000):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = ok(client.get("/v2/customers", params=query), spec, "ListCustomersResponse")
        found.extend(body.get("customers", []))
        cursor = body.get("cursor")
        if not cursor:
            return found
    raise AssertionError("paging never ended")


def search_all(client: httpx.Client, spec: OpenApiSpec, body: dict) -> list[dict]:
    found: list[dict] = []
    cursor = None
    for _ in range(1000):
        page = ok(client.post("/v2/customers/search", json={**body, **({"cursor": cursor} if cursor else {})}),
                  spec, "SearchCustomersResponse")
        found.extend(page.get("customers", []))
        cursor = page.get("cursor")
        if not cursor:
            return found
    raise AssertionError("paging never ended")


@pytest.fixture
def bare() -> SquareEmulator:
    """An emulator with no seeded customers, for exact search expectations."""
    return SquareEmulator(seed=3, customers=0)


@pytest.fixture
def bare_client(bare: SquareEmulator) -> httpx.Client:
    return httpx.Client(transport=bare.sync_transport(), base_url=bare.base_url, headers=HEADERS)


def add(client: httpx.Client, **fields: Any) -> dict:
    response = client.post("/v2/customers", json=fields)
    assert response.status_code == 200, response.text
    return response.json()["customer"]


# -- listing --------------------------------------------------------------------------------------


def test_default_page_and_count(client: httpx.Client, emu: SquareEmulator, spec: OpenApiSpec) -> None:
    body = ok(client.get("/v2/customers", params={"count": "true"}), spec, "ListCustomersResponse")
    assert len(body["customers"]) == 60 and "cursor" not in body
    assert body["count"] == 60
    assert "count" not in client.get("/v2/customers").json()


def test_paging_with_small_limits_returns_everyone_once_in_order(client: httpx.Client, emu: SquareEmulator,
                                                                 spec: OpenApiSpec) -> None:
    everyone = list_all(client, spec, limit=7)
    ids = [c["id"] for c in everyone]
    assert len(ids) == len(set(ids)) == 60
    assert set(ids) == set(emu.customer_ids())
    keys = [(default_sort_key(c), c["id"]) for c in everyone]
    assert keys == sorted(keys)
    assert ids == [c["id"] for c in list_all(client, spec, limit=100)]


def test_sort_by_created_at_descending(client: httpx.Client, spec: OpenApiSpec) -> None:
    everyone = list_all(client, spec, limit=9, sort_field="CREATED_AT", sort_order="DESC")
    created = [c["created_at"] for c in everyone]
    assert len(everyone) == 60 and created == sorted(created, reverse=True)


def test_default_sort_falls_back_to_company_email_phone(bare_client: httpx.Client, spec: OpenApiSpec) -> None:
    add(bare_client, phone_number="+1 206-555-0100")
    add(bare_client, email_address="bea@example.com")
    add(bare_client, company_name="Carrot Co")
    add(bare_client, given_name="Al", family_name="Zed")
    add(bare_client, family_name="Dunn")
    names = [c.get("given_name") or c.get("family_name") or c.get("company_name") or c.get("email_address")
             or c.get("phone_number") for c in list_all(bare_client, spec)]
    assert names == ["+1 206-555-0100", "Al", "bea@example.com", "Carrot Co", "Dunn"]


def test_listing_sees_writes_between_pages(client: httpx.Client, spec: OpenApiSpec) -> None:
    first = ok(client.get("/v2/customers", params={"limit": 10}), spec, "ListCustomersResponse")
    last_seen = first["customers"][-1]
    add(client, given_name="zzz", family_name="Last")  # sorts after everyone
    client.delete(f"/v2/customers/{last_seen['id']}")  # the cursor's own customer vanishes
    rest = list_all(client, spec, limit=10, cursor=first["cursor"])
    ids = [c["id"] for c in first["customers"] + rest]
    assert len(ids) == len(set(ids)) == 61
    assert rest[-1]["given_name"] == "zzz"


def test_unlisted_profiles_are_retrievable_but_not_listed() -> None:
    emu = SquareEmulator(seed=5, customers=1000)  # seeds 1000 listed plus a few without identity fields
    hidden = set(emu.customer_ids(listed_only=False)) - set(emu.customer_ids())
    assert hidden
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url, headers=HEADERS) as c:
        assert c.get("/v2/customers", params={"count": "true", "limit": 1}).json()["count"] == 1000
        some = next(iter(hidden))
        customer = c.get(f"/v2/customers/{some}").json()["customer"]
        assert not any(customer.get(f) for f in ("given_name", "family_name", "company_name", "email_address",
                                                 "phone_number"))


def test_empty_list_is_an_empty_object(bare_client: httpx.Client, spec: OpenApiSpec) -> None:
    assert ok(bare_client.get("/v2/customers"), spec, "ListCustomersResponse") == {}
    assert ok(bare_client.post("/v2/customers/search", json={}), spec, "SearchCustomersResponse") == {}


@pytest.mark.parametrize(("params", "code", "field"), [
    ({"limit": 0}, "VALUE_TOO_LOW", "limit"),
    ({"limit": 101}, "VALUE_TOO_HIGH", "limit"),
    ({"limit": "ten"}, "EXPECTED_INTEGER", "limit"),
    ({"sort_field": "NAME"}, "INVALID_ENUM_VALUE", "sort_field"),
    ({"sort_order": "UP"}, "INVALID_SORT_ORDER", "sort_order"),
    ({"count": "yes"}, "EXPECTED_BOOLEAN", "count"),
    ({"page": 2}, "UNKNOWN_QUERY_PARAMETER", "page"),
    ({"cursor": "garbage!"}, "INVALID_CURSOR", "cursor"),
])
def test_list_parameter_errors(client: httpx.Client, params: dict, code: str, field: str) -> None:
    failed(client.get("/v2/customers", params=params), 400, code, field)


def test_cursor_from_another_query_is_invalid(client: httpx.Client) -> None:
    cursor = client.get("/v2/customers", params={"limit": 5}).json()["cursor"]
    failed(client.get("/v2/customers", params={"limit": 5, "cursor": cursor, "sort_order": "DESC"}), 400,
           "INVALID_CURSOR")
    failed(client.post("/v2/customers/search", json={"cursor": cursor}), 400, "INVALID_CURSOR")
    search_cursor = client.post("/v2/customers/search", json={"limit": 5}).json()["cursor"]
    failed(client.get("/v2/customers", params={"cursor": search_cursor}), 400, "INVALID_CURSOR")
    assert client.get("/v2/customers", params={"limit": 5, "cursor": cursor}).status_code == 200  # limit may change


# -- search ---------------------------------------------------------------------------------------


def emails(customers: list[dict]) -> set[str]:
    return {c.get("email_address", "") for c in customers}


def test_search_without_query_lists_everyone_by_name(client: httpx.Client, spec: OpenApiSpec) -> None:
    found = search_all(client, spec, {"limit": 11, "count": True})
    assert [c["id"] for c in found] == [c["id"] for c in list_all(client, spec)]


def test_fuzzy_email_matches_every_token_anywhere(bare_client: httpx.Client, spec: OpenApiSpec) -> None:
    add(bare_client, email_address="steven.johnson@gmail.example.com")
    add(bare_client, email_address="mygmail@stevensbakery.example.com")
    add(bare_client, email_address="steve@gmail.example.com")  # "steve" lacks the n
    add(bare_client, email_address="STEVEN@Example.org")
    query = {"query": {"filter": {"email_address": {"fuzzy": "Steven gmail"}}}, "count": True}
    body = ok(bare_client.post("/v2/customers/search", json=query), spec, "SearchCustomersResponse")
    assert emails(body["customers"]) == {"steven.johnson@gmail.example.com", "mygmail@stevensbakery.example.com"}
    assert body["count"] == 2
    by_domain = search_all(bare_client, spec, {"query": {"filter": {"email_address": {"fuzzy": "example.org"}}}})
    assert emails(by_domain) == {"STEVEN@Example.org"}


def test_exact_email_is_case_insensitive_and_whole(bare_client: httpx.Client, spec: OpenApiSpec) -> None:
    add(bare_client, email_address="Ada@Example.com")
    add(bare_client, email_address="ada@example.com.au")
    found = search_all(bare_client, spec, {"query": {"filter": {"email_address": {"exact": "ada@example.COM"}}}})
    assert emails(found) == {"Ada@Example.com"}


def test_fuzzy_phone_tokens_are_digit_substrings(bare_client: httpx.Client, spec: OpenApiSpec) -> None:
    for phone in ("+1-415-212-1200", "+1-212-415-1234", "+1 (551) 234-1567", "+1-212-555-1200"):
        add(bare_client, phone_number=phone)

    def phones(text: str) -> set[str]:
        found = search_all(bare_client, spec, {"query": {"filter": {"phone_number": {"fuzzy": text}}}})
        return {c["phone_number"] for c in found}

    assert phones("415") == {"+1-415-212-1200", "+1-212-415-1234", "+1 (551) 234-1567"}
    assert phones("415 123") == {"+1-212-415-1234", "+1 (551) 234-1567"}


def test_exact_phone_compares_in_e164(bare_client: httpx.Client, spec: OpenApiSpec) -> None:
    for phone in ("(206) 222-3333", "+1 206-222-3333", "2062223333", "+12062223334", "+44 20 7946 0000"):
        add(bare_client, phone_number=phone)
    found = search_all(bare_client, spec, {"query": {"filter": {"phone_number": {"exact": "+1 (206) 222-3333"}}}})
    assert {c["phone_number"] for c in found} == {"(206) 222-3333", "+1 206-222-3333", "2062223333"}
    found = search_all(bare_client, spec, {"query": {"filter": {"phone_number": {"exact": "+442079460000"}}}})
    assert {c["phone_number"] for c in found} == {"+44 20 7946 0000"}
    failed(bare_client.post("/v2/customers/search",
                            json={"query": {"filter": {"phone_number": {"exact": "206-222-3333"}}}}),
           400, "INVALID_PHONE_NUMBER", "query.filter.phone_number.exact")


def test_reference_id_fuzzy_and_exact(bare_client: httpx.Client, spec: OpenApiSpec) -> None:
    for ref in ("NYC_M_35_JOHNSON", "NYC_27_MURRAY", "SF_M_1", "nyc-12-lee"):
        add(bare_client, given_name="R", reference_id=ref)

    def refs(flt: dict) -> set[str]:
        return {c["reference_id"] for c in search_all(bare_client, spec, {"query": {"filter": {"reference_id": flt}}})}

    assert refs({"fuzzy": "NYC M"}) == {"NYC_M_35_JOHNSON", "NYC_27_MURRAY"}
    assert refs({"fuzzy": "nyc"}) == {"NYC_M_35_JOHNSON", "NYC_27_MURRAY", "nyc-12-lee"}
    assert refs({"exact": "nyc_27_murray"}) == {"NYC_27_MURRAY"}
    assert refs({"exact": "NYC_27"}) == set()


def test_time_ranges_are_half_open(bare_client: httpx.Client, bare: SquareEmulator, spec: OpenApiSpec) -> None:
    from datetime import UTC, datetime

    made = {}
    for day in (1, 2, 3):
        bare.now = lambda day=day: datetime(2026, 1, day, tzinfo=UTC)  # type: ignore[method-assign]
        made[day] = add(bare_client, given_name=f"Day{day}")["id"]
    window = {"start_at": "2026-01-02T00:00:00Z", "end_at": "2026-01-03T00:00:00Z"}
    found = search_all(bare_client, spec, {"query": {"filter": {"created_at": window}}})
    assert [c["id"] for c in found] == [made[2]]
    later = {"start_at": "2026-01-01T12:00:00+02:00"}  # 10:00 UTC, after day 1 began
    since = search_all(bare_client, spec, {"query": {"filter": {"created_at": later},
                                                     "sort": {"field": "CREATED_AT", "order": "ASC"}}})
    assert [c["id"] for c in since] == [made[2], made[3]]
    bare.now = lambda: datetime(2026, 2, 1, tzinfo=UTC)  # type: ignore[method-assign]
    bare_client.put(f"/v2/customers/{made[1]}", json={"note": "touched"})
    touched = search_all(bare_client, spec, {"query": {"filter": {"updated_at": {"start_at": "2026-01-15T00:00:00Z"}}}})
    assert [c["id"] for c in touched] == [made[1]]
    failed(bare_client.post("/v2/customers/search",
                            json={"query": {"filter": {"created_at": {"start_at": "last tuesday"}}}}),
           400, "INVALID_TIME", "query.filter.created_at.start_at")


def test_creation_source_include_and_exclude(client: httpx.Client, emu: SquareEmulator, spec: OpenApiSpec) -> None:
    mine = add(client, given_name="Third", family_name="Party")
    include = search_all(client, spec, {"query": {"filter": {"creation_source": {"values": ["THIRD_PARTY"]}}}})
    exclude = search_all(client, spec, {"query": {"filter": {"creation_source": {"values": ["THIRD_PARTY"],
                                                                                 "rule": "EXCLUDE"}}}})
    assert mine["id"] in {c["id"] for c in include}
    assert all(c["creation_source"] == "THIRD_PARTY" for c in include)
    assert all(c["creation_source"] != "THIRD_PARTY" for c in exclude)
    assert len(include) + len(exclude) == 61 and exclude
    failed(client.post("/v2/customers/search",
                       json={"query": {"filter": {"creation_source": {"values": ["CARRIER_PIGEON"]}}}}),
           400, "INVALID_ENUM_VALUE")


def test_group_filters(bare_client: httpx.Client, spec: OpenApiSpec) -> None:
    g1 = bare_client.post("/v2/customers/groups", json={"group": {"name": "One"}}).json()["group"]["id"]
    g2 = bare_client.post("/v2/customers/groups", json={"group": {"name": "Two"}}).json()["group"]["id"]
    both, only1, neither = (add(bare_client, given_name=n)["id"] for n in ("Both", "Only1", "Neither"))
    for cid, gid in ((both, g1), (both, g2), (only1, g1)):
        assert bare_client.put(f"/v2/customers/{cid}/groups/{gid}").status_code == 200

    def ids(group_filter: dict) -> set[str]:
        found = search_all(bare_client, spec, {"query": {"filter": {"group_ids": group_filter}}})
        return {c["id"] for c in found}

    assert ids({"any": [g1, g2]}) == {both, only1}
    assert ids({"all": [g1, g2]}) == {both}
    assert ids({"none": [g2]}) == {only1, neither}
    assert ids({"any": [g1], "none": [g2]}) == {only1}
    unknown = bare_client.post("/v2/customers/search",
                               json={"query": {"filter": {"group_ids": {"any": [g1, "NOSUCHGROUP"]}}}, "count": True})
    assert ok(unknown, spec, "SearchCustomersResponse") == {}


def test_segment_filters(client: httpx.Client, emu: SquareEmulator, spec: OpenApiSpec) -> None:
    segments = ok(client.get("/v2/customers/segments"), spec, "ListCustomerSegmentsResponse")["segments"]
    reachable = next(s["id"] for s in segments if s["name"] == "Reachable")
    found = search_all(client, spec, {"query": {"filter": {"segment_ids": {"all": [reachable]}}}})
    assert found and all(reachable in c["segment_ids"] for c in found)
    error = failed(client.post("/v2/customers/search",
                               json={"query": {"filter": {"segment_ids": {"any": ["NOPE.SEGMENT"]}}}}),
                   400, "BAD_REQUEST")
    assert "NOPE.SEGMENT" in error["detail"]
    failed(client.post("/v2/customers/search",
                       json={"query": {"filter": {"segment_ids": {"any": [reachable] * 4}}}}), 400, "BAD_REQUEST")


def test_filters_combine_with_and(bare_client: httpx.Client, spec: OpenApiSpec) -> None:
    a = add(bare_client, email_address="kim@example.com", reference_id="NYC_1")
    add(bare_client, email_address="kim@example.org", reference_id="SF_1")
    add(bare_client, email_address="lee@example.com", reference_id="NYC_2")
    flt = {"email_address": {"fuzzy": "kim"}, "reference_id": {"fuzzy": "nyc"}}
    assert [c["id"] for c in search_all(bare_client, spec, {"query": {"filter": flt}})] == [a["id"]]


def test_search_paging_sorting_and_count(client: httpx.Client, spec: OpenApiSpec) -> None:
    query = {"filter": {"email_address": {"fuzzy": "example"}}, "sort": {"field": "CREATED_AT", "order": "DESC"}}
    first = ok(client.post("/v2/customers/search", json={"query": query, "limit": 4, "count": True}), spec,
               "SearchCustomersResponse")
    everything = search_all(client, spec, {"query": query, "limit": 4})
    assert first["count"] == len(everything) and len(everything) > 8
    created = [c["created_at"] for c in everything]
    assert created == sorted(created, reverse=True)
    assert len({c["id"] for c in everything}) == len(everything)
    other = {"filter": {"email_address": {"fuzzy": "example.net"}}, "sort": query["sort"]}
    failed(client.post("/v2/customers/search", json={"query": other, "cursor": first["cursor"]}), 400, "INVALID_CURSOR")


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"limit": 0}, "VALUE_TOO_LOW", "limit"),
    ({"limit": 101}, "VALUE_TOO_HIGH", "limit"),
    ({"limit": "5"}, "EXPECTED_INTEGER", "limit"),
    ({"count": "true"}, "EXPECTED_BOOLEAN", "count"),
    ({"filter": {}}, "UNKNOWN_BODY_PARAMETER", "filter"),
    ({"query": {"filter": {"name": {"fuzzy": "x"}}}}, "UNKNOWN_BODY_PARAMETER", "query.filter.name"),
    ({"query": {"filter": {"email_address": {"exact": "a", "fuzzy": "b"}}}}, "CONFLICTING_PARAMETERS",
     "query.filter.email_address"),
    ({"query": {"filter": {"email_address": {}}}}, "MISSING_REQUIRED_PARAMETER", "query.filter.email_address"),
    ({"query": {"filter": {"reference_id": {"fuzzy": "  "}}}}, "VALUE_EMPTY", "query.filter.reference_id.fuzzy"),
    ({"query": {"sort": {"field": "NAME"}}}, "INVALID_ENUM_VALUE", "query.sort.field"),
    ({"query": {"sort": {"order": "SIDEWAYS"}}}, "INVALID_SORT_ORDER", "query.sort.order"),
    ({"query": {"filter": {"custom_attribute": {"filters": []}}}}, "BAD_REQUEST", "query.filter.custom_attribute"),
])
def test_search_request_errors(client: httpx.Client, body: dict, code: str, field: str) -> None:
    failed(client.post("/v2/customers/search", json=body), 400, code, field)
