"""Sorted views of the customers, opaque cursors, and SearchCustomers filters compiled to predicates."""

from __future__ import annotations

import base64
import binascii
import bisect
import functools
import hashlib
import json
import re
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from console.domain.rfc3339 import rfc3339
from console.sandbox.square.fields import has_identity
from console.sandbox.square.wire import (
    CREATION_SOURCES,
    SORT_FIELDS,
    SORT_ORDERS,
    SquareError,
    bad_request,
    error,
    expect_str,
    parse_timestamp,
    reject_unknown,
)

Record = dict[str, Any]
Entry = tuple[str, str]  # (sort key, customer id): unique, so it pins a position even as records change
Predicate = Callable[[Record], bool]
# Compiles the `custom_attribute` filter (its value, its field path) into predicates.
CustomFilter = Callable[[Any, str], list[Predicate]]


def default_sort_key(record: Record) -> str:
    """Given and family name joined, else company, email, phone (compared case-insensitively)."""
    name = " ".join(part for part in (record.get("given_name"), record.get("family_name")) if part)
    return (name or record.get("company_name") or record.get("email_address")
            or record.get("phone_number") or "").casefold()


def created_sort_key(record: Record) -> str:
    # Stored timestamps all have the same UTC millisecond format, so text order is time order.
    return str(record["created_at"])


SORT_KEYS: dict[str, Callable[[Record], str]] = {"DEFAULT": default_sort_key, "CREATED_AT": created_sort_key}


class SortIndex:
    """The listed customers (those with an identity field) in one order, maintained on every write."""

    # Kept sorted incrementally, a page of 100 costs a bisect and a slice instead of sorting
    # every customer per request; a write costs one list insert/delete (a memmove).

    def __init__(self, key: Callable[[Record], str], records: Iterable[Record]) -> None:
        self._key = key
        self.entries: list[Entry] = sorted((key(r), r["id"]) for r in records if has_identity(r))

    @classmethod
    def of_entries(cls, entries: list[Entry]) -> SortIndex:
        """A read-only view over entries that are already sorted (e.g. the matches of a search)."""
        view = cls.__new__(cls)
        view.entries = entries
        return view

    def _entry(self, record: Record) -> Entry | None:
        return (self._key(record), record["id"]) if has_identity(record) else None

    def remove(self, record: Record) -> None:
        entry = self._entry(record)
        if entry is not None:
            at = bisect.bisect_left(self.entries, entry)
            if at < len(self.entries) and self.entries[at] == entry:
                del self.entries[at]

    def add(self, record: Record) -> None:
        entry = self._entry(record)
        if entry is not None:
            bisect.insort(self.entries, entry)

    def __len__(self) -> int:
        return len(self.entries)

    def walk(self, after: Entry | None, descending: bool) -> Iterator[Entry]:
        """Entries in order, starting just past `after` (a cursor position) when given."""
        entries = self.entries
        if descending:
            end = bisect.bisect_left(entries, after) if after is not None else len(entries)
            for at in range(end - 1, -1, -1):
                yield entries[at]
        else:
            start = bisect.bisect_right(entries, after) if after is not None else 0
            for at in range(start, len(entries)):
                yield entries[at]


# -- cursors --------------------------------------------------------------------------------------


def fingerprint(*parts: Any) -> str:
    """A short digest of what defines a query, so a cursor cannot be replayed against another one."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode_cursor(query_fingerprint: str, entry: Entry) -> str:
    raw = json.dumps([query_fingerprint, entry[0], entry[1]], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, query_fingerprint: str) -> Entry:
    """The position a cursor points after; 400 INVALID_CURSOR when it is garbled or from another query."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        owner, key, customer_id = json.loads(raw)
        if owner == query_fingerprint and isinstance(key, str) and isinstance(customer_id, str):
            return key, customer_id
    except (ValueError, TypeError, binascii.Error):
        pass
    raise bad_request("INVALID_CURSOR", "The cursor is not valid for this query. Start again without a cursor.",
                      "cursor")


