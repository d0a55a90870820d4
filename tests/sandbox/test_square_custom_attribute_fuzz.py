"""OpenAPI-driven fuzzing of the Square emulator's custom attribute endpoints.

Bodies are drawn from the request schemas of Square's OpenAPI file (mostly plausible, sometimes
not, with arbitrary JSON mixed in). Every answer must be a 200 that matches the operation's response
schema or a 4xx with Square's `errors`; never a 500. Whatever was accepted is served back, valid,
by the list and retrieve endpoints.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import HEADERS
from tests.support.openapi import square_spec
from tests.support.square_exchange import check_answer, operation

COMMON = "https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common."
SELECTION = "https://developer-production-s.squarecdn.com/meta-schemas/v1/selection.json"
TYPES = ("String", "Number", "Email", "PhoneNumber", "Address", "Date", "Boolean")
DEFINITIONS = "/v2/customers/custom-attribute-definitions"

_scalars = (st.none() | st.booleans() | st.integers(-(2 ** 53), 2 ** 53)
            | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
_anything = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
_keys = st.sampled_from(["drink", "drink", "drink", "loyalty-tier", "account-manager", "a.b_c-d", "square:x",
                         "x" * 60, "x" * 61, "has space", "search"])
_selection_schemas = st.fixed_dictionaries(
    {"$schema": st.sampled_from([SELECTION, SELECTION, "https://example.com/x.json"])},
    optional={"type": st.sampled_from(["array", "object"]), "uniqueItems": st.sampled_from([True, False]),
              "maxItems": st.integers(-1, 5) | _anything,
              "items": st.fixed_dictionaries({"names": st.lists(st.sampled_from(["Tea", "Coffee", "Chai", ""]),
                                                                 max_size=4) | _anything},
                                             optional={"enum": st.lists(st.text(max_size=4), max_size=3)})})
_schemas = (st.sampled_from([{"$ref": COMMON + t} for t in (*TYPES, "Money")]) | _selection_schemas
            | st.builds(lambda t, extra: {"$ref": COMMON + t, **extra}, st.sampled_from(TYPES),
                        st.dictionaries(st.text(max_size=4), _scalars, max_size=1)))
_values = st.one_of(
    st.sampled_from(["Dune", "10.5", "-3", "ada@example.com", "nope@", "+12065550100", "206-555-0100",
                     "2026-02-28", "2026-02-30", True, False, 42, 2.5, [], {"locality": "Leeds", "country": "GB"},
                     {"country": "XX"}, "x" * 1001]),
    st.lists(st.text(max_size=8), max_size=3), _anything)
# By property name: shapes the spec leaves open (`schema`, `value`) or constrains by pattern.
_NAMED: dict[str, st.SearchStrategy[Any]] = {
    "key": _keys, "schema": _schemas, "value": _values,
    "version": st.sampled_from([1, 1, 1, 0, 2]),
    "name": st.sampled_from(["Favourite drink", "Favourite drink", "Drink", "Loyalty tier", "", "n" * 256]),
    "description": st.sampled_from(["About it", "About it", "About it", "", "d" * 256]),
    "visibility": st.sampled_from(["VISIBILITY_READ_WRITE_VALUES", "VISIBILITY_READ_ONLY", "VISIBILITY_HIDDEN",
                                   "VISIBILITY_HIDDEN", "OTHER"]),
    "idempotency_key": st.sampled_from(["k1", "k2", "k3", "k4", "k" * 46]),
    "customer_id": st.sampled_from(["CUSTOMER", "NOSUCH", ""]),
}


# Optional in the spec, but needed on writes (the refusals without them have their own tests).
_NEEDED = {"CustomAttributeDefinition": {"key", "schema"}, "CustomAttribute": {"value"}}


def _components() -> dict[str, Any]:
    return dict(square_spec().doc["components"]["schemas"])


def _plausible(schema: dict[str, Any], name: str = "", depth: int = 0) -> st.SearchStrategy[Any]:
    """Values shaped like `schema` (often valid, sometimes not), mixed with arbitrary JSON."""
    if name in _NAMED:
        return _NAMED[name]  # these mix in wrong values of their own
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        target = _components()[ref]
        return _plausible({**target, "required": [*target.get("required", []), *_NEEDED.get(ref, ())]}, name, depth)
    if "enum" in schema:
        shaped = st.sampled_from([*schema["enum"], "OTHER"])
    elif schema.get("type") == "object" and "properties" in schema and depth < 3:
        props = {k: v for k, v in schema["properties"].items() if not v.get("readOnly") or k in _NAMED}
        required = {k: _plausible(v, k, depth + 1) for k, v in props.items() if k in schema.get("required", [])}
        optional = {k: _plausible(v, k, depth + 1) for k, v in props.items() if k not in required}
        shaped = st.fixed_dictionaries(required, optional=optional)
    elif schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict):
        shaped = st.dictionaries(st.sampled_from(["1", "2", "3"]),
                                 _plausible(schema["additionalProperties"], "", depth + 1), max_size=3)
    else:
        shaped = _anything
    # Mostly shaped (one_of would fold repeated branches into one): noise at every level multiplies
    # the chance that a body is refused before its inner rules are reached.
    return st.integers(0, 11).flatmap(lambda n: shaped if n else _anything)


def _body(schema_name: str) -> st.SearchStrategy[Any]:
    return _plausible(_components()[schema_name])


def _with_customer(body: Any, customer_id: str) -> Any:
    """The body with the placeholder customer id replaced by a real one (bulk entries name customers)."""
    return json.loads(json.dumps(body).replace('"CUSTOMER"', json.dumps(customer_id)))


def _send(client: httpx.Client, method: str, path: str, body: Any = None) -> httpx.Response:
    content = None if body is None else json.dumps(body).encode()
    answer = client.request(method, path, content=content)
    spec = square_spec()
    assert answer.status_code in (200, 400, 403, 404, 409), (method, path, answer.status_code, answer.text)
    check_answer(spec, operation(spec, method, path), answer)
    return answer


def _all(client: httpx.Client, path: str, key: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        page = client.get(path, params=params)
        check_answer(square_spec(), operation(square_spec(), "GET", path), page)
        found += page.json().get(key, [])
        if "cursor" not in page.json():
            return found
        params["cursor"] = page.json()["cursor"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(create=_body("CreateCustomerCustomAttributeDefinitionRequest"),
       update=_body("UpdateCustomerCustomAttributeDefinitionRequest"),
       upsert=_body("UpsertCustomerCustomAttributeRequest"),
       bulk=_body("BulkUpsertCustomerCustomAttributesRequest"),
       key=st.none() | st.none() | _keys)
@example(create={"custom_attribute_definition": {"key": "drink", "schema": {
    "$schema": SELECTION, "items": {"names": ["Tea", "Coffee"]}, "maxItems": 1}}},
         update={"custom_attribute_definition": {"schema": {"$schema": SELECTION, "items": {"names": ["Chai"],
                                                                                          "enum": ["x"]}}}},
         upsert={"custom_attribute": {"value": ["nope"]}},
         bulk={"values": {"1": {"customer_id": "CUSTOMER", "custom_attribute": {"key": "drink", "value": []}}}},
         key=None)
@example(create={"custom_attribute_definition": {"key": "n", "schema": {"$ref": COMMON + "Number"}}},
         update={"custom_attribute_definition": {"schema": {"$ref": COMMON + "String"}}},
         upsert={"custom_attribute": {"value": 1e308}}, bulk={"values": {"1": None}}, key=None)
@example(create={"custom_attribute_definition": {"key": "a", "schema": {"$ref": COMMON + "Address"}}},
         update={"custom_attribute_definition": {"visibility": "VISIBILITY_READ_ONLY"}},
         upsert={"custom_attribute": {"value": {"locality": None, "country": "GB"}}},
         bulk={"values": {"1": {"customer_id": "CUSTOMER", "custom_attribute": {"key": "a", "value": {}}}}}, key=None)
@example(create=[], update="text", upsert={"custom_attribute": None}, bulk={"values": []}, key="")
def test_whatever_is_accepted_is_served_valid(create: Any, update: Any, upsert: Any, bulk: Any,
                                              key: str | None) -> None:
    emulator = SquareEmulator(seed=3, customers=3)
    customer_id = emulator.customer_ids()[0]
    with httpx.Client(transport=emulator.sync_transport(), base_url=emulator.base_url, headers=HEADERS) as client:
        made = _send(client, "POST", DEFINITIONS, create)
        if key is None:  # mostly the definition just made, so updates and values reach one
            key = made.json()["custom_attribute_definition"]["key"] if made.status_code == 200 else "account-manager"
        if key:
            changed = _send(client, "PUT", f"{DEFINITIONS}/{key}", update)
            _send(client, "GET", f"{DEFINITIONS}/{key}")
            stored = _send(client, "POST", f"/v2/customers/{customer_id}/custom-attributes/{key}", upsert)
            read = _send(client, "GET", f"/v2/customers/{customer_id}/custom-attributes/{key}")
            if stored.status_code == 200:
                assert read.json()["custom_attribute"]["value"] == stored.json()["custom_attribute"]["value"]
            event(f"create {made.status_code}, update {changed.status_code}, upsert {stored.status_code}")
        _send(client, "POST", "/v2/customers/custom-attributes/bulk-upsert", _with_customer(bulk, customer_id))
        listed = _all(client, DEFINITIONS, "custom_attribute_definitions")
        values = _all(client, f"/v2/customers/{customer_id}/custom-attributes", "custom_attributes",
                      with_definitions="true")
        assert {v["key"] for v in values} <= {d["key"] for d in listed}


_texts = st.sampled_from(["Tom", "tom becker", "!!", "", "Gold", "2026-01-01", "2026-13-01", "10.5", "NaN", "-Inf",
                          "x"]) | st.text(
    max_size=6)
_ranges = st.fixed_dictionaries({}, optional={"start_at": _texts, "end_at": _texts})
_updated = st.sampled_from([{"start_at": "1970-01-01T00:00:00Z"}, {"end_at": "2026-06-01T00:00:00Z"},
                            {"start_at": "2025-01-01T00:00:00Z", "end_at": "2026-01-01T00:00:00Z"},
                            {"start_at": "soon"}, {}])
_members = {
    "text": st.fixed_dictionaries({}, optional={"exact": _texts, "fuzzy": _texts}),
    "selection": st.fixed_dictionaries({}, optional={
        "any": st.lists(st.sampled_from(["Gold", "Silver", "gold", "Tin"]), max_size=2),
        "all": st.lists(st.sampled_from(["Gold", "Bronze"]), max_size=2), "none": st.lists(_texts, max_size=1)}),
    "date": _ranges, "number": _ranges, "boolean": _scalars,
}


def _entry(key: str, member: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"key": st.just(key)}, optional={
        "updated_at": _updated, "filter": st.fixed_dictionaries({member: _members[member]})})


# Filters on the seeded definitions, mostly with the member of their own type, so many are accepted.
_seeded_filters = st.one_of(
    _entry("account-manager", "text"), _entry("loyalty-tier", "selection"), _entry("tax-exempt-until", "date"),
    _entry("sq0idp-LoyaltyPartnerApp01:points-balance", "number"),
    st.sampled_from(["account-manager", "loyalty-tier"]).flatmap(lambda k: _entry(k, "boolean")))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(filters=st.lists(st.integers(0, 3).flatmap(
    lambda n: _plausible(_components()["CustomerCustomAttributeFilter"]) if n == 0 else _seeded_filters),
    min_size=1, max_size=2))
@example(filters=[{"key": "loyalty-tier", "filter": {"selection": {"any": ["Gold"], "all": []}}}])
@example(filters=[{"key": "account-manager", "filter": {"text": {"fuzzy": "!!"}}}])
@example(filters=[{"key": "tax-exempt-until", "filter": {"date": {"start_at": "2026-13-01"}}}])
@example(filters=[{"key": "tax-exempt-until", "updated_at": {"start_at": "2026-01-01"}}])
def test_searching_by_custom_attributes_answers_valid(filters: list[Any]) -> None:
    emulator = SquareEmulator(seed=3, customers=20)
    body = {"query": {"filter": {"custom_attribute": {"filters": filters}}}, "count": True}
    with httpx.Client(transport=emulator.sync_transport(), base_url=emulator.base_url, headers=HEADERS) as client:
        answer = _send(client, "POST", "/v2/customers/search", body)
        event(f"search {answer.status_code}")
