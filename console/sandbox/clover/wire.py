"""Clover wire facts the emulator needs: field limits, expansions, filters, the customer view and error bodies."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from console.sandbox.base import json_response
from console.sandbox.refusal import Refusal

Record = dict[str, Any]

ID_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_IN_FLIGHT = 5
MAX_PER_SECOND = 16
FILTER_FIELDS = ("id", "firstName", "lastName", "fullName", "emailAddress", "phoneNumber", "customerSince",
                 "marketingAllowed", "deletedTime")
EXPANDABLE = ("addresses", "emailAddresses", "phoneNumbers", "cards", "metadata")
FILTER = re.compile(r"\s*(\w+)\s*(<=|>=|!=|=|<|>)\s*(.*?)\s*$")
SUB_RESOURCES = {"addresses": "addresses", "email_addresses": "emailAddresses", "phone_numbers": "phoneNumbers"}
# field -> (max length, required) for each record kind (clover-android-sdk validate()).
LIMITS: dict[str, dict[str, tuple[int, bool]]] = {
    "customer": {"firstName": (64, False), "lastName": (64, False)},
    "addresses": {"address1": (127, True), "address2": (127, False), "address3": (127, False), "city": (127, True),
                  "state": (127, True), "zip": (10, True), "country": (2, True)},
    "emailAddresses": {"emailAddress": (254, True)},
    "phoneNumbers": {"phoneNumber": (64, True)},
    "metadata": {"businessName": (127, False), "note": (2000, False)},
}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def refusal(status: int, text: str) -> Refusal:
    """Clover's error body: just a message."""
    return Refusal(status, {"message": text})


def too_many_requests(retry_after: str) -> httpx.Response:
    """Clover's 429 for a token over its per-second limit."""
    return json_response(429, refusal(429, "Too many requests").body,
                         {"x-ratelimit-tokenlimit": str(MAX_PER_SECOND), "retry-after": retry_after})


def check(kind: str, body: Record, *, creating: bool) -> None:
    """Clover's length and required rules for one record kind (400 naming the field)."""
    for name, (limit, required) in LIMITS[kind].items():
        value = body.get(name)
        if value is None or value == "":
            if required and creating:
                raise refusal(400, f"{name}: is required")
            continue
        if not isinstance(value, str):
            raise refusal(400, f"{name}: must be a string")
        if len(value) > limit:
            raise refusal(400, f"{name}: exceeds maximum length of {limit}")
    if kind == "emailAddresses" and body.get("emailAddress") and not EMAIL.fullmatch(body["emailAddress"]):
        raise refusal(400, "emailAddress: is not a valid email address")


def expanded(request: httpx.Request) -> tuple[str, ...]:
    """The `expand` parameter's parts (400 naming any Clover does not know)."""
    wanted = tuple(p.strip() for v in request.url.params.get_list("expand") for p in v.split(",") if p.strip())
    unknown = [w for w in wanted if w not in EXPANDABLE]
    if unknown:
        raise refusal(400, f"Invalid expand: {', '.join(unknown)}")
    return wanted


def compile_filter(text: str) -> Callable[[Record], bool]:
    """One `filter` parameter as a test of a stored record (400 for one Clover would refuse)."""
    match = FILTER.fullmatch(text)
    if match is None or match.group(1) not in FILTER_FIELDS:
        raise refusal(400, f"Invalid filter: {text}")
    name, op, value = match.groups()

    def values(record: Record) -> list[Any]:
        if name == "fullName":
            return [" ".join(p for p in (record.get("firstName"), record.get("lastName")) if p)]
        if name == "emailAddress":
            return [m["emailAddress"] for m in record["emailAddresses"]]
        if name == "phoneNumber":
            return [p["phoneNumber"] for p in record["phoneNumbers"]]
        return [record.get(name)]

    def compare(actual: Any) -> bool:
        if actual is None:
            return op == "!="
        if isinstance(actual, bool):
            expected: Any = value.lower() == "true"
        elif isinstance(actual, int):
            try:
                expected = int(value)
            except ValueError:
                raise refusal(400, f"Invalid filter value: {text}") from None
        else:
            expected = value
        return {"=": actual == expected, "!=": actual != expected, "<": actual < expected,
                "<=": actual <= expected, ">": actual > expected, ">=": actual >= expected}[op]

    return lambda record: any(compare(v) for v in values(record))


def view(record: Record, expand: tuple[str, ...], href: str) -> Record:
    """A stored record as Clover answers it at `href`, with the `expand`ed parts nested."""
    cid = record["id"]
    out = {k: record[k] for k in ("id", "merchant", "firstName", "lastName", "marketingAllowed", "customerSince")
           if record.get(k) is not None}
    out["href"] = href
    for name in expand:
        if name == "metadata":
            meta = {k: v for k, v in record["metadata"].items() if v is not None}
            out["metadata"] = {**meta, "customer": {"id": cid}}
        elif name == "cards":
            out["cards"] = {"elements": [{k: v for k, v in card.items() if k != "token"} | {"customer": {"id": cid}}
                                         for card in record["cards"]]}
        else:
            out[name] = {"elements": [{k: v for k, v in item.items() if v is not None} | {"customer": {"id": cid}}
                                      for item in record[name][:100]]}
    return out


def merged_metadata(old: Record, body: Record) -> Record:
    """Stored metadata with the body's parts over it (400 for a birthday part out of range)."""
    check("metadata", body, creating=False)
    parts = ("businessName", "note", "dobYear", "dobMonth", "dobDay")
    merged: Record = {**old, **{k: body[k] for k in parts if k in body}}
    for part, low, high in (("dobMonth", 1, 12), ("dobDay", 1, 31), ("dobYear", 1900, 2100)):
        value = merged.get(part)
        if value is not None and (not isinstance(value, int) or not low <= value <= high):
            raise refusal(400, f"{part}: out of range")
    return merged