# -- search filters -------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")


@dataclass
class CompiledQuery:
    """A validated SearchCustomers query: what to match, in which order."""

    predicates: list[Predicate] = field(default_factory=list)
    # A filter that can match nothing (an unknown group id): the answer is `{}`, not an error.
    impossible: bool = False
    sort_field: str = "DEFAULT"
    sort_order: str = "ASC"
    fingerprint: str = ""

    def matches(self, record: Record) -> bool:
        return all(predicate(record) for predicate in self.predicates)


def _text_filter(value: Any, field: str) -> tuple[str, str]:
    if not isinstance(value, dict):
        raise bad_request("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field)
    reject_unknown(value, {"exact", "fuzzy"}, f"{field}.")
    given = {mode: text for mode, text in value.items() if text is not None}
    if len(given) != 1:
        code = "CONFLICTING_PARAMETERS" if given else "MISSING_REQUIRED_PARAMETER"
        raise bad_request(code, f"`{field}` needs exactly one of `exact` or `fuzzy`.", field)
    ((mode, text),) = given.items()
    text = expect_str(text, f"{field}.{mode}")
    if not text.strip():
        raise bad_request("VALUE_EMPTY", f"`{field}.{mode}` must not be empty.", f"{field}.{mode}")
    return mode, text


@functools.lru_cache(maxsize=1 << 18)
def stored_e164(text: str) -> str | None:
    """A stored phone number in E.164, reading numbers without a country code as US (the seller's)."""
    digits = "".join(ch for ch in text if "0" <= ch <= "9")
    if text.lstrip().startswith("+"):
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return None


def query_e164(text: str, field: str) -> str:
    """The E.164 form of an exact phone query, which must carry + and a country code."""
    try:
        if not text.strip().startswith("+"):
            raise phonenumbers.NumberParseException(0, "no country code")
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise bad_request("INVALID_PHONE_NUMBER", "An exact phone number search needs an E.164 number such as "
                          "+12062223333 (a leading + and the country code).", field)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


# Normalised forms of stored values, cached because a search looks at every customer and most
# values never change between searches.
@functools.lru_cache(maxsize=1 << 18)
def _email_blob(email: str) -> str:
    return _NON_WORD.sub("", email.casefold())


@functools.lru_cache(maxsize=1 << 18)
def _phone_digits(phone: str) -> str:
    return "".join(ch for ch in phone if "0" <= ch <= "9")


@functools.lru_cache(maxsize=1 << 18)
def _reference_tokens(reference: str) -> tuple[str, ...]:
    return tuple(t for t in _NON_ALNUM.split(reference.casefold()) if t)


def _fuzzy_tokens(pattern: re.Pattern[str], text: str, field: str) -> list[str]:
    tokens = [t for t in pattern.split(text.casefold()) if t]
    if not tokens:
        raise bad_request("VALUE_EMPTY", f"`{field}.fuzzy` has no letters or digits to search for.", f"{field}.fuzzy")
    return tokens


def _email_predicate(mode: str, text: str, field: str) -> Predicate:
    if mode == "exact":
        wanted = text.strip().casefold()
        return lambda r: (r.get("email_address") or "").casefold() == wanted
    tokens = _fuzzy_tokens(_NON_WORD, text, field)

    def match(record: Record) -> bool:
        # Square strips punctuation from the stored address; each query token must appear somewhere in it.
        email = record.get("email_address")
        if not email:
            return False
        blob = _email_blob(email)
        return all(t in blob for t in tokens)

    return match


def _phone_predicate(mode: str, text: str, field: str) -> Predicate:
    if mode == "exact":
        wanted = query_e164(text, f"{field}.exact")
        return lambda r: bool(r.get("phone_number")) and stored_e164(r["phone_number"]) == wanted
    tokens = ["".join(ch for ch in token if "0" <= ch <= "9") for token in text.split()]
    tokens = [t for t in tokens if t]
    if not tokens:
        raise bad_request("VALUE_EMPTY", "A fuzzy phone search needs digits.", f"{field}.fuzzy")
    return lambda r: bool(r.get("phone_number")) and all(t in _phone_digits(r["phone_number"]) for t in tokens)


def _reference_predicate(mode: str, text: str, field: str) -> Predicate:
    if mode == "exact":
        wanted = text.casefold()
        return lambda r: (r.get("reference_id") or "").casefold() == wanted
    tokens = _fuzzy_tokens(_NON_ALNUM, text, field)

    def match(record: Record) -> bool:
        stored = _reference_tokens(record.get("reference_id") or "")
        return bool(stored) and all(any(t in s for s in stored) for t in tokens)

    return match


def _time_range_predicate(value: Any, key: str, field: str) -> Predicate | None:
    if not isinstance(value, dict):
        raise bad_request("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field)
    reject_unknown(value, {"start_at", "end_at"}, f"{field}.")
    bounds: dict[str, str] = {}
    for end in ("start_at", "end_at"):
        if value.get(end) is None:
            continue
        text = expect_str(value[end], f"{field}.{end}")
        try:
            bounds[end] = rfc3339(parse_timestamp(text), timespec="milliseconds")
        except ValueError:
            raise bad_request("INVALID_TIME", f"`{field}.{end}` is not an RFC 3339 time.", f"{field}.{end}") from None
    start, end_at = bounds.get("start_at"), bounds.get("end_at")
    if start is None and end_at is None:
        return None
    # Half-open [start_at, end_at): adjacent ranges never count a customer twice. Text comparison
    # is time comparison because stored times share one UTC millisecond format.
    return lambda r: (start is None or r[key] >= start) and (end_at is None or r[key] < end_at)


def _id_lists(value: Any, field: str) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise bad_request("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field)
    reject_unknown(value, {"any", "all", "none"}, f"{field}.")
    lists: dict[str, list[str]] = {}
    for name, ids in value.items():
        if ids is None:
            continue
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise bad_request("EXPECTED_ARRAY", f"Expected `{field}.{name}` to be an array of strings.",
                              f"{field}.{name}")
        lists[name] = ids
    return lists


def _membership_predicates(lists: dict[str, list[str]], key: str) -> list[Predicate]:
    predicates: list[Predicate] = []
    if lists.get("any"):
        any_of = frozenset(lists["any"])
        predicates.append(lambda r: not any_of.isdisjoint(r.get(key) or ()))
    if lists.get("all"):
        all_of = frozenset(lists["all"])
        predicates.append(lambda r: all_of.issubset(r.get(key) or ()))
    if lists.get("none"):
        none_of = frozenset(lists["none"])
        predicates.append(lambda r: none_of.isdisjoint(r.get(key) or ()))
    return predicates


def _creation_source_predicate(value: Any, field: str) -> Predicate | None:
    if not isinstance(value, dict):
        raise bad_request("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field)
    reject_unknown(value, {"values", "rule"}, f"{field}.")
    values = value.get("values") or []
    if not isinstance(values, list):
        raise bad_request("EXPECTED_ARRAY", f"Expected `{field}.values` to be an array.", f"{field}.values")
    for source in values:
        if source not in CREATION_SOURCES:
            raise bad_request("INVALID_ENUM_VALUE", f"`{source}` is not a valid creation source.", f"{field}.values")
    rule = value.get("rule") or "INCLUDE"
    if rule not in ("INCLUDE", "EXCLUDE"):
        raise bad_request("INVALID_ENUM_VALUE", f"`{rule}` is not a valid rule.", f"{field}.rule")
    if not values:
        return None
    chosen = frozenset(values)
    if rule == "INCLUDE":
        return lambda r: r.get("creation_source") in chosen
    return lambda r: r.get("creation_source") not in chosen


_FILTER_KEYS = frozenset({"creation_source", "created_at", "updated_at", "email_address", "phone_number",
                          "reference_id", "group_ids", "segment_ids", "custom_attribute"})


def _compile_filter(flt: dict[str, Any], compiled: CompiledQuery, groups: Container[str],
                    segments: Container[str], custom: CustomFilter | None) -> None:
    prefix = "query.filter."
    reject_unknown(flt, _FILTER_KEYS, prefix)
    for key, value in flt.items():
        if value is None:
            continue
        where = prefix + key
        predicate: Predicate | None = None
        if key == "email_address":
            predicate = _email_predicate(*_text_filter(value, where), where)
        elif key == "phone_number":
            predicate = _phone_predicate(*_text_filter(value, where), where)
        elif key == "reference_id":
            predicate = _reference_predicate(*_text_filter(value, where), where)
        elif key in ("created_at", "updated_at"):
            predicate = _time_range_predicate(value, key, where)
        elif key == "creation_source":
            predicate = _creation_source_predicate(value, where)
        elif key == "group_ids":
            lists = _id_lists(value, where)
            if any(gid not in groups for ids in lists.values() for gid in ids):
                compiled.impossible = True
            compiled.predicates.extend(_membership_predicates(lists, "group_ids"))
        elif key == "segment_ids":
            lists = _id_lists(value, where)
            if sum(len(ids) for ids in lists.values()) > 3:
                raise bad_request("BAD_REQUEST", "A segment filter may name at most 3 segment IDs.", where)
            for ids in lists.values():
                for sid in ids:
                    if sid not in segments:
                        raise bad_request("BAD_REQUEST", f"Segment with ID `{sid}` not found.", where)
            compiled.predicates.extend(_membership_predicates(lists, "segment_ids"))
        elif custom is not None:  # custom_attribute
            compiled.predicates.extend(custom(value, where))
        else:
            raise SquareError(400, [error("BAD_REQUEST", "This emulator has no custom attributes, so it cannot "
                                          "filter by them.", where)])
        if predicate is not None:
            compiled.predicates.append(predicate)


def compile_query(query: Any, groups: Container[str], segments: Container[str],
                  custom: CustomFilter | None = None) -> CompiledQuery:
    """Validate a SearchCustomers `query` and turn it into predicates plus a sort.

    `custom` compiles the `custom_attribute` filter (the values live with the emulator).
    """
    compiled = CompiledQuery()
    if query is not None:
        if not isinstance(query, dict):
            raise bad_request("EXPECTED_OBJECT", "Expected `query` to be an object.", "query")
        reject_unknown(query, {"filter", "sort"}, "query.")
        flt = query.get("filter")
        if flt is not None:
            if not isinstance(flt, dict):
                raise bad_request("EXPECTED_OBJECT", "Expected `query.filter` to be an object.", "query.filter")
            _compile_filter(flt, compiled, groups, segments, custom)
        sort = query.get("sort")
        if sort is not None:
            if not isinstance(sort, dict):
                raise bad_request("EXPECTED_OBJECT", "Expected `query.sort` to be an object.", "query.sort")
            reject_unknown(sort, {"field", "order"}, "query.sort.")
            compiled.sort_field = sort.get("field") or "DEFAULT"
            compiled.sort_order = sort.get("order") or "ASC"
            if compiled.sort_field not in SORT_FIELDS:
                raise bad_request("INVALID_ENUM_VALUE", f"`{compiled.sort_field}` is not a valid sort field.",
                                  "query.sort.field")
            if compiled.sort_order not in SORT_ORDERS:
                raise bad_request("INVALID_SORT_ORDER", f"`{compiled.sort_order}` is not a valid sort order.",
                                  "query.sort.order")
    flt_json = query.get("filter") if isinstance(query, dict) else None
    compiled.fingerprint = fingerprint("search", flt_json, compiled.sort_field, compiled.sort_order)
    return compiled
