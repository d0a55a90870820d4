"""The `custom_attribute` filter of SearchCustomers: customers by their custom attribute values.

Per the spec: at most 10 filters with unique keys, combined with AND; each has `filter` (of the
definition's type), `updated_at`, or both; ranges are inclusive. The text, email and phone
matching is the one the profile filters use, applied to the value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from console.sandbox.square.custom_attribute_rules import options_of, type_of, visible
from console.sandbox.square.search import (
    Predicate,
    _email_predicate,
    _phone_predicate,
    _reference_predicate,
    _text_filter,
)
from console.sandbox.square.wire import COUNTRIES, bad_request, expect_bool, expect_str, parse_timestamp, reject_unknown

Record = dict[str, Any]
ValuesOf = Callable[[str], dict[str, Record]]

MAX_FILTERS = 10
# Which `filter` member each data type takes.
_FILTER_OF_TYPE = {"String": "text", "Email": "email", "PhoneNumber": "phone", "Selection": "selection",
                   "Date": "date", "Number": "number", "Boolean": "boolean", "Address": "address"}


def _object(value: Any, field: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_request("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field)
    reject_unknown(value, allowed, f"{field}.")
    return value


def _bounds(value: Any, field: str, parse: Callable[[str], Any]) -> tuple[Any, Any]:
    """(start, end) of a range object; either may be None, not both."""
    spec = _object(value, field, {"start_at", "end_at"})
    bounds: list[Any] = []
    for end in ("start_at", "end_at"):
        text = spec.get(end)
        if text is None:
            bounds.append(None)
            continue
        try:
            bounds.append(parse(expect_str(text, f"{field}.{end}")))
        except (ValueError, InvalidOperation):
            raise bad_request("INVALID_VALUE", f"`{field}.{end}` cannot be read.", f"{field}.{end}") from None
    if bounds == [None, None]:
        raise bad_request("MISSING_REQUIRED_PARAMETER", f"`{field}` needs `start_at`, `end_at` or both.", field)
    return bounds[0], bounds[1]


def _within(start: Any, end: Any) -> Callable[[Any], bool]:
    return lambda v: (start is None or v >= start) and (end is None or v <= end)


def _day(text: str) -> str:
    """A date bound as YYYY-MM-DD (RFC 3339 times are cut to their date); ValueError when it is neither."""
    return date.fromisoformat(text).isoformat() if len(text) == 10 else parse_timestamp(text).date().isoformat()


def _decimal(text: str) -> Decimal:
    """A finite number bound (NaN would make every comparison raise); ValueError otherwise."""
    number = Decimal(text)
    if not number.is_finite():
        raise ValueError(text)
    return number


def _value_check(kind: str, value: Any, field: str, definition: Record) -> Callable[[Any], bool]:
    """A test of one stored value against the type-specific filter."""
    if kind in ("text", "email", "phone"):
        mode, text = _text_filter(value, field)
        # The profile filters' matching, on a record holding only the value.
        make, name = {"text": (_reference_predicate, "reference_id"), "email": (_email_predicate, "email_address"),
                      "phone": (_phone_predicate, "phone_number")}[kind]
        predicate = make(mode, text, field)
        return lambda v: isinstance(v, str) and predicate({name: v})
    if kind == "boolean":
        truth = expect_bool(value, field)
        return lambda v: v is truth
    if kind == "number":
        inside = _within(*_bounds(value, field, _decimal))
        return lambda v: inside(Decimal(str(v)))
    if kind == "date":
        inside = _within(*_bounds(value, field, _day))
        return lambda v: inside(v)
    if kind == "address":
        spec = _object(value, field, {"postal_code", "country"})
        postal = None
        if spec.get("postal_code") is not None:
            mode, postal = _text_filter(spec["postal_code"], f"{field}.postal_code")
            if mode != "exact":
                raise bad_request("BAD_REQUEST", "Only an exact postal code match is supported.",
                                  f"{field}.postal_code.fuzzy")
        country = spec.get("country")
        if country is not None and country not in COUNTRIES:
            raise bad_request("INVALID_ENUM_VALUE", f"`{country}` is not a valid country code.", f"{field}.country")
        return lambda v: ((postal is None or (v.get("postal_code") or "").casefold() == postal.casefold())
                          and (country is None or v.get("country") == country))
    # selection: by option names, case-sensitive; `none` is not supported
    spec = _object(value, field, {"any", "all", "none"})
    if spec.get("none") is not None:
        raise bad_request("BAD_REQUEST", "A selection filter supports `any` and `all`, not `none`.", f"{field}.none")
    uid_of = dict(zip(definition["schema"]["items"]["names"], options_of(definition["schema"]), strict=True))
    wanted: dict[str, set[str]] = {}
    for name in ("any", "all"):
        names = spec.get(name)
        if names is None:
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise bad_request("EXPECTED_ARRAY", f"Expected `{field}.{name}` to be an array of strings.",
                              f"{field}.{name}")
        wanted[name] = {uid_of.get(n, f"unknown:{n}") for n in names}
    any_of, all_of = wanted.get("any"), wanted.get("all")
    return lambda v: ((not any_of or not any_of.isdisjoint(v)) and (all_of is None or all_of.issubset(v)))


def custom_attribute_predicates(value: Any, where: str, definitions: dict[str, Record],
                                values_of: ValuesOf) -> list[Predicate]:
    """One predicate over customer records per filter of `query.filter.custom_attribute`."""
    spec = _object(value, where, {"filters"})
    filters = spec.get("filters") or []
    if not isinstance(filters, list):
        raise bad_request("EXPECTED_ARRAY", f"Expected `{where}.filters` to be an array.", f"{where}.filters")
    if not filters:
        raise bad_request("BAD_REQUEST", "A custom attribute filter needs at least one entry in `filters`.", where)
    if len(filters) > MAX_FILTERS:
        raise bad_request("ARRAY_LENGTH_TOO_LONG", f"At most {MAX_FILTERS} custom attribute filters are allowed.",
                          f"{where}.filters")
    predicates: list[Predicate] = []
    seen: set[str] = set()
    for index, item in enumerate(filters):
        field = f"{where}.filters[{index}]"
        item = _object(item, field, {"key", "filter", "updated_at"})
        key = item.get("key")
        if key is None:
            raise bad_request("MISSING_REQUIRED_PARAMETER", f"`{field}.key` is required.", f"{field}.key")
        key = expect_str(key, f"{field}.key")
        if key in seen:
            raise bad_request("BAD_REQUEST", f"The key `{key}` is filtered twice.", f"{field}.key")
        seen.add(key)
        definition = definitions.get(key)
        if definition is None or not visible(definition):
            raise bad_request("BAD_REQUEST", f"Custom attribute definition with key `{key}` not found.", f"{field}.key")
        if item.get("filter") is None and item.get("updated_at") is None:
            raise bad_request("MISSING_REQUIRED_PARAMETER", f"`{field}` needs `filter`, `updated_at` or both.", field)
        checks: list[Callable[[Record], bool]] = []
        if item.get("updated_at") is not None:
            checks.append(_updated_within(*_bounds(item["updated_at"], f"{field}.updated_at", parse_timestamp)))
        if item.get("filter") is not None:
            kind = _FILTER_OF_TYPE[type_of(definition["schema"])]
            given = _object(item["filter"], f"{field}.filter", set(_FILTER_OF_TYPE.values()))
            if set(given) != {kind}:
                raise bad_request("BAD_REQUEST", f"The attribute `{key}` is of type "
                                  f"{type_of(definition['schema'])}; filter it with `{kind}` only.", f"{field}.filter")
            checks.append(_value_of(_value_check(kind, given[kind], f"{field}.filter.{kind}", definition)))
        predicates.append(_holding(key, checks, values_of))
    return predicates


def _updated_within(start: Any, end: Any) -> Callable[[Record], bool]:
    inside = _within(start, end)
    return lambda stored: bool(inside(parse_timestamp(stored["updated_at"])))


def _value_of(check: Callable[[Any], bool]) -> Callable[[Record], bool]:
    return lambda stored: check(stored["value"])


def _holding(key: str, checks: list[Callable[[Record], bool]], values_of: ValuesOf) -> Predicate:
    def match(record: Record) -> bool:
        stored = values_of(record["id"]).get(key)
        return stored is not None and all(check(stored) for check in checks)

    return match

