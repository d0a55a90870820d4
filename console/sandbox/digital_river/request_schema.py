"""Digital River's request-body schemas, and the check of a body against them in DR's error terms.

Why a table in Python, and not the OpenAPI file read with jsonschema: the emulator ships inside the
app for demo mode, where jsonschema (a dev dependency) is not installed and the frozen build carries
modules, not data files next to them. The table is the spec's own request schemas (CustomerRequest,
UpdateCustomerRequest and what they reference, from tests/specs/digital-river; TaxIdentifierRequest
from the full DR file) with only descriptions, examples and titles dropped, and a test compares it
with the spec, so it cannot drift. It is plain literals, cheap to import, and the emulator imports it
only when the first body arrives, never at app start-up.

Only the keywords these schemas use are understood; any other raises, so a spec that needs more fails
that test instead of being checked loosely. Objects that list `properties` are closed: an unknown key
is DR's `unknown_parameter`, as for the top level before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_REF = "#/components/schemas/"
KEYWORDS = frozenset({"type", "properties", "required", "enum", "nullable", "format", "additionalProperties",
                      "$ref"})

SCHEMAS: dict[str, dict[str, Any]] = {
    "CustomerRequest": {"type": "object", "properties": {
        "id": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "shipping": {"$ref": _REF + "Shipping"},
        "defaultSourceId": {"type": "string"},
        "taxCertificate": {"$ref": _REF + "TaxCertificate"},
        "metadata": {"$ref": _REF + "Metadata"},
        "locale": {"type": "string"},
        "type": {"$ref": _REF + "CustomerType"},
        "enabled": {"type": "boolean"}}},
    "UpdateCustomerRequest": {"type": "object", "properties": {
        "email": {"type": "string", "format": "email"},
        "shipping": {"$ref": _REF + "Shipping"},
        "defaultSourceId": {"type": "string"},
        "taxCertificate": {"$ref": _REF + "TaxCertificate"},
        "requestToBeForgotten": {"type": "boolean"},
        "type": {"$ref": _REF + "CustomerType"},
        "metadata": {"$ref": _REF + "Metadata"},
        "locale": {"type": "string"},
        "enabled": {"type": "boolean"}}},
    "Shipping": {"type": "object", "properties": {
        "address": {"$ref": _REF + "Address"},
        "name": {"type": "string", "nullable": True},
        "phone": {"type": "string", "nullable": True},
        "email": {"type": "string", "format": "email", "nullable": True},
        "organization": {"type": "string", "nullable": True},
        "additionalAddressInfo": {"$ref": _REF + "AdditionalAddressInfo"}}},
    "Address": {"required": ["country"], "type": "object", "properties": {
        "line1": {"type": "string", "nullable": True},
        "line2": {"type": "string"},
        "city": {"type": "string", "nullable": True},
        "postalCode": {"type": "string", "nullable": True},
        "state": {"type": "string", "nullable": True},
        "country": {"type": "string"}}},
    "AdditionalAddressInfo": {"type": "object", "properties": {
        "neighborhood": {"type": "string", "nullable": True},
        "division": {"type": "string", "nullable": True},
        "phoneticName": {"type": "string", "nullable": True}}},
    "TaxCertificate": {"required": ["companyName", "endDate", "fileId", "startDate", "taxAuthority"],
                       "type": "object", "properties": {
        "companyName": {"type": "string"},
        "taxAuthority": {"type": "string"},
        "startDate": {"type": "string", "format": "date-time"},
        "endDate": {"type": "string", "format": "date-time"},
        "fileId": {"type": "string"}}},
    "Metadata": {"type": "object", "additionalProperties": {}},
    "CustomerType": {"type": "string", "enum": ["business", "individual"]},
    "TaxIdentifierRequest": {"required": ["type", "value"], "type": "object", "properties": {
        "type": {"type": "string"},
        "value": {"type": "string"}}},
}

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# JSON type -> (Python check, DR error code when it fails, what to call it in a message)
_TYPES = {
    "string": (lambda v: isinstance(v, str), "invalid_parameter", "a string"),
    "boolean": (lambda v: isinstance(v, bool), "invalid_boolean", "true or false"),
    "integer": (lambda v: isinstance(v, int) and not isinstance(v, bool), "invalid_integer", "an integer"),
    "object": (lambda v: isinstance(v, dict), "invalid_parameter", "an object"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One entry of DR's `errors[]`: code, the dotted path of the parameter, and a message."""

    code: str
    parameter: str
    message: str


def problems(schema_name: str, value: Any) -> list[Problem]:
    """Everything in `value` that the named schema does not allow, in document order (empty when valid)."""
    found: list[Problem] = []
    _check(SCHEMAS[schema_name], value, "", found)
    return found


def _readable(text: str) -> str:
    """`text` safe to echo in a UTF-8 answer (a lone surrogate from a JSON escape becomes '?')."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _check(schema: dict[str, Any], value: Any, path: str, found: list[Problem]) -> None:
    unknown = set(schema) - KEYWORDS
    if unknown:
        raise ValueError(f"schema keyword(s) not understood: {', '.join(sorted(unknown))}")
    if "$ref" in schema:
        _check(SCHEMAS[schema["$ref"].removeprefix(_REF)], value, path, found)
        return
    name = path or "The body"
    if value is None:
        if not schema.get("nullable"):
            found.append(Problem("invalid_parameter", path, f"{name} must not be null."))
        return
    kind = schema.get("type")
    if kind is not None:
        fits, code, called = _TYPES[kind]
        if not fits(value):
            found.append(Problem(code, path, f"{name} must be {called}."))
            return
    if isinstance(value, str):
        _check_text(schema, value, path, found)
    if "enum" in schema and value not in schema["enum"]:
        found.append(Problem("invalid_parameter", path, f"{name} must be one of {', '.join(schema['enum'])}."))
    if isinstance(value, dict):
        _check_object(schema, value, path, found)


def _check_text(schema: dict[str, Any], value: str, path: str, found: list[Problem]) -> None:
    if _readable(value) != value:
        found.append(Problem("invalid_parameter", path, f"{path} is not valid Unicode text."))
        return
    fmt = schema.get("format")
    if fmt == "email" and not EMAIL.fullmatch(value):
        found.append(Problem("email_invalid", path, "The email address is not valid."))
    elif fmt == "date-time" and not _is_date_time(value):
        found.append(Problem("invalid_parameter", path, f"{path} must be an ISO-8601 date and time."))


def _is_date_time(value: str) -> bool:
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _check_object(schema: dict[str, Any], value: dict[str, Any], path: str, found: list[Problem]) -> None:
    properties: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    for key, item in value.items():
        where = _readable(f"{path}.{key}" if path else key)
        if key in properties:
            _check(properties[key], item, where, found)
        elif extra is not None:
            if _readable(key) != key:
                found.append(Problem("invalid_parameter", where, f"{where} is not valid Unicode text."))
            else:
                _check(extra, item, where, found)
        else:
            found.append(Problem("unknown_parameter", where, f"'{where}' is not a known parameter."))
    for key in schema.get("required", []):
        if key not in value:
            where = f"{path}.{key}" if path else key
            found.append(Problem("missing_parameter", where, f"{where} is required."))
