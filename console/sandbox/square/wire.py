"""Square wire facts the emulator needs: field names and limits, enums, request parsing, error bodies, ids, times."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import httpx

from console.domain.rfc3339 import rfc3339
from console.sandbox.refusal import Refusal

SQUARE_VERSION = "2025-08-20"

IDENTITY_FIELDS = ("given_name", "family_name", "company_name", "email_address", "phone_number")
# Writable string fields and their maximum lengths (None: no documented limit).
STRING_LIMITS: dict[str, int | None] = {
    "given_name": 300, "family_name": 300, "company_name": 500, "nickname": 100, "email_address": 254,
    "phone_number": None, "reference_id": 100, "note": None, "birthday": None,
}
WRITABLE_FIELDS = frozenset({*STRING_LIMITS, "address", "tax_ids"})
ADDRESS_FIELDS = frozenset({
    "address_line_1", "address_line_2", "address_line_3", "locality", "sublocality", "sublocality_2",
    "sublocality_3", "administrative_district_level_1", "administrative_district_level_2",
    "administrative_district_level_3", "postal_code", "country", "first_name", "last_name",
})
# Accepted in a request but not stored: Square ignores these on customer writes.
IGNORED_ADDRESS_FIELDS = frozenset({"first_name", "last_name"})
EU_VAT_MAX = 20

# The order Square's documentation lists customer fields in; responses follow it.
CUSTOMER_KEYS = ("id", "created_at", "updated_at", "given_name", "family_name", "nickname", "company_name",
                 "email_address", "address", "phone_number", "birthday", "reference_id", "note", "preferences",
                 "creation_source", "group_ids", "segment_ids", "version", "tax_ids")

CREATION_SOURCES = frozenset({
    "OTHER", "APPOINTMENTS", "COUPON", "DELETION_RECOVERY", "DIRECTORY", "EGIFTING", "EMAIL_COLLECTION",
    "FEEDBACK", "IMPORT", "INVOICES", "LOYALTY", "MARKETING", "MERGE", "ONLINE_STORE", "INSTANT_PROFILE",
    "TERMINAL", "THIRD_PARTY", "THIRD_PARTY_IMPORT", "UNMERGE_RECOVERY",
})
SORT_FIELDS = ("DEFAULT", "CREATED_AT")
SORT_ORDERS = ("ASC", "DESC")

# The `Country` enum of the 2025-08-20 spec (ISO 3166-1 alpha-2 plus ZZ for unknown).
_COUNTRY_CODES = (
    "ZZ AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV "
    "BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI "
    "FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO "
    "IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG "
    "MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK "
    "PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC "
    "TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
)
COUNTRIES = frozenset(_COUNTRY_CODES.split())

INVALID_REQUEST = "INVALID_REQUEST_ERROR"


class SquareError(Refusal):
    """A refused request: answered `{"errors": [...]}` with this HTTP status (a bulk call embeds `errors`)."""

    def __init__(self, status: int, errors: list[dict[str, str]]) -> None:
        super().__init__(status, {"errors": errors})
        self.errors = errors


def error(code: str, detail: str, field: str | None = None, category: str = INVALID_REQUEST) -> dict[str, str]:
    """One entry of Square's `errors` array (`field` only when the error is about one)."""
    item = {"category": category, "code": code, "detail": detail}
    if field is not None:
        item["field"] = field
    return item


def unknown_parameter(name: str) -> dict[str, str]:
    return error("UNKNOWN_BODY_PARAMETER", f"Unknown body parameter `{name}`.", name)


def expected_string(name: str) -> dict[str, str]:
    return error("EXPECTED_STRING", f"Expected `{name}` to be a string.", name)


def bad_request(code: str, detail: str, field: str | None = None) -> SquareError:
    return SquareError(400, [error(code, detail, field)])


def not_found(detail: str) -> SquareError:
    return SquareError(404, [error("NOT_FOUND", detail)])


def unauthorized(detail: str) -> SquareError:
    return SquareError(401, [error("UNAUTHORIZED", detail, category="AUTHENTICATION_ERROR")])


def customer_not_found(customer_id: str) -> dict[str, str]:
    return error("NOT_FOUND", f"Customer with ID `{customer_id}` not found.")


VERSION_HEADER = re.compile(r"\d{4}-\d{2}-\d{2}")
BULK_MAX = 100
MALFORMED_AUTH = ("The `Authorization` http header of your request was malformed. The header value is expected "
                  "to be of the format \"Bearer TOKEN\" (without quotation marks), where TOKEN is to be replaced "
                  "with your access token (e.g. \"Bearer ABC123def456GHI789jkl0\").")


def query_params(request: httpx.Request, allowed: Iterable[str]) -> dict[str, str]:
    params = dict(request.url.params.multi_items())
    for name in params:
        if name not in allowed:
            raise bad_request("UNKNOWN_QUERY_PARAMETER", f"Unknown query parameter `{name}`.", name)
    return params


def int_param(params: dict[str, str], name: str) -> int | None:
    if name not in params:
        return None
    try:
        return int(params[name])
    except ValueError:
        raise bad_request("EXPECTED_INTEGER", f"Expected `{name}` to be an integer.", name) from None


