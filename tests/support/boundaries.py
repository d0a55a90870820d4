"""Every length rule the providers declare, as values just inside and just outside each bound.

The rules come from the providers' `FieldSpec`s, so a rule added there is pinned by the tests
without anyone listing it: lengths (min−1, min, max, max+1), phone digit counts, and a key/value
field's number of entries and key and value lengths (max, max+1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from console.domain.capabilities import FieldKind, FieldSpec
from console.domain.validation import check_value
from console.providers.registry import providers

_FILLERS = ("a", "A", "1", "2")
EMAIL_MAX = 254  # RFC 5321's limit on a whole address, which the email check applies to every field


@dataclass(frozen=True)
class Bound:
    """One field at one size: `inside` says whether the rule admits it."""

    provider: str
    collection: str | None      # a CollectionSpec kind, or None for the customer's own fields
    spec: FieldSpec
    measure: str                # "length", "digits", "entries", "key length", "value length"
    size: int
    inside: bool

    @property
    def id(self) -> str:
        where = f"{self.collection}:" if self.collection else ""
        side = "ok" if self.inside else "refused"
        return f"{self.provider}-{where}{self.spec.key}-{self.measure.replace(' ', '_')}-{self.size}-{side}"

    def value(self) -> Any:
        return value_of(self.spec, self.measure, self.size)


def _sizes(low: int | None, high: int | None) -> Iterator[tuple[int, bool]]:
    if low is not None:
        if low - 1 >= 1:  # nothing typed means "not set", which no length rule is about
            yield low - 1, False
        yield low, True
    if high is not None:
        yield high, True
        yield high + 1, False


def _bounds_of(provider: str, collection: str | None, spec: FieldSpec) -> Iterator[Bound]:
    measures: list[tuple[str, int | None, int | None]] = [("length", spec.min_length, spec.max_length)]
    if spec.kind is FieldKind.PHONE:
        measures.append(("digits", spec.min_digits, spec.max_digits))
    if spec.kind is FieldKind.KEY_VALUE:
        measures = [("entries", None, spec.max_entries), ("key length", None, spec.max_key_length),
                    ("value length", None, spec.max_value_length)]
    for measure, low, high in measures:
        for size, inside in _sizes(low, high):
            if inside and spec.kind is FieldKind.EMAIL and size > EMAIL_MAX:
                size = EMAIL_MAX  # no longer address exists, so the longest one stands in for the bound
            yield Bound(provider, collection, spec, measure, size, inside)


def length_bounds() -> list[Bound]:
    """Every bound of every length rule of every registered provider."""
    found: list[Bound] = []
    for info in providers():
        caps = info.capabilities
        for spec in caps.fields:
            found += _bounds_of(info.key, None, spec)
        for collection in caps.collections:
            for spec in collection.fields:
                found += _bounds_of(info.key, collection.kind, spec)
    return found


def _filled(spec: FieldSpec, size: int) -> str | None:
    """`size` characters that match the field's pattern (when it has one), or None."""
    for filler in _FILLERS:
        text = filler * size
        if not spec.pattern or re.fullmatch(spec.pattern, text):
            return text
    return None


def email_of_length(size: int) -> str:
    """A syntactically valid address of exactly `size` characters where one exists (5 and more)."""
    if size < 5:
        return "a@bc"[:size]  # too short to be an address at all
    local = "a" * min(64, size - 4)            # at most 64 before the "@"
    room = size - len(local) - 1               # the domain: labels of 1-63 letters joined by dots
    count = max(2, -(-(room + 1) // 64))
    letters = room - (count - 1)
    sizes = [letters // count + (1 if i < letters % count else 0) for i in range(count)]
    address = local + "@" + ".".join("b" * n for n in sizes)
    assert len(address) == size, (size, address)
    return address


def value_of(spec: FieldSpec, measure: str, size: int) -> Any:
    """A value valid in every respect but the measured one, which is `size`."""
    if measure == "entries":
        return {f"k{i}": "v" for i in range(size)}
    if measure == "key length":
        return {"k" * size: "v"}
    if measure == "value length":
        return {"k": "v" * size}
    if spec.kind is FieldKind.EMAIL:
        return email_of_length(size)
    if spec.kind is FieldKind.PHONE:
        return "2" * size  # digits only: every phone rule takes them, so only the count matters
    text = _filled(spec, size)
    assert text is not None, f"no filler of {size} matches {spec.key}'s pattern {spec.pattern!r}"
    return text


def valid_value(spec: FieldSpec) -> Any:
    """Some value the field's rules admit (to fill the other fields of a record)."""
    if spec.kind is FieldKind.BOOL:
        return True
    if spec.kind is FieldKind.CHOICE:
        return spec.choices[0].value
    for size in (10, 5, 3, 2, 1):
        candidate = email_of_length(size) if spec.kind is FieldKind.EMAIL else _filled(spec, size)
        if candidate is not None and check_value(spec, candidate) is None:
            return candidate
    raise AssertionError(f"found no valid value for {spec.key}")
