"""Checks that an emulator's refusal is in its provider's own error shape (shared by the guard tests)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import httpx

from console.sandbox.base import Emulator
from console.sandbox.registry import emulator_class, emulator_keys
from tests.support.anet_xml import NS, validate_xml
from tests.support.openapi import digital_river_spec, square_spec

PROVIDERS = emulator_keys()
# Each emulator's customer collection, as a client would call it.
CUSTOMER_PATHS = {"square": "/v2/customers", "authorize-net": "/xml/v1/request.api",
                  "clover": "/v3/merchants/{merchant_id}/customers", "payarc": "/v1/customers",
                  "digital-river": "/customers"}
BOM = b"\xef\xbb\xbf"
ANET_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
# The code each provider's error body carries for a refusal with this status.
_SQUARE_CODES = {400: "BAD_REQUEST", 403: "FORBIDDEN", 405: "METHOD_NOT_ALLOWED", 413: "REQUEST_ENTITY_TOO_LARGE"}
_DR_TYPES = {400: "bad_request", 403: "forbidden", 405: "method_not_allowed", 413: "bad_request"}


def new_emulator(key: str) -> Emulator:
    return emulator_class(key)(seed=2, customers=3)


def customer_path(emulator: Emulator) -> str:
    return CUSTOMER_PATHS[emulator.provider].format(**emulator.connection_info(emulator.base_url))


def auth_headers(emulator: Emulator) -> dict[str, str]:
    """Headers that pass the emulator's credential check (Authorize.net's travel in the body)."""
    credentials = emulator.client_credentials()
    token = credentials.get("token") or credentials.get("secret_key")
    return {"Authorization": f"Bearer {token}"} if token else {}


def assert_provider_error(key: str, response: httpx.Response, status: int) -> Any:
    """Assert `response` is `status` with `key`'s own error body; that body, parsed."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    content_type = response.headers.get("content-type", "")
    if key == "authorize-net" and "json" in content_type:  # the answer comes in the request's format
        assert response.content.startswith(BOM)
        body = json.loads(response.content.decode("utf-8-sig"))
        assert set(body) == {"messages"} and body["messages"]["resultCode"] == "Error", body
        return body
    if key == "authorize-net":
        assert response.content.startswith(BOM + ANET_DECLARATION), response.content[:80]
        assert "xml" in content_type
        validate_xml(response.content)
        root = ET.fromstring(response.content.removeprefix(BOM))
        assert root.tag == f"{{{NS}}}ErrorResponse"
        assert root.findtext(f"{{{NS}}}messages/{{{NS}}}resultCode") == "Error"
        return root
    assert content_type.startswith("application/json"), content_type
    body = response.json()
    if key == "square":
        for item in body["errors"]:
            square_spec().validate("Error", item)
        assert body["errors"][0]["code"] == _SQUARE_CODES[status], body
    elif key == "digital-river":
        digital_river_spec().validate("Errors", body)
        assert body["type"] == _DR_TYPES[status] and body["errors"][0]["message"], body
    elif key == "clover":
        assert set(body) == {"message"} and body["message"], body
    elif key == "payarc":
        assert set(body) == {"message", "status_code"} and body["status_code"] == status, body
    else:
        raise AssertionError(f"no error shape known for {key}")
    return body
