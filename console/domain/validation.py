"""Checks of typed values against `FieldSpec`s, run as the user types and before anything is sent.

Email syntax is checked by email-validator and international phone numbers by phonenumbers;
the provider-specific limits come from the specs, so each rule is declared once.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.domain.capabilities import Capabilities, FieldKind, FieldSpec
from console.domain.card_numbers import CARD_NUMBER_MESSAGE, contains_card_number

if TYPE_CHECKING:
    import phonenumbers


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """Why a value is refused, and a corrected value to offer when one is safe to suggest."""

    message: str
    suggestion: str | None = None
    fix_label: str | None = None   # the button that applies `suggestion`, when "Use this" would not fit


_PHONE_CHARS = re.compile(r"\+?[0-9 ().\-/]+")
_FULL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


_ASCII_DIGITS = re.compile(r"[0-9]+")
# Where staff type whatever they like, and so where a card number could be pasted (PCI DSS).
_FREE_TEXT = frozenset({FieldKind.TEXT, FieldKind.MULTILINE})


_NOT_ASCII_DIGITS = re.compile(r"[^0-9]+")


def digits(text: str) -> str:
    """The ASCII digits of `text` (providers take 0-9 only, not other scripts' digits)."""
    # A regex, not a loop over characters: called for every loaded customer's phone.
    return _NOT_ASCII_DIGITS.sub("", text)


def email_problem(text: str) -> str | None:
    """None when `text` is a syntactically valid address, else the reason."""
    import email_validator  # its rules compile on import (about 20 ms): not at start-up, only when one is checked

    try:
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        return str(exc)
    return None


def is_email(text: str) -> bool:
    return "@" in text and email_problem(text) is None


def to_e164(text: str, default_region: str = "US") -> str | None:
    """The number in E.164 form (+12065550100) when it is a possible number, else None."""
    text = text.strip()
    if not text or not _PHONE_CHARS.fullmatch(text):
        return None
    number = parse_phone(text, None if text.startswith("+") else default_region)
    import phonenumbers  # imported by parse_phone

    if number is None or not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_phone(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """`phonenumbers.parse`, None where it cannot read `text`, leaving no reference cycle behind.

    phonenumbers raises from inside an except block: its frame holds the first exception, whose traceback
    holds that frame, a cycle that kept every caller's frame (a duplicate scan's, with its locals) until a
    collection, or for good once frozen (gc_pause.py). The frames are let go of here."""
    # Imported at the first number read rather than with this module: about 35 ms of imports a start does
    # not need before its first rows.
    import phonenumbers

    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        seen: BaseException | None = exc
        while seen is not None:
            traceback.clear_frames(seen.__traceback__)
            seen = seen.__context__
        return None


def looks_like_phone(text: str) -> bool:
    """True for something typed as a phone number (mostly digits, 7 or more of them)."""
    text = text.strip()
    return bool(_PHONE_CHARS.fullmatch(text)) and len(digits(text)) >= 7


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def _length_problem(spec: FieldSpec, text: str) -> FieldProblem | None:
    if spec.max_length is not None and len(text) > spec.max_length:
        return FieldProblem(f"At most {spec.max_length} characters (this has {len(text)}).")
    if spec.min_length is not None and len(text) < spec.min_length:
        return FieldProblem(f"At least {spec.min_length} characters (this has {len(text)}).")
    return None


def _phone_problem(spec: FieldSpec, text: str) -> FieldProblem | None:
    count = len(digits(text))
    fits = (spec.min_digits is None or count >= spec.min_digits) and (
        spec.max_digits is None or count <= spec.max_digits)
    if spec.digits_only and not _ASCII_DIGITS.fullmatch(text):
        suggestion = digits(text) if fits and count else None
        hint = f" Use {suggestion}?" if suggestion else ""
        return FieldProblem("Digits only: no spaces, '+', dashes or brackets." + hint, suggestion)
    if not _PHONE_CHARS.fullmatch(text):
        return FieldProblem("Use digits, spaces, dashes, brackets and an optional leading '+'.")
    if not fits:
        low, high = spec.min_digits, spec.max_digits
        want = (f"{low}–{high}" if low is not None and high is not None
                else f"at least {low}" if low is not None else f"at most {high}")
        return FieldProblem(f"Needs {want} digits (this has {count}).")
    if text.startswith("+") and to_e164(text) is None:
        return FieldProblem("Not a possible number for that country code.")
    return None


def _date_problem(spec: FieldSpec, text: str) -> FieldProblem | None:
    expected = "YYYY-MM-DD or MM-DD" if spec.allow_no_year else "YYYY-MM-DD"
    full = _FULL_DATE.fullmatch(text)
    short = _MONTH_DAY.fullmatch(text) if spec.allow_no_year else None
    if full:
        year, month, day = (int(g) for g in full.groups())
    elif short:
        year, (month, day) = 0, (int(g) for g in short.groups())
    else:
        return FieldProblem(f"Enter a date as {expected}.")
    try:
        dt.date(year or 2000, month, day)  # year 0000 means "no year"; 2000 admits 29 February
    except ValueError:
        return FieldProblem("That day does not exist.")
    return None


def _key_value_problem(spec: FieldSpec, value: Any) -> FieldProblem | None:
    if not isinstance(value, Mapping):
        return FieldProblem("Expected key/value pairs.")
    if spec.max_entries is not None and len(value) > spec.max_entries:
        return FieldProblem(f"At most {spec.max_entries} entries (this has {len(value)}).")
    for key, item in value.items():
        if not str(key).strip():
            return FieldProblem("A key is empty.")
        if contains_card_number(str(key)) or contains_card_number(str(item)):
            return FieldProblem(f"'{key}': {CARD_NUMBER_MESSAGE}")
        if spec.max_key_length is not None and len(str(key)) > spec.max_key_length:
            return FieldProblem(f"Key '{key}' is longer than {spec.max_key_length} characters.")
        if spec.max_value_length is not None and len(str(item)) > spec.max_value_length:
            return FieldProblem(f"The value of '{key}' is longer than {spec.max_value_length} characters.")
    return None


def check_value(spec: FieldSpec, value: Any) -> FieldProblem | None:
    """The problem with `value` for this field, or None when it may be sent."""
    if _is_blank(value):
        return FieldProblem("Required.") if spec.required else None
    if spec.kind is FieldKind.BOOL:
        return None if isinstance(value, bool) else FieldProblem("Expected yes or no.")
    if spec.kind is FieldKind.KEY_VALUE:
        return _key_value_problem(spec, value)
    if not isinstance(value, str):
        return FieldProblem("Expected text.")
    if spec.kind is FieldKind.CHOICE:
        allowed = [c.value for c in spec.choices]
        return None if value in allowed else FieldProblem("Choose one of: " + ", ".join(allowed) + ".")
    if problem := _length_problem(spec, value):
        return problem
    if spec.kind in _FREE_TEXT and contains_card_number(value):
        return FieldProblem(CARD_NUMBER_MESSAGE)
    if spec.kind is FieldKind.EMAIL and (reason := email_problem(value)):
        return FieldProblem(f"Not a valid email address: {reason}")
    if spec.kind is FieldKind.PHONE and (problem := _phone_problem(spec, value)):
        return problem
    if spec.kind is FieldKind.DATE and (problem := _date_problem(spec, value)):
        return problem
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        return FieldProblem(spec.pattern_message or "Not in the expected format.")
    return None


def check_values(caps: Capabilities, values: Mapping[str, Any], *, creating: bool) -> dict[str, FieldProblem]:
    """Every problem in a dialog's values, keyed by field key (including 'at least one of')."""
    problems: dict[str, FieldProblem] = {}
    for spec in caps.fields:
        if not spec.editable or (spec.create_only and not creating) or spec.key not in values:
            continue
        if problem := check_value(spec, values[spec.key]):
            problems[spec.key] = problem
    for group in caps.required_one_of:
        present = [key for key in group if key in values]
        if present and all(_is_blank(values[key]) for key in present):
            labels = ", ".join(caps.field(key).label for key in group)
            problems.setdefault(present[0], FieldProblem(f"Enter at least one of: {labels}."))
    for given, needed in caps.required_together:
        if any(not _is_blank(values[key]) for key in given if key in values):
            for key in needed:
                if _is_blank(values.get(key)) and not (caps.field(key).create_only and not creating):
                    problems.setdefault(key, FieldProblem(f"{caps.field(key).label} is needed too: "
                                                          f"{caps.display_name} takes these only together."))
    return problems


def card_number_fields(specs: tuple[FieldSpec, ...], values: Mapping[str, Any]) -> dict[str, str]:
    """Free-text fields among `values` that hold a card number, with the message to show."""
    found: dict[str, str] = {}
    for spec in specs:
        value = values.get(spec.key)
        if spec.kind is FieldKind.KEY_VALUE and isinstance(value, Mapping):
            if any(contains_card_number(str(k)) or contains_card_number(str(v)) for k, v in value.items()):
                found[spec.key] = CARD_NUMBER_MESSAGE
        elif spec.kind in _FREE_TEXT and isinstance(value, str) and contains_card_number(value):
            found[spec.key] = CARD_NUMBER_MESSAGE
    return found


def clearing_problems(caps: Capabilities, before: Mapping[str, Any],
                      after: Mapping[str, Any]) -> dict[str, FieldProblem]:
    """Fields `after` leaves blank that held a value `before` but the provider cannot clear.

    The old value is offered back, since putting it back is the only edit that can be saved blank.
    """
    problems: dict[str, FieldProblem] = {}
    for spec in caps.fields:
        if spec.clearable or spec.key not in after or not _is_blank(after[spec.key]):
            continue
        old = before.get(spec.key)
        if not _is_blank(old):
            problems[spec.key] = FieldProblem(
                f"{caps.display_name} cannot clear this field: enter a new value or put the old one back.",
                suggestion=old if isinstance(old, str) else None, fix_label="Put it back")
    return problems
