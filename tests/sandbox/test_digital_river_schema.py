"""Digital River's emulator checks every request body against DR's request schema, nested objects included,
so whatever it accepts it later serves as a valid Customer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from console.sandbox.digital_river import DigitalRiverEmulator
from console.sandbox.digital_river.request_schema import SCHEMAS
from tests.support.openapi import SPECS, digital_river_spec

_SPEC_FILE = SPECS / "digital-river" / "customers-excerpt.openapi.json"
_VALID_CERTIFICATE = {"companyName": "Acme GmbH", "taxAuthority": "MN", "startDate": "2024-01-01T00:00:00Z",
                      "endDate": "2026-01-01T00:00:00Z", "fileId": "file_1"}


def _stripped(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _stripped(v) for k, v in node.items() if k not in ("description", "example", "title")}
    if isinstance(node, list):
        return [_stripped(item) for item in node]
    return node


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"].rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)


def test_the_emulators_table_is_the_specs_request_schemas() -> None:
    schemas = json.loads(_SPEC_FILE.read_text(encoding="utf-8"))["components"]["schemas"]
    paths = json.loads(_SPEC_FILE.read_text(encoding="utf-8"))["paths"]
    bodies = {op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
              for methods in paths.values() for op in methods.values() if "requestBody" in op}
    assert bodies == {"CustomerRequest", "UpdateCustomerRequest"}
    wanted, seen = list(bodies), set()
    while wanted:  # every schema a request body reaches
        name = wanted.pop()
        if name not in seen:
            seen.add(name)
            wanted.extend(_refs(schemas[name]))
    for name in seen:
        assert SCHEMAS[name] == _stripped(schemas[name]), name
    # TaxIdentifierRequest (POST /tax-identifiers) is outside the customers excerpt; it is the whole file's.
    assert set(SCHEMAS) == seen | {"TaxIdentifierRequest"}


# -- the defect that started this: a nested wrong type was stored and served -----------------------


@pytest.fixture
def dr() -> Iterator[tuple[DigitalRiverEmulator, httpx.Client]]:
    emulator = DigitalRiverEmulator(seed=1, customers=2)
    key = emulator.client_credentials()["secret_key"]
    with httpx.Client(transport=emulator.sync_transport(), base_url=emulator.base_url,
                      headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"}) as client:
        yield emulator, client


def _error(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 400, answer.text
    body = answer.json()
    digital_river_spec().validate("Errors", body)
    assert body["type"] == "bad_request"
    return dict(body["errors"][0])


def test_a_wrong_type_in_a_nested_object_is_400_and_not_stored(dr: tuple[DigitalRiverEmulator, httpx.Client]) -> None:
    emulator, client = dr
    before = len(client.get("/customers", params={"limit": 100}).json()["data"])
    error = _error(client.post("/customers", json={"id": "c1", "shipping": {"organization": False}}))
    assert error["code"] == "invalid_parameter" and error["parameter"] == "shipping.organization"
    assert "string" in error["message"] and emulator.customer("c1") is None
    assert len(client.get("/customers", params={"limit": 100}).json()["data"]) == before
    made = client.post("/customers", json={"id": "c2", "shipping": {"organization": "Acme"}})
    assert made.status_code == 201
    for body, code, parameter in [
        ({"shipping": {"organization": False}}, "invalid_parameter", "shipping.organization"),
        ({"shipping": {"address": {"country": "US", "line2": None}}}, "invalid_parameter", "shipping.address.line2"),
        ({"shipping": {"address": {"city": "Paris"}}}, "missing_parameter", "shipping.address.country"),
        ({"shipping": {"additionalAddressInfo": {"division": 3}}}, "invalid_parameter",
         "shipping.additionalAddressInfo.division"),
        ({"shipping": {"address": {"country": "US", "floor": "3"}}}, "unknown_parameter", "shipping.address.floor"),
        ({"shipping": {"email": "not-an-email"}}, "email_invalid", "shipping.email"),
        ({"taxCertificate": {**_VALID_CERTIFICATE, "endDate": "next year"}}, "invalid_parameter",
         "taxCertificate.endDate"),
        ({"taxCertificate": {"companyName": "Acme"}}, "missing_parameter", "taxCertificate.endDate"),
        ({"enabled": None}, "invalid_parameter", "enabled"),
        ({"enabled": "yes"}, "invalid_boolean", "enabled"),
        ({"type": "person"}, "invalid_parameter", "type"),
    ]:
        error = _error(client.post("/customers/c2", json=body))
        assert (error["code"], error["parameter"]) == (code, parameter), (body, error)
    assert emulator.customer("c2")["shipping"] == {"organization": "Acme"}


def test_every_problem_is_listed(dr: tuple[DigitalRiverEmulator, httpx.Client]) -> None:
    _, client = dr
    answer = client.post("/customers", json={"email": 7, "shipping": {"name": 1, "address": {}}, "colour": "red"})
    errors = answer.json()["errors"]
    assert [(e["code"], e["parameter"]) for e in errors] == [
        ("invalid_parameter", "email"), ("invalid_parameter", "shipping.name"),
        ("missing_parameter", "shipping.address.country"), ("unknown_parameter", "colour")]


def test_tax_certificates_given_are_kept_and_served(dr: tuple[DigitalRiverEmulator, httpx.Client]) -> None:
    _, client = dr
    made = client.post("/customers", json={"id": "tc", "taxCertificate": _VALID_CERTIFICATE})
    assert made.status_code == 201 and made.json()["taxCertificates"] == [_VALID_CERTIFICATE]
    second = {**_VALID_CERTIFICATE, "fileId": "file_2"}
    changed = client.post("/customers/tc", json={"taxCertificate": second})
    assert changed.json()["taxCertificates"] == [_VALID_CERTIFICATE, second]
    digital_river_spec().validate("Customer", changed.json())


def test_a_tax_identifier_body_is_checked_too(dr: tuple[DigitalRiverEmulator, httpx.Client]) -> None:
    _, client = dr
    assert _error(client.post("/tax-identifiers", json={"type": "de"}))["parameter"] == "value"
    assert _error(client.post("/tax-identifiers", json={"type": "de", "value": 123}))["parameter"] == "value"
    assert _error(client.post("/tax-identifiers", json={"type": "de", "value": "DE1", "x": 1}))["parameter"] == "x"
    assert client.post("/tax-identifiers", json={"type": "de", "value": "DE123456789"}).status_code == 201


# -- the property: whatever is accepted is served back valid -----------------------------------------

_scalars = (st.none() | st.booleans() | st.integers(-(2 ** 53), 2 ** 53)
            | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
_anything = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
# Mostly valid, sometimes not: the property needs many accepted bodies as well as refused ones.
_PLAUSIBLE_STRINGS = {
    "email": st.sampled_from(["ada@example.com", "b.c@example.org", "d@example.net", "nope"]),
    "date-time": st.sampled_from(["2024-01-01T00:00:00Z", "2025-06-30T12:00:00+02:00", "2024-01-01T00:00:00.5Z",
                                  "2024-02-30T00:00:00Z", "soon"]),
}
_NAMED_STRINGS = {
    "id": st.text(st.sampled_from("abc-_019/ é"), min_size=1, max_size=42),
    "locale": st.sampled_from(["en_US", "de_DE", "ja_JP", "english"]),
    "country": st.sampled_from(["US", "DE", "JP", "us"]),
    "defaultSourceId": st.sampled_from(["src_1", ""]),
}


def _plausible(schema: dict[str, Any], name: str = "") -> st.SearchStrategy[Any]:
    """Values shaped like `schema` (often valid, sometimes not), mixed with arbitrary JSON."""
    if "$ref" in schema:
        return _plausible(SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]], name)
    kind = schema.get("type")
    if "enum" in schema:
        shaped: st.SearchStrategy[Any] = st.sampled_from([*schema["enum"], "other"])
    elif kind == "object" and "properties" in schema:
        required = {k: _plausible(v, k) for k, v in schema["properties"].items() if k in schema.get("required", [])}
        optional = {k: _plausible(v, k) for k, v in schema["properties"].items() if k not in required}
        shaped = st.fixed_dictionaries(required, optional=optional)
    elif kind == "object":
        shaped = st.dictionaries(st.text(max_size=45), _scalars | _anything, max_size=4)
    elif kind == "boolean":
        shaped = st.booleans()
    elif name in _NAMED_STRINGS:
        shaped = _NAMED_STRINGS[name]
    else:
        shaped = _PLAUSIBLE_STRINGS.get(schema.get("format", ""), st.text(max_size=20))
    return st.one_of(*[shaped] * 7, _anything)


def _body(schema_name: str) -> st.SearchStrategy[Any]:
    shaped = _plausible(SCHEMAS[schema_name])
    with_extra = st.builds(lambda body, extra: {**body, **extra} if isinstance(body, dict) else body, shaped,
                           st.dictionaries(st.text(max_size=6), _anything, max_size=2))
    return st.one_of(shaped, shaped, shaped, with_extra, _anything)


def _send(client: httpx.Client, url: str, body: Any) -> httpx.Response:
    # json.dumps escapes lone surrogates (\\ud800), as a client in another language might send them.
    return client.post(url, content=json.dumps(body).encode())


def _served(answer: httpx.Response, schema: str) -> bool:
    """Check an answer: a 2xx against the response schema, anything else as DR's Errors; whether it was 2xx."""
    if answer.is_success:
        if schema == "list":
            page = answer.json()
            assert set(page) == {"hasMore", "data"} and isinstance(page["hasMore"], bool) and len(page["data"]) <= 100
            for customer in page["data"]:
                digital_river_spec().validate("Customer", customer)
        else:
            digital_river_spec().validate(schema, answer.json())
        return True
    assert answer.status_code in (400, 404, 405, 409), answer.text
    digital_river_spec().validate("Errors", answer.json())
    return False


