"""Square emulator: bulk endpoints, customer groups and segments."""

from __future__ import annotations

import httpx
import pytest

from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import failed, ok
from tests.support.openapi import OpenApiSpec


def add(client: httpx.Client, **fields: object) -> dict:
    response = client.post("/v2/customers", json=fields)
    assert response.status_code == 200, response.text
    return response.json()["customer"]


# -- bulk -----------------------------------------------------------------------------------------


def test_bulk_create_with_mixed_results(client: httpx.Client, emu: SquareEmulator, spec: OpenApiSpec) -> None:
    before = len(emu.customer_ids())
    body = {"customers": {"key-ok": {"given_name": "Bulk", "email_address": "bulk@example.com"},
                          "key-bad-email": {"given_name": "Bulk", "email_address": "nope"},
                          "key-nothing": {"note": "no identity"},
                          "key-unknown": {"given_name": "X", "idempotency_key": "inner"}}}
    response = client.post("/v2/customers/bulk-create", json=body)
    responses = ok(response, spec, "BulkCreateCustomersResponse")["responses"]
    assert set(responses) == set(body["customers"])
    assert responses["key-ok"]["customer"]["email_address"] == "bulk@example.com"
    assert responses["key-ok"]["customer"]["version"] == 0
    assert responses["key-bad-email"]["errors"][0]["code"] == "INVALID_EMAIL_ADDRESS"
    assert responses["key-nothing"]["errors"][0]["code"] == "MISSING_REQUIRED_PARAMETER"
    assert responses["key-unknown"]["errors"][0]["code"] == "UNKNOWN_BODY_PARAMETER"
    assert len(emu.customer_ids()) == before + 1
    # The map keys are idempotency keys: sending the same batch again creates nothing new.
    again = client.post("/v2/customers/bulk-create", json=body).json()["responses"]
    assert again["key-ok"] == responses["key-ok"]
    assert len(emu.customer_ids()) == before + 1
    reused = client.post("/v2/customers/bulk-create", json={"customers": {"key-ok": {"given_name": "Else"}}})
    assert reused.json()["responses"]["key-ok"]["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_bulk_update_with_mixed_results(client: httpx.Client, spec: OpenApiSpec) -> None:
    a, b, c = (add(client, given_name=name) for name in ("A", "B", "C"))
    body = {"customers": {a["id"]: {"note": "ok", "version": 0},
                          b["id"]: {"note": "stale", "version": 7},
                          c["id"]: {"email_address": "broken"},
                          "MISSING": {"note": "x"}}}
    response = client.post("/v2/customers/bulk-update", json=body)
    assert response.status_code == 200  # per-item failures never fail the batch
    responses = response.json()["responses"]
    # VERSION_MISMATCH is missing from the spec's ErrorCode enum, so check the rest against the schema.
    spec.validate("BulkUpdateCustomersResponse", {"responses": {k: v for k, v in responses.items() if k != b["id"]}})
    assert responses[a["id"]]["customer"]["note"] == "ok" and responses[a["id"]]["customer"]["version"] == 1
    assert responses[b["id"]]["errors"][0]["code"] == "VERSION_MISMATCH"
    assert responses[c["id"]]["errors"][0]["code"] == "INVALID_EMAIL_ADDRESS"
    assert responses["MISSING"]["errors"][0] == {"category": "INVALID_REQUEST_ERROR", "code": "NOT_FOUND",
                                                 "detail": "Customer with ID `MISSING` not found."}
    assert client.get(f"/v2/customers/{b['id']}").json()["customer"]["version"] == 0


def test_bulk_retrieve_and_delete(client: httpx.Client, spec: OpenApiSpec) -> None:
    a, b = add(client, given_name="RA"), add(client, given_name="RB")
    ids = [a["id"], b["id"], "GONE"]
    retrieved = ok(client.post("/v2/customers/bulk-retrieve", json={"customer_ids": ids}), spec,
                   "BulkRetrieveCustomersResponse")["responses"]
    assert retrieved[a["id"]]["customer"] == a and retrieved[b["id"]]["customer"] == b
    assert retrieved["GONE"]["errors"][0]["code"] == "NOT_FOUND"
    deleted = ok(client.post("/v2/customers/bulk-delete", json={"customer_ids": ids}), spec,
                 "BulkDeleteCustomersResponse")["responses"]
    assert deleted[a["id"]] == {} and deleted[b["id"]] == {}
    assert deleted["GONE"]["errors"][0]["code"] == "NOT_FOUND"
    failed(client.get(f"/v2/customers/{a['id']}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(("path", "body", "code"), [
    ("bulk-retrieve", {"customer_ids": []}, "ARRAY_EMPTY"),
    ("bulk-retrieve", {"customer_ids": [f"ID{i}" for i in range(101)]}, "ARRAY_LENGTH_TOO_LONG"),
    ("bulk-delete", {"customer_ids": [f"ID{i}" for i in range(101)]}, "ARRAY_LENGTH_TOO_LONG"),
    ("bulk-delete", {}, "MISSING_REQUIRED_PARAMETER"),
    ("bulk-delete", {"customer_ids": "A,B"}, "EXPECTED_ARRAY"),
    ("bulk-create", {"customers": {}}, "VALUE_EMPTY"),
    ("bulk-create", {"customers": {f"k{i}": {"given_name": "N"} for i in range(101)}}, "TOO_MANY_MAP_ENTRIES"),
    ("bulk-update", {"customers": [{"given_name": "N"}]}, "EXPECTED_MAP"),
    ("bulk-update", {"customers": {"A": {}}, "extra": 1}, "UNKNOWN_BODY_PARAMETER"),
])
def test_bulk_batch_errors(client: httpx.Client, emu: SquareEmulator, path: str, body: dict, code: str) -> None:
    before = len(emu.customer_ids())
    failed(client.post(f"/v2/customers/{path}", json=body), 400, code)
    assert len(emu.customer_ids()) == before


def test_bulk_limits_accept_exactly_100(client: httpx.Client, emu: SquareEmulator) -> None:
    body = {"customers": {f"k{i}": {"given_name": f"N{i}"} for i in range(100)}}
    responses = client.post("/v2/customers/bulk-create", json=body).json()["responses"]
    assert all("customer" in item for item in responses.values()) and len(responses) == 100
    ids = [item["customer"]["id"] for item in responses.values()]
    assert len(client.post("/v2/customers/bulk-retrieve", json={"customer_ids": ids}).json()["responses"]) == 100


# -- groups ---------------------------------------------------------------------------------------


def test_seeded_groups_and_membership(client: httpx.Client, emu: SquareEmulator, spec: OpenApiSpec) -> None:
    groups = ok(client.get("/v2/customers/groups"), spec, "ListCustomerGroupsResponse")["groups"]
    names = {g["name"] for g in groups}
    assert {"VIP", "Wholesale", "Newsletter"} <= names and len(groups) == 6
    members = [c for c in client.get("/v2/customers").json()["customers"] if c.get("group_ids")]
    assert 0.1 < len(members) / 60 < 0.5
    assert all(1 <= len(c["group_ids"]) <= 2 and set(c["group_ids"]) <= {g["id"] for g in groups} for c in members)


def test_group_lifecycle(client: httpx.Client, spec: OpenApiSpec) -> None:
    created = ok(client.post("/v2/customers/groups", json={"idempotency_key": "g1", "group": {"name": "Regulars"}}),
                 spec, "CreateCustomerGroupResponse")["group"]
    assert created["name"] == "Regulars" and created["created_at"] == created["updated_at"]
    replay = client.post("/v2/customers/groups", json={"idempotency_key": "g1", "group": {"name": "Regulars"}})
    assert replay.json()["group"] == created
    gid = created["id"]
    assert ok(client.get(f"/v2/customers/groups/{gid}"), spec, "RetrieveCustomerGroupResponse")["group"] == created
    renamed = ok(client.put(f"/v2/customers/groups/{gid}", json={"group": {"name": "Best"}}), spec,
                 "UpdateCustomerGroupResponse")["group"]
    assert renamed["name"] == "Best" and renamed["updated_at"] > created["updated_at"]
    assert ok(client.delete(f"/v2/customers/groups/{gid}"), spec, "DeleteCustomerGroupResponse") == {}
    failed(client.get(f"/v2/customers/groups/{gid}"), 404, "NOT_FOUND")


def test_group_validation(client: httpx.Client) -> None:
    failed(client.post("/v2/customers/groups", json={}), 400, "MISSING_REQUIRED_PARAMETER", "group")
    failed(client.post("/v2/customers/groups", json={"group": {"name": " "}}), 400, "MISSING_REQUIRED_PARAMETER",
           "group.name")
    failed(client.post("/v2/customers/groups", json={"group": {"name": "A", "colour": "red"}}), 400,
           "UNKNOWN_BODY_PARAMETER", "group.colour")
    failed(client.put("/v2/customers/groups/NOPE", json={"group": {"name": "A"}}), 404, "NOT_FOUND")


def test_group_paging(client: httpx.Client, spec: OpenApiSpec) -> None:
    for i in range(5):
        client.post("/v2/customers/groups", json={"group": {"name": f"Extra {i}"}})
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        body = ok(client.get("/v2/customers/groups", params=params), spec, "ListCustomerGroupsResponse")
        seen.extend(g["id"] for g in body["groups"])
        cursor = body.get("cursor")
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 11
    failed(client.get("/v2/customers/groups", params={"limit": 51}), 400, "VALUE_TOO_HIGH", "limit")
    failed(client.get("/v2/customers/groups", params={"limit": 0}), 400, "VALUE_TOO_LOW", "limit")


def test_add_and_remove_group_bump_the_version(client: httpx.Client, spec: OpenApiSpec) -> None:
    customer = add(client, given_name="Member")
    gid = client.post("/v2/customers/groups", json={"group": {"name": "New"}}).json()["group"]["id"]
    url = f"/v2/customers/{customer['id']}/groups/{gid}"
    assert ok(client.put(url), spec, "AddGroupToCustomerResponse") == {}
    after_add = client.get(f"/v2/customers/{customer['id']}").json()["customer"]
    assert after_add["group_ids"] == [gid] and after_add["version"] == 1
    client.put(url)  # already a member: nothing is committed
    assert client.get(f"/v2/customers/{customer['id']}").json()["customer"]["version"] == 1
    failed(client.put(f"/v2/customers/{customer['id']}", json={"note": "n", "version": 0}), 400, "VERSION_MISMATCH")
    assert ok(client.delete(url), spec, "RemoveGroupFromCustomerResponse") == {}
    after_remove = client.get(f"/v2/customers/{customer['id']}").json()["customer"]
    assert "group_ids" not in after_remove and after_remove["version"] == 2


def test_group_membership_errors(client: httpx.Client) -> None:
    customer = add(client, given_name="Solo")
    gid = client.get("/v2/customers/groups").json()["groups"][0]["id"]
    failed(client.put(f"/v2/customers/NOPE/groups/{gid}"), 404, "NOT_FOUND")
    failed(client.put(f"/v2/customers/{customer['id']}/groups/NOPE"), 404, "NOT_FOUND")
    failed(client.delete(f"/v2/customers/{customer['id']}/groups/NOPE"), 404, "NOT_FOUND")


def test_deleting_a_group_removes_it_from_members(client: httpx.Client, emu: SquareEmulator) -> None:
    gid = client.post("/v2/customers/groups", json={"group": {"name": "Temp"}}).json()["group"]["id"]
    customer = add(client, given_name="Temp member")
    client.put(f"/v2/customers/{customer['id']}/groups/{gid}")
    client.delete(f"/v2/customers/groups/{gid}")
    after = client.get(f"/v2/customers/{customer['id']}").json()["customer"]
    assert "group_ids" not in after and after["version"] == 2
    assert all(gid not in (emu.customer(cid) or {}).get("group_ids", ()) for cid in emu.customer_ids())


# -- segments -------------------------------------------------------------------------------------


def test_segments(client: httpx.Client, spec: OpenApiSpec) -> None:
    segments = ok(client.get("/v2/customers/segments"), spec, "ListCustomerSegmentsResponse")["segments"]
    assert {s["name"] for s in segments} == {"Lapsed", "Regulars", "Reachable"}
    first = segments[0]
    assert ok(client.get(f"/v2/customers/segments/{first['id']}"), spec,
              "RetrieveCustomerSegmentResponse")["segment"] == first
    failed(client.get("/v2/customers/segments/NOPE"), 404, "NOT_FOUND")
    page = client.get("/v2/customers/segments", params={"limit": 2}).json()
    assert len(page["segments"]) == 2 and page["cursor"]
