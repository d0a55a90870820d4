"""Card numbers hidden in free text: found so they can be refused in fields and masked elsewhere.

A card number is 13 to 19 digits passing the Luhn check, its digits grouped by single spaces,
dots, dashes or underscores or not at all. Typed text often runs on after the number (an expiry,
a CVV), so in a longer grouped run every stretch of whole groups of 13 to 19 digits is checked.
One unbroken run of more than 19 digits is an order or tracking number, not a card, and digits inside
a UUID (an idempotency key, an id) are not one either, however they happen to fall.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

_RUN = re.compile(r"\d+(?:[ .\-_]\d+)*")
_GROUP = re.compile(r"\d+")
_HEX = "[0-9a-fA-F]"
_UUID = re.compile(rf"(?<![0-9a-zA-Z-]){_HEX}{{8}}-?{_HEX}{{4}}-?{_HEX}{{4}}-?{_HEX}{{4}}-?{_HEX}{{12}}"
                   r"(?![0-9a-zA-Z-])")
MIN_DIGITS, MAX_DIGITS = 13, 19


def luhn_ok(digits: str) -> bool:
    """True when the digit string passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card_spans(run: re.Match[str]) -> Iterator[tuple[int, int, str]]:
    groups = [(g.start() + run.start(), g.end() + run.start(), g.group()) for g in _GROUP.finditer(run.group())]
    start = 0
    while start < len(groups):
        digits = ""
        found = None
        for end in range(start, len(groups)):
            digits += groups[end][2]
            if len(digits) > MAX_DIGITS:
                break
            if len(digits) >= MIN_DIGITS and luhn_ok(digits):
                found = (end, digits)  # the longest card-shaped stretch from this group wins
        if found is None:
            start += 1
            continue
        end, digits = found
        yield groups[start][0], groups[end][1], digits
        start = end + 1


def find_card_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of every card-number-shaped stretch of `text`."""
    if len(text) < MIN_DIGITS:
        return []
    spans: list[tuple[int, int, str]] = []
    for run in _RUN.finditer(text):
        if run.end() - run.start() >= MIN_DIGITS:
            spans.extend(_card_spans(run))
    if spans and (ids := [(m.start(), m.end()) for m in _UUID.finditer(text)]):
        spans = [span for span in spans if not any(start <= span[0] < end for start, end in ids)]
    return spans


def contains_card_number(text: str) -> bool:
    return bool(find_card_numbers(text))


def mask_card_numbers(text: str) -> str:
    """`text` with every card number replaced by `[CARD …1234]` (its last four digits)."""
    spans = find_card_numbers(text)
    for start, end, digits in reversed(spans):
        text = f"{text[:start]}[CARD …{digits[-4:]}]{text[end:]}"
    return text


def mask_card_numbers_in(value: Any) -> Any:
    """`value` (text, or lists and mappings of it) with card numbers masked, for what is kept on disk."""
    if isinstance(value, str):
        return mask_card_numbers(value)
    if isinstance(value, Mapping):
        return {mask_card_numbers_in(k): mask_card_numbers_in(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_card_numbers_in(v) for v in value)
    return value


CARD_NUMBER_MESSAGE = ("This looks like a card number. Card numbers must never be stored in notes or other "
                       "text fields (PCI DSS); remove it.")
