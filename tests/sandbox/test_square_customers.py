"""Square emulator: auth, single-customer endpoints, validation rules, versions and idempotency."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import HEADERS, failed, ok
from tests.support.openapi import OpenApiSpec

ADA = {"given_name": "Ada", "family_name": "Lovelace", "email_address": "ada@example.com",
       "phone_number": "+44 20 7946 0000", "birthday": "12-10", "reference_id": "CRM-1001",
       "address": {"address_line_1": "12 Main St", "locality": "London", "postal_code": "N1 9GU", "country": "GB",
                   "first_name": "ignored", "last_name": "ignored"}}


def create(client: httpx.Client, **fields: object) -> dict:
    response = client.post("/v2/customers", json=fields)
    assert response.status_code == 200, response.text
    return response.json()["customer"]


# -- authentication and headers -------------------------------------------------------------------


def test_missing_authorization_is_401_unauthorized(emu: SquareEmulator) -> None:
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as bare:
        error = failed(bare.get("/v2/customers"), 401, "UNAUTHORIZED")
    assert error["category"] == "AUTHENTICATION_ERROR"


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer   ", "token-without-scheme"])
def test_malformed_authorization_is_401(emu: SquareEmulator, header: str) -> None:
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as bare:
        error = failed(bare.get("/v2/customers", headers={"Authorization": header}), 401, "UNAUTHORIZED")
    assert "malformed" in error["detail"]


def test_fixed_token_rejects_others_and_accepts_itself() -> None:
    emu = SquareEmulator(customers=3, credentials={"token": "right"})
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as bare:
        failed(bare.get("/v2/customers", headers={"Authorization": "Bearer wrong"}), 401, "UNAUTHORIZED")
        assert bare.get("/v2/customers", headers={"Authorization": "Bearer right"}).status_code == 200
    assert emu.connection_info("http://x")["token"] == "right"


def test_unfixed_credentials_invent_an_accepted_demo_token(emu: SquareEmulator) -> None:
    info = emu.connection_info("http://127.0.0.1:1")
    assert info["provider"] == "square" and info["base_url"] == "http://127.0.0.1:1"
    assert info["token"].startswith("EAAA-demo-")
    assert info == SquareEmulator(seed=7, customers=1).connection_info("http://127.0.0.1:1")  # stable per seed
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as bare:
        assert bare.get("/v2/customers", headers={"Authorization": f"Bearer {info['token']}"}).status_code == 200


def test_square_version_header_must_be_a_date(client: httpx.Client) -> None:
    failed(client.get("/v2/customers", headers={"Square-Version": "latest"}), 400, "INVALID_SQUARE_VERSION_FORMAT")
    assert client.get("/v2/customers", headers={"Square-Version": "2026-09-16"}).status_code == 200
    no_version = {"Authorization": HEADERS["Authorization"]}
    with httpx.Client(transport=client._transport, base_url=str(client.base_url), headers=no_version) as c:
        assert c.get("/v2/customers").status_code == 200


def test_unknown_endpoint_is_404(client: httpx.Client) -> None:
    error = failed(client.get("/v2/customers/search"), 404, "NOT_FOUND")
    assert "/v2/customers/search" in error["detail"] and "GET" in error["detail"]
    failed(client.get("/v2/payments"), 404, "NOT_FOUND")
    failed(client.patch("/v2/customers/ABC", json={}), 404, "NOT_FOUND")


# -- create ---------------------------------------------------------------------------------------


def test_create_returns_a_new_profile_as_square_does(client: httpx.Client, spec: OpenApiSpec) -> None:
    body = ok(client.post("/v2/customers", json={"idempotency_key": "k1", **ADA}), spec, "CreateCustomerResponse")
    customer = body["customer"]
    assert re.fullmatch(r"[A-Z0-9]{26}", customer["id"])
    assert customer["version"] == 0
    assert customer["creation_source"] == "THIRD_PARTY"
    assert customer["preferences"] == {"email_unsubscribed": False}
    assert customer["birthday"] == "0000-12-10"
    assert customer["phone_number"] == "+44 20 7946 0000"  # kept as entered
    assert customer["address"] == {"address_line_1": "12 Main St", "locality": "London", "postal_code": "N1 9GU",
                                   "country": "GB"}  # first/last name ignored
    assert customer["created_at"] == customer["updated_at"]
    assert "group_ids" not in customer and "nickname" not in customer  # empty fields are omitted, not null
    ok(client.get(f"/v2/customers/{customer['id']}"), spec, "RetrieveCustomerResponse")


@pytest.mark.parametrize("fields", [{"given_name": "A"}, {"family_name": "B"}, {"company_name": "C"},
                                    {"email_address": "c@example.com"}, {"phone_number": "2065550100"}])
def test_any_one_identity_field_is_enough(client: httpx.Client, fields: dict) -> None:
    assert create(client, **fields)


@pytest.mark.parametrize("fields", [{}, {"note": "only a note"}, {"given_name": "", "reference_id": "R-1"},
                                    {"given_name": None}])
def test_create_without_identity_field_is_400(client: httpx.Client, fields: dict) -> None:
    failed(client.post("/v2/customers", json=fields), 400, "MISSING_REQUIRED_PARAMETER")


@pytest.mark.parametrize(("field", "limit"), [("given_name", 300), ("family_name", 300), ("company_name", 500),
                                              ("nickname", 100), ("reference_id", 100)])
def test_length_limits(client: httpx.Client, field: str, limit: int) -> None:
    assert create(client, **{"company_name": "X", field: "a" * limit})[field] == "a" * limit
    failed(client.post("/v2/customers", json={"company_name": "X", field: "a" * (limit + 1)}), 400,
           "VALUE_TOO_LONG", field)


def test_email_length_and_syntax(client: httpx.Client) -> None:
    long_local = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".example.com"  # over 254 characters
    assert len(long_local) > 254
    failed(client.post("/v2/customers", json={"email_address": long_local}), 400, "VALUE_TOO_LONG", "email_address")
    for bad in ("not-an-email", "a@b", "two@@example.com", "spaces in@example.com"):
        failed(client.post("/v2/customers", json={"email_address": bad}), 400, "INVALID_EMAIL_ADDRESS",
               "email_address")
    assert create(client, email_address="o'brien@mail.example.org")["email_address"] == "o'brien@mail.example.org"


@pytest.mark.parametrize("phone", ["12345678", "+1 (206) 555", "1234567890123456789", "call me", "206-555-01x0",
                                   "20+6555-0100"])
def test_invalid_phone_numbers(client: httpx.Client, phone: str) -> None:
    failed(client.post("/v2/customers", json={"given_name": "P", "phone_number": phone}), 400, "INVALID_PHONE_NUMBER",
           "phone_number")


@pytest.mark.parametrize("phone", ["206555010", "(206) 555-0100", "+1 206-555-0100", "+44 20 7946 0123",
                                   "+4915123456789012"])
def test_valid_phone_numbers(client: httpx.Client, phone: str) -> None:
    assert create(client, phone_number=phone)["phone_number"] == phone


@pytest.mark.parametrize(("given", "stored"), [("1998-09-21", "1998-09-21"), ("09-21", "0000-09-21"),
                                               ("02-29", "0000-02-29"), ("2000-02-29", "2000-02-29")])
def test_birthday_formats(client: httpx.Client, given: str, stored: str) -> None:
    assert create(client, given_name="B", birthday=given)["birthday"] == stored


@pytest.mark.parametrize("birthday", ["1998/09/21", "21-09-1998", "13-01", "2023-02-29", "09-31", "yesterday"])
def test_invalid_birthdays_are_invalid_time(client: httpx.Client, birthday: str) -> None:
    failed(client.post("/v2/customers", json={"given_name": "B", "birthday": birthday}), 400, "INVALID_TIME",
           "birthday")


def test_tax_ids(client: httpx.Client) -> None:
    vat = {"eu_vat": "IE3426675K"}
    assert create(client, company_name="VAT Co", tax_ids=vat)["tax_ids"] == vat
    failed(client.post("/v2/customers", json={"company_name": "V", "tax_ids": {"eu_vat": "X" * 21}}), 400,
           "VALUE_TOO_LONG", "tax_ids.eu_vat")
    failed(client.post("/v2/customers", json={"company_name": "V", "tax_ids": {"eu_vat": "IE-34"}}), 400,
           "INVALID_VALUE", "tax_ids.eu_vat")


def test_unknown_and_read_only_fields_are_refused(client: httpx.Client) -> None:
    failed(client.post("/v2/customers", json={"given_name": "U", "favourite_colour": "red"}), 400,
           "UNKNOWN_BODY_PARAMETER", "favourite_colour")
    failed(client.post("/v2/customers", json={"given_name": "U", "version": 4}), 400, "UNKNOWN_BODY_PARAMETER",
           "version")
    failed(client.post("/v2/customers", json={"given_name": "U", "address": {"street": "x"}}), 400,
           "UNKNOWN_BODY_PARAMETER", "address.street")


def test_wrong_types_and_bodies(client: httpx.Client) -> None:
    failed(client.post("/v2/customers", json={"given_name": 5}), 400, "EXPECTED_STRING", "given_name")
    failed(client.post("/v2/customers", json={"given_name": "T", "address": "12 Main St"}), 400, "EXPECTED_OBJECT",
           "address")
    failed(client.post("/v2/customers", json={"given_name": "T", "address": {"country": "XX"}}), 400,
           "INVALID_ENUM_VALUE", "address.country")
    failed(client.post("/v2/customers", content=b"{not json"), 400, "EXPECTED_JSON_BODY")
    failed(client.post("/v2/customers", content=b""), 400, "EXPECTED_JSON_BODY")
    failed(client.post("/v2/customers", json=["given_name"]), 400, "EXPECTED_OBJECT")


def test_every_problem_is_reported_at_once(client: httpx.Client) -> None:
    response = client.post("/v2/customers", json={"email_address": "nope", "phone_number": "1", "nickname": "n" * 101})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"email_address", "phone_number", "nickname"}


def test_idempotent_create(client: httpx.Client, emu: SquareEmulator) -> None:
    before = len(emu.customer_ids())
    first = client.post("/v2/customers", json={"idempotency_key": "same", **ADA}).json()
    again = client.post("/v2/customers", json={"idempotency_key": "same", **ADA}).json()
    assert again == first
    assert len(emu.customer_ids()) == before + 1
    failed(client.post("/v2/customers", json={"idempotency_key": "same", **ADA, "given_name": "Augusta"}), 400,
           "IDEMPOTENCY_KEY_REUSED")
    other = client.post("/v2/customers", json={"idempotency_key": "other", **ADA}).json()
    assert other["customer"]["id"] != first["customer"]["id"]  # duplicates are allowed, as on Square
    assert len(emu.customer_ids()) == before + 2


def test_a_refused_create_does_not_burn_its_idempotency_key(client: httpx.Client) -> None:
    failed(client.post("/v2/customers", json={"idempotency_key": "k", "email_address": "bad"}), 400,
           "INVALID_EMAIL_ADDRESS")
    assert client.post("/v2/customers", json={"idempotency_key": "k", "email_address": "good@example.com"}
                       ).status_code == 200


# -- retrieve, update, delete ---------------------------------------------------------------------


def test_retrieve_unknown_is_404_with_squares_detail(client: httpx.Client, spec: OpenApiSpec) -> None:
    response = client.get("/v2/customers/NOPE")
    error = failed(response, 404, "NOT_FOUND")
    assert error["detail"] == "Customer with ID `NOPE` not found."
    assert error["category"] == "INVALID_REQUEST_ERROR"
    spec.validate("RetrieveCustomerResponse", response.json())


def test_update_is_sparse_and_bumps_version(client: httpx.Client, emu: SquareEmulator, spec: OpenApiSpec) -> None:
    original = create(client, **ADA)
    emu.now = lambda: datetime(2030, 1, 1, tzinfo=UTC)  # type: ignore[method-assign]
    body = ok(client.put(f"/v2/customers/{original['id']}",
                         json={"email_address": "new@example.com", "phone_number": None, "version": 0}),
              spec, "UpdateCustomerResponse")
    updated = body["customer"]
    assert updated["version"] == 1
    assert updated["email_address"] == "new@example.com"
    assert "phone_number" not in updated
    assert updated["given_name"] == "Ada" and updated["reference_id"] == "CRM-1001"  # untouched fields stay
    assert updated["updated_at"] == "2030-01-01T00:00:00.000Z" and updated["created_at"] == original["created_at"]
    assert client.get(f"/v2/customers/{original['id']}").json()["customer"] == updated


def test_update_clears_with_empty_string_and_merges_address(client: httpx.Client) -> None:
    customer = create(client, **ADA)
    updated = client.put(f"/v2/customers/{customer['id']}",
                         json={"reference_id": "", "address": {"locality": "Oxford", "postal_code": None}}
                         ).json()["customer"]
    assert "reference_id" not in updated
    assert updated["address"] == {"address_line_1": "12 Main St", "locality": "Oxford", "country": "GB"}
    updated = client.put(f"/v2/customers/{customer['id']}", json={"address": None}).json()["customer"]
    assert "address" not in updated and updated["version"] == 2


def test_update_without_version_is_last_write_wins(client: httpx.Client) -> None:
    customer = create(client, given_name="Lw")
    client.put(f"/v2/customers/{customer['id']}", json={"note": "one"})
    updated = client.put(f"/v2/customers/{customer['id']}", json={"note": "two"}).json()["customer"]
    assert updated["version"] == 2 and updated["note"] == "two"


def test_stale_version_is_version_mismatch_and_changes_nothing(client: httpx.Client) -> None:
    customer = create(client, given_name="V")
    client.put(f"/v2/customers/{customer['id']}", json={"note": "first", "version": 0})
    error = failed(client.put(f"/v2/customers/{customer['id']}", json={"note": "stale", "version": 0}), 400,
                   "VERSION_MISMATCH")
    assert error["category"] == "INVALID_REQUEST_ERROR"
    current = client.get(f"/v2/customers/{customer['id']}").json()["customer"]
    assert current["note"] == "first" and current["version"] == 1


def test_update_validation(client: httpx.Client) -> None:
    customer = create(client, given_name="Val", email_address="v@example.com")
    url = f"/v2/customers/{customer['id']}"
    failed(client.put(url, json={"email_address": "bad"}), 400, "INVALID_EMAIL_ADDRESS", "email_address")
    failed(client.put(url, json={"given_name": "g" * 301}), 400, "VALUE_TOO_LONG", "given_name")
    failed(client.put(url, json={"version": "1"}), 400, "EXPECTED_INTEGER", "version")
    failed(client.put(url, json={"id": "OTHER"}), 400, "UNKNOWN_BODY_PARAMETER", "id")
    # Removing the last identity fields would leave a profile Square cannot list.
    failed(client.put(url, json={"given_name": None, "email_address": None}), 400, "MISSING_REQUIRED_PARAMETER")
    failed(client.put("/v2/customers/NOPE", json={"note": "x"}), 404, "NOT_FOUND")
    assert client.get(url).json()["customer"]["version"] == 0


def test_delete(client: httpx.Client, spec: OpenApiSpec) -> None:
    customer = create(client, given_name="Del")
    url = f"/v2/customers/{customer['id']}"
    failed(client.delete(url, params={"version": 3}), 400, "VERSION_MISMATCH")
    failed(client.delete(url, params={"version": "x"}), 400, "EXPECTED_INTEGER", "version")
    body = ok(client.delete(url, params={"version": 0}), spec, "DeleteCustomerResponse")
    assert body == {}
    failed(client.get(url), 404, "NOT_FOUND")
    failed(client.delete(url), 404, "NOT_FOUND")


def test_delete_without_version(client: httpx.Client) -> None:
    customer = create(client, given_name="Del2")
    assert client.delete(f"/v2/customers/{customer['id']}").json() == {}


def test_updated_at_moves_forward_even_when_the_clock_does_not(client: httpx.Client, emu: SquareEmulator) -> None:
    frozen = datetime(2031, 5, 5, tzinfo=UTC)
    emu.now = lambda: frozen  # type: ignore[method-assign]
    customer = create(client, given_name="Clock")
    updated = client.put(f"/v2/customers/{customer['id']}", json={"note": "n"}).json()["customer"]
    assert updated["updated_at"] > customer["updated_at"]
    assert updated["updated_at"] == (frozen + timedelta(milliseconds=1)).isoformat(timespec="milliseconds"
                                                                                   ).replace("+00:00", "Z")


def test_unknown_query_parameters_are_refused(client: httpx.Client) -> None:
    customer = create(client, given_name="Q")
    failed(client.get(f"/v2/customers/{customer['id']}", params={"expand": "all"}), 400, "UNKNOWN_QUERY_PARAMETER",
           "expand")