@settings(max_examples=200, deadline=None)
@given(create=_body("CustomerRequest"), update=_body("UpdateCustomerRequest"))
@example(create={"shipping": {"organization": False}}, update={"shipping": {"organization": False}})
@example(create={"id": "x" * 40, "email": "a@example.com"}, update={"shipping": {"name": None, "phone": None}})
@example(create={"id": "x" * 41}, update={"shipping": {"address": {"country": "US", "line2": None}}})
@example(create={"shipping": {"address": {"country": "US", "line1": None, "city": None}}},
         update={"shipping": {"additionalAddressInfo": {"division": None, "neighborhood": 3}}})
@example(create={"taxCertificate": _VALID_CERTIFICATE}, update={"taxCertificate": {"companyName": "Acme"}})
@example(create={"metadata": {"k": {"nested": 1}}}, update={"metadata": {"k": 1.5}})
@example(create={"email": "\ud800@example.com"}, update={"shipping": {"name": "\udfff"}, "\ud800": 1})
@example(create={"enabled": None, "type": None}, update={"requestToBeForgotten": None, "locale": None})
@example(create=[], update="text")
@example(create={"id": "/"}, update={})   # an id that is a slash: one path segment when encoded
def test_whatever_is_accepted_is_served_as_a_valid_customer(create: Any, update: Any) -> None:
    emulator = DigitalRiverEmulator(seed=1, customers=2)
    key = emulator.client_credentials()["secret_key"]
    with httpx.Client(transport=emulator.sync_transport(), base_url=emulator.base_url,
                      headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"}) as client:
        made = _send(client, "/customers", create)
        target = made.json()["id"] if _served(made, "Customer") else client.get("/customers").json()["data"][0]["id"]
        url = f"/customers/{quote(target, safe='')}"
        changed = _send(client, url, update)
        _served(changed, "Customer")
        event(f"create {made.status_code}, update {changed.status_code}")
        _served(client.get(url), "Customer")
        _served(client.get("/customers", params={"limit": 100}), "list")
