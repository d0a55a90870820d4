"""Digital River wire facts the emulator needs: error bodies, times, request bodies and their rules, list filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import httpx

from console.domain.rfc3339 import rfc3339
from console.sandbox.refusal import Refusal
from console.sandbox.rest import request_fields


def dr_time(moment: datetime) -> str:
    """A time as Digital River writes it: UTC, whole seconds, e.g. 2020-05-06T22:28:01Z."""
    return rfc3339(moment, timespec="seconds")

Record = dict[str, Any]

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
ID_MAX = 40
TYPES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 429: "too_many_requests", 500: "internal_server_error", 502: "bad_gateway",
         503: "service_unavailable", 504: "gateway_timeout"}
# Error codes (and parameter) from DR's code table for requests refused before routing; DR's `type` enum
# has no entry for 413, so that one is a `bad_request` like any other unreadable body.
REFUSAL_CODES: dict[int, tuple[str, str | None]] = {403: ("invalid_parameter", "Host"),
                                                    405: ("method_not_allowed", None)}
_LOCALE = re.compile(r"[a-z]{2}_[A-Z]{2}")


def refusal(status: int, code: str, message: str, parameter: str | None = None) -> Refusal:
    """Digital River's error body: the status's `type` and one error with its code."""
    error: Record = {"code": code, "message": message}
    if parameter is not None:
        error["parameter"] = parameter
    return Refusal(status, {"type": TYPES.get(status, "bad_request"), "errors": [error]})


def parse_time(text: str, parameter: str) -> datetime:
    """An aware time from ISO-8601 text (naive means UTC); 400 naming `parameter` otherwise."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise refusal(400, "invalid_parameter", f"'{text}' is not an ISO-8601 time.", parameter) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def compact(record: Record) -> Record:
    """Unset values are absent from Digital River's answers, not null."""
    return {k: v for k, v in record.items() if v is not None and v != [] and v != {}}


def request_body(request: httpx.Request, schema: str) -> Record:
    """The JSON body, checked against DR's request schema (nested objects too), then DR's further rules."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise refusal(400, "invalid_format", "The API speaks exclusively in JSON.")
    body = request_fields(request, invalid=refusal(400, "invalid_format", "The body is not a JSON object."))
    # Imported on the first body, not with the emulator (see request_schema's docstring).
    from console.sandbox.digital_river.request_schema import problems

    found = problems(schema, body)
    if found:
        raise Refusal(400, {"type": TYPES[400], "errors": [
            {"code": p.code, "message": p.message, **({"parameter": p.parameter} if p.parameter else {})}
            for p in found]})
    _check(body)
    return body


def _check(body: Record) -> None:
    """What DR checks beyond the schema's types: locale and country shapes, metadata limits."""
    locale = body.get("locale")
    if locale is not None and not _LOCALE.fullmatch(locale):
        raise refusal(400, "invalid_parameter", "locale must look like en_US.", "locale")
    metadata = body.get("metadata") or {}
    if len(metadata) > 20:
        raise refusal(400, "too_many_metadata_pairs", "metadata may hold at most 20 pairs.", "metadata")
    for key, value in metadata.items():
        if len(key) > 40:
            raise refusal(400, "invalid_metadata_key", "Metadata keys are at most 40 characters.",
                          f"metadata.{key}")
        if not isinstance(value, str | bool | int) or (isinstance(value, str) and len(value) > 500):
            raise refusal(400, "invalid_metadata_value", "Metadata values are strings (at most 500 "
                          "characters), booleans or integers.", f"metadata.{key}")
    country = ((body.get("shipping") or {}).get("address") or {}).get("country")
    if country is not None and not re.fullmatch("[A-Z]{2}", country):
        raise refusal(400, "invalid_parameter", "country must be a two-letter ISO code.",
                      "shipping.address.country")


def matches(record: Record, params: httpx.QueryParams) -> bool:
    """Whether a stored record passes the list filters in `params` (400 for a time or operator DR refuses)."""
    if "email" in params and record.get("email") != params["email"]:
        return False
    if "ids" in params and record["id"] not in params["ids"].split(","):
        return False
    if "requestToBeForgotten" in params:
        wanted = params["requestToBeForgotten"].lower() == "true"
        if bool(record.get("requestToBeForgotten")) != wanted:
            return False
    for field in ("createdTime", "updatedTime"):
        value = parse_time(record.get(field) or record["createdTime"], field)
        for name, text in params.multi_items():
            if name == field and value != parse_time(text, field):
                return False
            if name.startswith(field + "["):
                op = name[len(field) + 1:-1]
                bound = parse_time(text, name)
                checks = {"eq": value == bound, "gt": value > bound, "gte": value >= bound, "lt": value < bound,
                          "lte": value <= bound}
                if op not in checks:
                    raise refusal(400, "invalid_parameter", f"Unknown operator '{op}'.", name)
                if not checks[op]:
                    return False
    return True
