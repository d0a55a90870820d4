"""Square emulator: the Customer Custom Attributes endpoints, their rules, and their error bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import HEADERS, failed, ok
from tests.support.openapi import OpenApiSpec

DEFINITIONS = "/v2/customers/custom-attribute-definitions"
COMMON = "https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common."
SELECTION = "https://developer-production-s.squarecdn.com/meta-schemas/v1/selection.json"
READ_WRITE = "VISIBILITY_READ_WRITE_VALUES"

# type -> (accepted values, refused values with the code each gets)
VALUES: dict[str, tuple[list[Any], list[tuple[Any, str]]]] = {
    "String": (["Dune", "", "x" * 1000],
               [(7, "INVALID_VALUE"), ("x" * 1001, "VALUE_TOO_LONG"), (["a"], "INVALID_VALUE")]),
    "Number": (["10.5", "-3", 42, 0.25], [("ten", "INVALID_VALUE"), (True, "INVALID_VALUE"), ("1e5", "INVALID_VALUE"),
                                         ("1.", "INVALID_VALUE")]),
    "Email": (["ada@example.com"], [("ada@", "INVALID_EMAIL_ADDRESS"), (5, "INVALID_VALUE")]),
    "PhoneNumber": (["+12065550100", "+442079460000"], [("206-555-0100", "INVALID_PHONE_NUMBER"),
                                                        ("+0123456789", "INVALID_PHONE_NUMBER")]),
    "Address": ([{"address_line_1": "1 Main St", "locality": "Leeds", "country": "GB"}, {}],
                [({"country": "XX"}, "INVALID_ENUM_VALUE"), ({"floor": "3"}, "INVALID_VALUE"),
                 ("1 Main St", "INVALID_VALUE"), ({"locality": 3}, "INVALID_VALUE")]),
    "Date": (["2026-02-28", "2024-02-29"], [("2026-02-30", "INVALID_VALUE"), ("28/02/2026", "INVALID_VALUE"),
                                           ("2026-2-1", "INVALID_VALUE")]),
    "Boolean": ([True, False], [("true", "INVALID_VALUE"), (1, "INVALID_VALUE")]),
}


def definition(key: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"key": key, "schema": schema, "name": f"Name of {key}", "description": f"About {key}",
            "visibility": READ_WRITE, **more}


def selection(*names: str, max_items: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"$schema": SELECTION, "type": "array", "uniqueItems": True,
                              "items": {"names": list(names)}}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


def create(client: httpx.Client, spec: OpenApiSpec, data: dict[str, Any], **more: Any) -> dict[str, Any]:
    body = {"custom_attribute_definition": data, **more}
    spec.validate("CreateCustomerCustomAttributeDefinitionRequest", body)
    return ok(client.post(DEFINITIONS, json=body), spec, "CreateCustomerCustomAttributeDefinitionResponse")[
        "custom_attribute_definition"]


def values_path(customer_id: str, key: str | None = None) -> str:
    return f"/v2/customers/{customer_id}/custom-attributes" + (f"/{key}" if key else "")


def upsert(client: httpx.Client, customer_id: str, key: str, value: Any, **attribute: Any) -> httpx.Response:
    return client.post(values_path(customer_id, key), json={"custom_attribute": {"value": value, **attribute}})


def definitions(client: httpx.Client, spec: OpenApiSpec, limit: int = 100) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        page = ok(client.get(DEFINITIONS, params=params), spec, "ListCustomerCustomAttributeDefinitionsResponse")
        found += page.get("custom_attribute_definitions", [])
        if "cursor" not in page:
            return found
        params["cursor"] = page["cursor"]


@pytest.fixture
def customer_id(emu: SquareEmulator) -> str:
    return emu.customer_ids()[0]


# -- definitions --------------------------------------------------------------------------------------


def test_seeded_definitions_list_what_this_application_may_see(client: httpx.Client, spec: OpenApiSpec) -> None:
    names = {d["name"]: d for d in definitions(client, spec)}
    assert set(names) == {"Loyalty tier", "Account manager", "Tax exempt until", "Prefers paper receipts",
                          "Points balance"}  # the other application's hidden "Sync cursor" is not listed
    assert names["Prefers paper receipts"]["key"].startswith("square:")
    assert names["Points balance"]["visibility"] == "VISIBILITY_READ_ONLY"
    tier = names["Loyalty tier"]["schema"]
    assert tier["items"]["names"] == ["Bronze", "Silver", "Gold", "Platinum"] and len(tier["items"]["enum"]) == 4


def test_definitions_page_by_cursor_default_20(client: httpx.Client, spec: OpenApiSpec) -> None:
    for n in range(30):
        create(client, spec, definition(f"k{n:02d}", {"$ref": COMMON + "String"}))
    first = ok(client.get(DEFINITIONS), spec, "ListCustomerCustomAttributeDefinitionsResponse")
    assert len(first["custom_attribute_definitions"]) == 20 and first["cursor"]
    everything = definitions(client, spec, limit=7)
    assert len(everything) == 35 and len({d["key"] for d in everything}) == 35
    failed(client.get(DEFINITIONS, params={"limit": 0}), 400, "VALUE_TOO_LOW", "limit")
    failed(client.get(DEFINITIONS, params={"limit": 101}), 400, "VALUE_TOO_HIGH", "limit")
    failed(client.get(DEFINITIONS, params={"cursor": "garbled"}), 400, "INVALID_CURSOR", "cursor")
    failed(client.get(DEFINITIONS, params={"sort": "x"}), 400, "UNKNOWN_QUERY_PARAMETER", "sort")


@pytest.mark.parametrize("type_name", list(VALUES))
def test_create_each_common_type_as_square_answers_it(client: httpx.Client, spec: OpenApiSpec, type_name: str) -> None:
    made = create(client, spec, definition("t", {"$ref": COMMON + type_name}), idempotency_key="k1")
    assert made["schema"] == {"$ref": COMMON + type_name}
    assert (made["version"], made["visibility"]) == (1, READ_WRITE)
    assert made["created_at"] == made["updated_at"]
    got = ok(client.get(f"{DEFINITIONS}/t"), spec, "RetrieveCustomerCustomAttributeDefinitionResponse")
    assert got["custom_attribute_definition"] == made


def test_create_selection_gets_a_uid_per_option(client: httpx.Client, spec: OpenApiSpec) -> None:
    made = create(client, spec, definition("drink", selection("Tea", "Coffee", max_items=1)))
    items = made["schema"]["items"]
    assert items["names"] == ["Tea", "Coffee"] and len(set(items["enum"])) == 2
    assert made["schema"]["maxItems"] == 1 and made["schema"]["$schema"] == SELECTION


@pytest.mark.parametrize(("data", "status", "code", "field"), [
    ({"schema": {"$ref": COMMON + "String"}}, 400, "MISSING_REQUIRED_PARAMETER", "custom_attribute_definition.key"),
    ({"key": "a:b", "schema": {"$ref": COMMON + "String"}}, 400, "INVALID_VALUE", "custom_attribute_definition.key"),
    ({"key": "x" * 61, "schema": {"$ref": COMMON + "String"}}, 400, "INVALID_VALUE", "custom_attribute_definition.key"),
    ({"key": "ok"}, 400, "MISSING_REQUIRED_PARAMETER", "custom_attribute_definition.schema"),
    ({"key": "ok", "schema": {"$ref": COMMON + "Money"}}, 400, "INVALID_VALUE", "custom_attribute_definition.schema"),
    ({"key": "ok", "schema": {"$ref": "https://example.com/s.json#String"}}, 400, "INVALID_VALUE",
     "custom_attribute_definition.schema"),
    ({"key": "ok", "schema": "String"}, 400, "EXPECTED_OBJECT", "custom_attribute_definition.schema"),
    ({"key": "ok", "schema": selection()}, 400, "INVALID_VALUE", "custom_attribute_definition.schema.items.names"),
    ({"key": "ok", "schema": selection("A", "A")}, 400, "INVALID_VALUE",
     "custom_attribute_definition.schema.items.names"),
    ({"key": "ok", "schema": selection("A", max_items=0)}, 400, "INVALID_VALUE",
     "custom_attribute_definition.schema.maxItems"),
    ({"key": "ok", "schema": {**selection("A"), "type": "object"}}, 400, "INVALID_VALUE",
     "custom_attribute_definition.schema"),
    ({"key": "ok", "schema": {"$ref": COMMON + "String"}, "visibility": "PUBLIC"}, 400, "INVALID_ENUM_VALUE",
     "custom_attribute_definition.visibility"),
    ({"key": "ok", "schema": {"$ref": COMMON + "String"}, "visibility": READ_WRITE}, 400,
     "MISSING_REQUIRED_PARAMETER", "custom_attribute_definition.name"),
    ({"key": "ok", "schema": {"$ref": COMMON + "String"}, "visibility": READ_WRITE, "name": "N"}, 400,
     "MISSING_REQUIRED_PARAMETER", "custom_attribute_definition.description"),
    ({"key": "ok", "schema": {"$ref": COMMON + "String"}, "name": "n" * 256}, 400, "VALUE_TOO_LONG",
     "custom_attribute_definition.name"),
    ({"key": "ok", "schema": {"$ref": COMMON + "String"}, "colour": "red"}, 400, "UNKNOWN_BODY_PARAMETER",
     "custom_attribute_definition.colour"),
    ({"key": "loyalty-tier", "schema": {"$ref": COMMON + "String"}}, 409, "CONFLICT",
     "custom_attribute_definition.key"),
    ({"key": "ok", "schema": {"$ref": COMMON + "String"}, "name": "Loyalty tier", "description": "d",
      "visibility": READ_WRITE}, 409, "CONFLICT", "custom_attribute_definition.name"),
])
def test_create_refusals(client: httpx.Client, data: dict[str, Any], status: int, code: str, field: str) -> None:
    failed(client.post(DEFINITIONS, json={"custom_attribute_definition": data}), status, code, field)
    assert client.get(f"{DEFINITIONS}/ok").status_code == 404


def test_a_hidden_definition_needs_no_name(client: httpx.Client, spec: OpenApiSpec) -> None:
    made = create(client, spec, {"key": "quiet", "schema": {"$ref": COMMON + "Boolean"}})
    assert made["visibility"] == "VISIBILITY_HIDDEN" and "name" not in made


def test_create_is_idempotent_by_key(client: httpx.Client, spec: OpenApiSpec) -> None:
    data = definition("drink", selection("Tea"))
    first = create(client, spec, data, idempotency_key="same")
    assert create(client, spec, data, idempotency_key="same") == first
    failed(client.post(DEFINITIONS, json={"custom_attribute_definition": {**data, "name": "Other"},
                                          "idempotency_key": "same"}), 400, "IDEMPOTENCY_KEY_REUSED")
    failed(client.post(DEFINITIONS, json={"custom_attribute_definition": data, "idempotency_key": "k" * 46}),
           400, "VALUE_TOO_LONG", "idempotency_key")


def test_update_is_sparse_versioned_and_selection_only_for_schemas(client: httpx.Client, spec: OpenApiSpec) -> None:
    made = create(client, spec, definition("drink", selection("Tea", "Coffee", max_items=1)))
    tea, coffee = made["schema"]["items"]["enum"]
    body = {"custom_attribute_definition": {"name": "Drink", "version": 1, "schema": {
        "$schema": SELECTION, "maxItems": 2, "items": {"names": ["Coffee", "Chai"], "enum": [coffee]}}}}
    spec.validate("UpdateCustomerCustomAttributeDefinitionRequest", body)
    updated = ok(client.put(f"{DEFINITIONS}/drink", json=body), spec,
                 "UpdateCustomerCustomAttributeDefinitionResponse")["custom_attribute_definition"]
    assert (updated["name"], updated["description"], updated["version"]) == ("Drink", "About drink", 2)
    assert updated["schema"]["maxItems"] == 2 and updated["schema"]["items"]["names"] == ["Coffee", "Chai"]
    assert updated["schema"]["items"]["enum"][0] == coffee and tea not in updated["schema"]["items"]["enum"]
    assert updated["updated_at"] > made["updated_at"] and updated["created_at"] == made["created_at"]
    failed(client.put(f"{DEFINITIONS}/drink", json={"custom_attribute_definition": {"name": "X", "version": 1}}),
           400, "VERSION_MISMATCH", "version")
    failed(client.put(f"{DEFINITIONS}/drink", json={"custom_attribute_definition": {"key": "other"}}),
           400, "BAD_REQUEST", "custom_attribute_definition.key")
    failed(client.put(f"{DEFINITIONS}/drink", json={"custom_attribute_definition": {"schema": {
        "$schema": SELECTION, "items": {"names": ["A"], "enum": ["not-an-option"]}}}}), 400, "INVALID_VALUE",
        "custom_attribute_definition.schema.items.enum")
    create(client, spec, definition("plain", {"$ref": COMMON + "String"}))
    failed(client.put(f"{DEFINITIONS}/plain", json={"custom_attribute_definition": {"schema": selection("A")}}),
           400, "BAD_REQUEST", "custom_attribute_definition.schema")
    failed(client.put(f"{DEFINITIONS}/nope", json={"custom_attribute_definition": {"name": "X"}}), 404, "NOT_FOUND")


def test_read_version_asks_for_at_least_that_version(client: httpx.Client, spec: OpenApiSpec) -> None:
    create(client, spec, definition("v", {"$ref": COMMON + "String"}))
    ok(client.get(f"{DEFINITIONS}/v", params={"version": 1}), spec, "RetrieveCustomerCustomAttributeDefinitionResponse")
    failed(client.get(f"{DEFINITIONS}/v", params={"version": 2}), 400, "BAD_REQUEST", "version")


def test_only_the_owner_changes_or_deletes_a_definition(client: httpx.Client, spec: OpenApiSpec) -> None:
    seller = next(d for d in definitions(client, spec) if d["key"].startswith("square:"))
    failed(client.put(f"{DEFINITIONS}/{seller['key']}", json={"custom_attribute_definition": {"name": "X"}}),
           403, "FORBIDDEN")
    failed(client.delete(f"{DEFINITIONS}/{seller['key']}"), 403, "FORBIDDEN")
    hidden = "sq0idp-LoyaltyPartnerApp01:sync-cursor"  # seeded, hidden from this application
    failed(client.get(f"{DEFINITIONS}/{hidden}"), 404, "NOT_FOUND")


def test_delete_definition_deletes_every_value(client: httpx.Client, spec: OpenApiSpec, emu: SquareEmulator) -> None:
    holders = [cid for cid in emu.customer_ids() if "account-manager" in emu._attribute_values.get(cid, {})]
    assert holders
    ok(client.delete(f"{DEFINITIONS}/account-manager"), spec, "DeleteCustomerCustomAttributeDefinitionResponse")
    for cid in holders:
        page = ok(client.get(values_path(cid)), spec, "ListCustomerCustomAttributesResponse")
        assert "account-manager" not in {v["key"] for v in page.get("custom_attributes", [])}
    failed(client.delete(f"{DEFINITIONS}/account-manager"), 404, "NOT_FOUND")


# -- values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("type_name", list(VALUES))
def test_values_are_checked_against_their_type(client: httpx.Client, spec: OpenApiSpec, customer_id: str,
                                               type_name: str) -> None:
    create(client, spec, definition("t", {"$ref": COMMON + type_name}))
    accepted, refused = VALUES[type_name]
    for version, value in enumerate(accepted, start=1):
        body = {"custom_attribute": {"value": value}}
        spec.validate("UpsertCustomerCustomAttributeRequest", body)
        got = ok(client.post(values_path(customer_id, "t"), json=body), spec, "UpsertCustomerCustomAttributeResponse")
        assert got["custom_attribute"]["value"] == value and got["custom_attribute"]["version"] == version
    for value, code in refused:
        failed(upsert(client, customer_id, "t", value), 400, code)
    stored = ok(client.get(values_path(customer_id, "t")), spec, "RetrieveCustomerCustomAttributeResponse")
    assert stored["custom_attribute"]["value"] == accepted[-1]


def test_selection_values_are_option_uids_within_max_items(client: httpx.Client, spec: OpenApiSpec,
                                                           customer_id: str) -> None:
    uids = create(client, spec, definition("drink", selection("Tea", "Coffee", "Chai", max_items=2)))["schema"][
        "items"]["enum"]
    ok(upsert(client, customer_id, "drink", uids[:2]), spec, "UpsertCustomerCustomAttributeResponse")
    ok(upsert(client, customer_id, "drink", []), spec, "UpsertCustomerCustomAttributeResponse")
    failed(upsert(client, customer_id, "drink", uids), 400, "ARRAY_LENGTH_TOO_LONG")
    failed(upsert(client, customer_id, "drink", ["Tea"]), 400, "INVALID_VALUE")
    failed(upsert(client, customer_id, "drink", [uids[0], uids[0]]), 400, "INVALID_VALUE")
    failed(upsert(client, customer_id, "drink", uids[0]), 400, "INVALID_VALUE")
    failed(upsert(client, customer_id, "drink", None), 400, "MISSING_REQUIRED_PARAMETER")


def test_value_versions_start_at_1_and_a_stale_one_is_refused(client: httpx.Client, spec: OpenApiSpec,
                                                              customer_id: str) -> None:
    first = ok(upsert(client, customer_id, "account-manager", "Tom"), spec,
               "UpsertCustomerCustomAttributeResponse")["custom_attribute"]
    start = first["version"]
    second = ok(upsert(client, customer_id, "account-manager", "Ana", version=start), spec,
                "UpsertCustomerCustomAttributeResponse")["custom_attribute"]
    assert second["version"] == start + 1 and second["created_at"] == first["created_at"]
    failed(upsert(client, customer_id, "account-manager", "Ken", version=start), 400, "VERSION_MISMATCH", "version")
    fresh = "tax-exempt-until"
    failed(upsert(client, customer_id, fresh, "2027-01-01", version=3), 400, "VERSION_MISMATCH", "version")
    made = ok(upsert(client, customer_id, fresh, "2027-01-01"), spec, "UpsertCustomerCustomAttributeResponse")
    assert made["custom_attribute"]["version"] == 1
    ok(client.get(values_path(customer_id, fresh), params={"version": 1}), spec,
       "RetrieveCustomerCustomAttributeResponse")
    failed(client.get(values_path(customer_id, fresh), params={"version": 2}), 400, "BAD_REQUEST", "version")


def test_upsert_is_idempotent_by_key(client: httpx.Client, spec: OpenApiSpec, customer_id: str) -> None:
    body = {"custom_attribute": {"value": "Tom"}, "idempotency_key": "once"}
    first = ok(client.post(values_path(customer_id, "account-manager"), json=body), spec,
               "UpsertCustomerCustomAttributeResponse")
    assert client.post(values_path(customer_id, "account-manager"), json=body).json() == first
    failed(client.post(values_path(customer_id, "account-manager"),
                       json={**body, "custom_attribute": {"value": "Ana"}}), 400, "IDEMPOTENCY_KEY_REUSED")


def test_visibility_governs_reading_and_writing_values(client: httpx.Client, spec: OpenApiSpec,
                                                       emu: SquareEmulator) -> None:
    hidden = "sq0idp-LoyaltyPartnerApp01:sync-cursor"
    points = "sq0idp-LoyaltyPartnerApp01:points-balance"
    holder = next(cid for cid, values in emu._attribute_values.items() if hidden in values)
    emu._attribute_values[holder][points] = {"key": points, "value": "120", "version": 4,
                                             "updated_at": "2026-01-01T00:00:00.000Z",
                                             "created_at": "2026-01-01T00:00:00.000Z"}
    listed = ok(client.get(values_path(holder)), spec, "ListCustomerCustomAttributesResponse")["custom_attributes"]
    keys = {v["key"]: v for v in listed}
    assert hidden not in keys and keys[points]["visibility"] == "VISIBILITY_READ_ONLY"
    failed(client.get(values_path(holder, hidden)), 404, "NOT_FOUND")
    failed(upsert(client, holder, points, "10"), 403, "FORBIDDEN")
    failed(client.delete(values_path(holder, points)), 403, "FORBIDDEN")
    failed(upsert(client, holder, hidden, "c1"), 404, "NOT_FOUND")
    seller = next(d["key"] for d in definitions(client, spec) if d["key"].startswith("square:"))
    ok(upsert(client, holder, seller, True), spec, "UpsertCustomerCustomAttributeResponse")


def test_values_list_pages_and_carries_definitions_on_request(client: httpx.Client, spec: OpenApiSpec,
                                                              customer_id: str) -> None:
    for n in range(25):
        create(client, spec, definition(f"b{n:02d}", {"$ref": COMMON + "Boolean"}))
        ok(upsert(client, customer_id, f"b{n:02d}", n % 2 == 0), spec, "UpsertCustomerCustomAttributeResponse")
    first = ok(client.get(values_path(customer_id)), spec, "ListCustomerCustomAttributesResponse")
    assert len(first["custom_attributes"]) == 20 and "definition" not in first["custom_attributes"][0]
    rest = ok(client.get(values_path(customer_id), params={"cursor": first["cursor"]}), spec,
              "ListCustomerCustomAttributesResponse")
    assert len(first["custom_attributes"]) + len(rest["custom_attributes"]) >= 25 and "cursor" not in rest
    with_defs = ok(client.get(values_path(customer_id), params={"with_definitions": "true", "limit": 100}), spec,
                   "ListCustomerCustomAttributesResponse")["custom_attributes"]
    assert all(v["definition"]["key"] == v["key"] for v in with_defs)
    # A cursor belongs to the query it came from.
    failed(client.get(values_path(customer_id), params={"cursor": first["cursor"], "with_definitions": "true"}),
           400, "INVALID_CURSOR")
    one = ok(client.get(values_path(customer_id, "b00"), params={"with_definition": "true"}), spec,
             "RetrieveCustomerCustomAttributeResponse")["custom_attribute"]
    assert one["definition"]["key"] == "b00"


def test_a_customer_without_values_lists_as_an_empty_object(client: httpx.Client, spec: OpenApiSpec,
                                                            emu: SquareEmulator) -> None:
    bare = next(cid for cid in emu.customer_ids() if not emu._attribute_values.get(cid))
    assert ok(client.get(values_path(bare)), spec, "ListCustomerCustomAttributesResponse") == {}


def test_unknown_customer_key_and_value_are_404(client: httpx.Client, customer_id: str) -> None:
    failed(client.get(values_path("NOSUCHCUSTOMER")), 404, "NOT_FOUND")
    failed(upsert(client, "NOSUCHCUSTOMER", "account-manager", "x"), 404, "NOT_FOUND")
    failed(upsert(client, customer_id, "no-such-key", "x"), 404, "NOT_FOUND")
    client.delete(values_path(customer_id, "account-manager"))
    failed(client.get(values_path(customer_id, "account-manager")), 404, "NOT_FOUND")
    failed(client.delete(values_path(customer_id, "account-manager")), 404, "NOT_FOUND")


def test_delete_value(client: httpx.Client, spec: OpenApiSpec, customer_id: str) -> None:
    ok(upsert(client, customer_id, "account-manager", "Tom"), spec, "UpsertCustomerCustomAttributeResponse")
    ok(client.delete(values_path(customer_id, "account-manager")), spec, "DeleteCustomerCustomAttributeResponse")
    again = ok(upsert(client, customer_id, "account-manager", "Tom"), spec, "UpsertCustomerCustomAttributeResponse")
    assert again["custom_attribute"]["version"] == 1  # a new value after the delete


def test_a_key_that_is_also_a_route_word_works(client: httpx.Client, spec: OpenApiSpec, customer_id: str) -> None:
    for key in ("search", "bulk-upsert", "groups", "custom-attributes"):
        create(client, spec, definition(key, {"$ref": COMMON + "String"}))
        ok(client.get(f"{DEFINITIONS}/{key}"), spec, "RetrieveCustomerCustomAttributeDefinitionResponse")
        ok(upsert(client, customer_id, key, "v"), spec, "UpsertCustomerCustomAttributeResponse")
        ok(client.get(values_path(customer_id, key)), spec, "RetrieveCustomerCustomAttributeResponse")


# -- bulk upsert ------------------------------------------------------------------------------------


def test_bulk_upsert_answers_every_entry(client: httpx.Client, spec: OpenApiSpec, emu: SquareEmulator) -> None:
    a, b = emu.customer_ids()[:2]
    body = {"values": {
        "1": {"customer_id": a, "custom_attribute": {"key": "account-manager", "value": "Tom"},
              "idempotency_key": "e1"},
        "2": {"customer_id": b, "custom_attribute": {"key": "tax-exempt-until", "value": "soon"}},
        "3": {"customer_id": "NOSUCH", "custom_attribute": {"key": "account-manager", "value": "x"}},
        "4": {"customer_id": b, "custom_attribute": {"key": "nobody:nothing", "value": "x"}},
        "5": {"customer_id": b, "custom_attribute": {"value": "x"}},
    }}
    spec.validate("BulkUpsertCustomerCustomAttributesRequest", body)
    answers = ok(client.post("/v2/customers/custom-attributes/bulk-upsert", json=body), spec,
                 "BulkUpsertCustomerCustomAttributesResponse")["values"]
    assert answers["1"]["customer_id"] == a and answers["1"]["custom_attribute"]["value"] == "Tom"
    assert [answers[k]["errors"][0]["code"] for k in "2345"] == ["INVALID_VALUE", "NOT_FOUND", "NOT_FOUND",
                                                                  "MISSING_REQUIRED_PARAMETER"]
    assert all(answers[k]["customer_id"] for k in "2345")
    again = ok(client.post("/v2/customers/custom-attributes/bulk-upsert", json=body), spec,
               "BulkUpsertCustomerCustomAttributesResponse")["values"]
    assert again["1"] == answers["1"]  # the entry's idempotency key returns its first answer


@pytest.mark.parametrize(("body", "code"), [
    ({}, "MISSING_REQUIRED_PARAMETER"),
    ({"values": {}}, "VALUE_EMPTY"),
    ({"values": []}, "EXPECTED_MAP"),
    ({"values": {str(n): {} for n in range(26)}}, "TOO_MANY_MAP_ENTRIES"),
    ({"values": {"1": {}}, "extra": 1}, "UNKNOWN_BODY_PARAMETER"),
])
def test_bulk_upsert_refusals(client: httpx.Client, body: dict[str, Any], code: str) -> None:
    failed(client.post("/v2/customers/custom-attributes/bulk-upsert", json=body), 400, code)


def test_unauthenticated_custom_attribute_calls_are_401(emu: SquareEmulator) -> None:
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as bare:
        failed(bare.get(DEFINITIONS), 401, "UNAUTHORIZED")
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url, headers=HEADERS) as good:
        failed(good.patch(DEFINITIONS, json={}), 404, "NOT_FOUND")


def test_state_survives_a_restart_and_old_saves_gain_the_definitions(tmp_path: Any) -> None:
    store = tmp_path / "square.json"
    first = SquareEmulator(seed=5, customers=10, store_path=store)
    with httpx.Client(transport=first.sync_transport(), base_url=first.base_url, headers=HEADERS) as c:
        cid = first.customer_ids()[0]
        assert upsert(c, cid, "account-manager", "Tom").status_code == 200
    first.flush()
    again = SquareEmulator(seed=5, customers=10, store_path=store)
    assert again._attribute_values[cid]["account-manager"]["value"] == "Tom"
    state = again._dump_state()
    del state["custom_attribute_definitions"], state["custom_attributes"]
    again._load_state(state)
    assert "loyalty-tier" in again._definitions and again._attribute_values == {}


# -- SearchCustomers by custom attribute -------------------------------------------------------------


def _search_ids(client: httpx.Client, spec: OpenApiSpec, *filters: dict[str, Any]) -> set[str]:
    body = {"query": {"filter": {"custom_attribute": {"filters": list(filters)}}}, "limit": 100}
    spec.validate("SearchCustomersRequest", body)
    found: set[str] = set()
    while True:
        page = ok(client.post("/v2/customers/search", json=body), spec, "SearchCustomersResponse")
        found |= {c["id"] for c in page.get("customers", [])}
        if "cursor" not in page:
            return found
        body["cursor"] = page["cursor"]


def test_search_by_custom_attribute_values_of_every_type(client: httpx.Client, spec: OpenApiSpec,
                                                          emu: SquareEmulator) -> None:
    a, b, c = emu.customer_ids()[:3]
    for key, kind in (("s", "String"), ("e", "Email"), ("p", "PhoneNumber"), ("d", "Date"), ("n", "Number"),
                      ("b", "Boolean"), ("a", "Address")):
        create(client, spec, definition(key, {"$ref": COMMON + kind}))
    uids = create(client, spec, definition("sel", selection("Tea", "Coffee", "Chai")))["schema"]["items"]["enum"]
    for cid, values in ((a, {"s": "Flat White oat", "e": "ada@example.com", "p": "+12065550100", "d": "2026-03-01",
                             "n": "10.5", "b": True, "a": {"postal_code": "N1 9GU", "country": "GB"},
                             "sel": uids[:2]}),
                        (b, {"s": "Espresso", "e": "bob@example.org", "p": "+442079460000", "d": "2026-04-01",
                             "n": 3, "b": False, "a": {"postal_code": "10001", "country": "US"}, "sel": [uids[2]]})):
        for key, value in values.items():
            ok(upsert(client, cid, key, value), spec, "UpsertCustomerCustomAttributeResponse")

    def only(key: str, flt: dict[str, Any]) -> set[str]:
        return _search_ids(client, spec, {"key": key, "filter": flt}) & {a, b, c}

    assert only("s", {"text": {"fuzzy": "oat white"}}) == {a}
    assert only("s", {"text": {"exact": "espresso"}}) == {b}
    assert only("e", {"email": {"fuzzy": "example"}}) == {a, b}
    assert only("p", {"phone": {"exact": "+1 206 555 0100"}}) == {a}
    assert only("d", {"date": {"start_at": "2026-03-01", "end_at": "2026-03-31"}}) == {a}  # inclusive
    assert only("n", {"number": {"start_at": "3", "end_at": "10"}}) == {b}
    assert only("b", {"boolean": False}) == {b}
    assert only("a", {"address": {"country": "GB"}}) == {a}
    assert only("a", {"address": {"postal_code": {"exact": "10001"}}}) == {b}
    assert only("sel", {"selection": {"any": ["Chai", "Tea"]}}) == {a, b}
    assert only("sel", {"selection": {"all": ["Tea", "Coffee"]}}) == {a}
    both = _search_ids(client, spec, {"key": "b", "filter": {"boolean": True}},
                       {"key": "s", "updated_at": {"start_at": "1970-01-01T00:00:00Z"}})
    assert both & {a, b, c} == {a}


@pytest.mark.parametrize(("filters", "code"), [
    ([{"key": "account-manager"}], "MISSING_REQUIRED_PARAMETER"),
    ([{"key": "account-manager", "filter": {"boolean": True}}], "BAD_REQUEST"),
    ([{"key": "nope", "updated_at": {"start_at": "2020-01-01T00:00:00Z"}}], "BAD_REQUEST"),
    ([{"key": "account-manager", "filter": {"text": {"exact": "x"}}}] * 2, "BAD_REQUEST"),
    ([{"key": f"k{n}", "updated_at": {}} for n in range(11)], "ARRAY_LENGTH_TOO_LONG"),
    ([{"key": "loyalty-tier", "filter": {"selection": {"none": ["Gold"]}}}], "BAD_REQUEST"),
    ([{"key": "sq0idp-LoyaltyPartnerApp01:points-balance", "filter": {"number": {"start_at": "NaN"}}}],
     "INVALID_VALUE"),
    ([{"key": "tax-exempt-until", "filter": {"date": {"end_at": "2026-02-30"}}}], "INVALID_VALUE"),
])
def test_search_by_custom_attribute_refusals(client: httpx.Client, filters: list[Any], code: str) -> None:
    body = {"query": {"filter": {"custom_attribute": {"filters": filters}}}}
    failed(client.post("/v2/customers/search", json=body), 400, code)


def test_counting_holders_of_a_custom_attribute(client: httpx.Client, spec: OpenApiSpec, emu: SquareEmulator) -> None:
    holders = {cid for cid in emu.customer_ids() if "account-manager" in emu._attribute_values.get(cid, {})}
    body = {"limit": 1, "count": True, "query": {"filter": {"custom_attribute": {"filters": [
        {"key": "account-manager", "updated_at": {"start_at": "1970-01-01T00:00:00Z"}}]}}}}
    assert ok(client.post("/v2/customers/search", json=body), spec, "SearchCustomersResponse")["count"] == len(holders)
    assert holders