def bool_param(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise bad_request("EXPECTED_BOOLEAN", f"Expected `{name}` to be true or false.", name)
    return value == "true"


def id_list(body: dict[str, Any]) -> list[str]:
    """The `customer_ids` of a bulk retrieve/delete: 1 to 100 strings, duplicates folded."""
    reject_unknown(body, {"customer_ids"})
    ids = body.get("customer_ids")
    if ids is None:
        raise bad_request("MISSING_REQUIRED_PARAMETER", "`customer_ids` is required.", "customer_ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise bad_request("EXPECTED_ARRAY", "Expected `customer_ids` to be an array of strings.", "customer_ids")
    if not ids:
        raise bad_request("ARRAY_EMPTY", "`customer_ids` must hold at least 1 ID.", "customer_ids")
    if len(ids) > BULK_MAX:
        raise bad_request("ARRAY_LENGTH_TOO_LONG", f"`customer_ids` may hold at most {BULK_MAX} IDs.", "customer_ids")
    return list(dict.fromkeys(ids))


def entry_map(body: dict[str, Any]) -> dict[str, Any]:
    """The `customers` map of a bulk create/update: 1 to 100 entries."""
    reject_unknown(body, {"customers"})
    entries = body.get("customers")
    if entries is None:
        raise bad_request("MISSING_REQUIRED_PARAMETER", "`customers` is required.", "customers")
    if not isinstance(entries, dict):
        raise bad_request("EXPECTED_MAP", "Expected `customers` to be a map.", "customers")
    if not entries:
        raise bad_request("VALUE_EMPTY", "`customers` must hold at least 1 entry.", "customers")
    if len(entries) > BULK_MAX:
        raise bad_request("TOO_MANY_MAP_ENTRIES", f"`customers` may hold at most {BULK_MAX} entries.", "customers")
    return entries


def json_object(request: httpx.Request) -> dict[str, Any]:
    """The request body as a JSON object, or the 400 Square sends for anything else."""
    raw = request.content
    if not raw.strip():
        raise bad_request("EXPECTED_JSON_BODY", "The request body must be a JSON object.")
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad_request("EXPECTED_JSON_BODY", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise bad_request("EXPECTED_OBJECT", "The request body must be a JSON object.")
    return body


def reject_unknown(body: dict[str, Any], allowed: frozenset[str] | set[str], prefix: str = "") -> None:
    """400 UNKNOWN_BODY_PARAMETER for the first key of `body` that is not allowed."""
    for key in body:
        if key not in allowed:
            name = f"{prefix}{key}"
            raise SquareError(400, [unknown_parameter(name)])


def expect_int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request("EXPECTED_INTEGER", f"Expected `{field}` to be an integer.", field)
    return value


def expect_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise bad_request("EXPECTED_BOOLEAN", f"Expected `{field}` to be a boolean.", field)
    return value


def expect_str(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise SquareError(400, [expected_string(field)])
    return value


def check_limit(value: int, field: str, low: int, high: int) -> int:
    if value < low:
        raise bad_request("VALUE_TOO_LOW", f"`{field}` must be at least {low}.", field)
    if value > high:
        raise bad_request("VALUE_TOO_HIGH", f"`{field}` must be at most {high}.", field)
    return value


def parse_timestamp(text: str) -> datetime:
    """An aware datetime from RFC 3339 text (ValueError when it is not)."""
    moment = datetime.fromisoformat(text.replace("z", "Z"))
    if moment.tzinfo is None:
        raise ValueError("an RFC 3339 time needs an offset or Z")
    return moment


def later_timestamp(now: datetime, after: str | None) -> str:
    """`now` as a timestamp, nudged to 1 ms after `after` so updates always move updated_at forward."""
    text = rfc3339(now, timespec="milliseconds")
    if after is not None and text <= after:
        text = rfc3339(parse_timestamp(after) + timedelta(milliseconds=1), timespec="milliseconds")
    return text


_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Maps every byte onto the alphabet; the slight bias towards the first letters does not matter for ids.
_ID_TABLE = bytes(ord(_ID_ALPHABET[b % len(_ID_ALPHABET)]) for b in range(256))


def new_id(rng: random.Random, taken: Any = ()) -> str:
    """A 26-character upper-case alphanumeric id like Square's (not already in `taken`)."""
    while True:
        candidate = rng.randbytes(26).translate(_ID_TABLE).decode("ascii")
        if candidate not in taken:
            return candidate


def ordered_customer(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its keys in Square's order (writers leave empty values out already)."""
    return {key: record[key] for key in CUSTOMER_KEYS if key in record}


def rate_limited_body() -> dict[str, Any]:
    return {"errors": [error("RATE_LIMITED", "Too many requests. Slow down and retry after a while.",
                             category="RATE_LIMIT_ERROR")]}


_SERVER_ERRORS = {
    500: ("INTERNAL_SERVER_ERROR", "An internal error has occurred, and the API was unable to service your request."),
    502: ("BAD_GATEWAY", "Bad gateway."),
    503: ("SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Try again later."),
    504: ("GATEWAY_TIMEOUT", "The gateway timed out."),
}


# Codes of Square's ErrorCode enum for requests refused before routing (see Emulator.refused_response).
_REFUSALS = {400: ("BAD_REQUEST", INVALID_REQUEST), 403: ("FORBIDDEN", "AUTHENTICATION_ERROR"),
             405: ("METHOD_NOT_ALLOWED", INVALID_REQUEST), 413: ("REQUEST_ENTITY_TOO_LARGE", INVALID_REQUEST)}


def refused_body(status: int, detail: str) -> dict[str, Any]:
    code, category = _REFUSALS.get(status, _REFUSALS[400])
    return {"errors": [error(code, detail, category=category)]}


def server_error_body(status: int) -> dict[str, Any]:
    code, detail = _SERVER_ERRORS.get(status, _SERVER_ERRORS[500])
    return {"errors": [error(code, detail, category="API_ERROR")]}
