"""Validation of the customer fields in create and update bodies, and applying them to a stored record.

Changes come out as {field: value}, where None means "remove"; the address and tax_ids values are
themselves {sub-field: value or None} because Square merges them instead of replacing them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from console.domain.validation import email_problem
from console.sandbox.square.wire import (
    ADDRESS_FIELDS,
    COUNTRIES,
    EU_VAT_MAX,
    IDENTITY_FIELDS,
    IGNORED_ADDRESS_FIELDS,
    STRING_LIMITS,
    WRITABLE_FIELDS,
    error,
    expected_string,
    unknown_parameter,
)

_PHONE_CHARS = re.compile(r"\+?[0-9 ()./\-]+")
_FULL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")
_ALNUM = re.compile(r"[A-Za-z0-9]+")

Changes = dict[str, Any]


def phone_problem(text: str) -> str | None:
    """Why Square would refuse this phone number (9-16 digits, optional leading +), or None."""
    if not _PHONE_CHARS.fullmatch(text):
        return "Expected the phone number to hold only digits, spaces, dashes, dots, brackets and a leading +."
    count = sum(ch.isdigit() for ch in text)
    if not 9 <= count <= 16:
        return f"Expected the phone number to have 9 to 16 digits (it has {count})."
    return None


def normalized_birthday(text: str) -> str | None:
    """YYYY-MM-DD for a valid `YYYY-MM-DD` or `MM-DD` (year 0000 when absent), else None."""
    full = _FULL_DATE.fullmatch(text)
    if full:
        year, month, day = (int(part) for part in full.groups())
    elif short := _MONTH_DAY.fullmatch(text):
        year, month, day = 0, int(short.group(1)), int(short.group(2))
    else:
        return None
    try:
        date(year or 2000, month, day)  # year 0000 means "no year"; 2000 is a leap year, so 02-29 passes
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _string_change(key: str, value: Any, prefix: str, errors: list[dict[str, str]]) -> tuple[bool, Any]:
    """(ok, value) for one top-level string field; None/"" become None (remove)."""
    field = prefix + key
    if value is None or value == "":
        return True, None
    if not isinstance(value, str):
        errors.append(expected_string(field))
        return False, None
    limit = STRING_LIMITS[key]
    if limit is not None and len(value) > limit:
        errors.append(error("VALUE_TOO_LONG", f"Field must not be greater than {limit} length", field))
        return False, None
    if key == "email_address" and (problem := email_problem(value)):
        errors.append(error("INVALID_EMAIL_ADDRESS", f"Invalid email address: {problem}", field))
        return False, None
    if key == "phone_number" and (problem := phone_problem(value)):
        errors.append(error("INVALID_PHONE_NUMBER", problem, field))
        return False, None
    if key == "birthday":
        birthday = normalized_birthday(value)
        if birthday is None:
            errors.append(error("INVALID_TIME", "Expected the birthday as YYYY-MM-DD or MM-DD.", field))
            return False, None
        return True, birthday
    return True, value


def _object_change(key: str, value: Any, prefix: str, errors: list[dict[str, str]]) -> tuple[bool, Any]:
    """(ok, {sub-field: value or None}) for the address or tax_ids object; None removes it."""
    field = prefix + key
    if value is None:
        return True, None
    if not isinstance(value, dict):
        errors.append(error("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field))
        return False, None
    return (_address_parts if key == "address" else _tax_id_parts)(value, field, errors)


def _address_parts(value: dict[str, Any], field: str, errors: list[dict[str, str]]) -> tuple[bool, Any]:
    parts: dict[str, str | None] = {}
    ok = True
    for key, part in value.items():
        sub = f"{field}.{key}"
        if key not in ADDRESS_FIELDS:
            errors.append(unknown_parameter(sub))
            ok = False
        elif key in IGNORED_ADDRESS_FIELDS:
            continue
        elif part is None or part == "":
            parts[key] = None
        elif not isinstance(part, str):
            errors.append(expected_string(sub))
            ok = False
        elif key == "country" and part not in COUNTRIES:
            errors.append(error("INVALID_ENUM_VALUE", f"`{part}` is not a valid country code.", sub))
            ok = False
        else:
            parts[key] = part
    return ok, parts


def _tax_id_parts(value: dict[str, Any], field: str, errors: list[dict[str, str]]) -> tuple[bool, Any]:
    parts: dict[str, str | None] = {}
    for key, part in value.items():
        sub = f"{field}.{key}"
        if key != "eu_vat":
            errors.append(unknown_parameter(sub))
            return False, None
        if part is None or part == "":
            parts[key] = None
        elif not isinstance(part, str):
            errors.append(expected_string(sub))
            return False, None
        elif len(part) > EU_VAT_MAX:
            errors.append(error("VALUE_TOO_LONG", f"Field must not be greater than {EU_VAT_MAX} length", sub))
            return False, None
        elif not _ALNUM.fullmatch(part):
            errors.append(error("INVALID_VALUE", "The EU VAT number may hold letters and digits only.", sub))
            return False, None
        else:
            parts[key] = part
    return True, parts


def customer_changes(data: dict[str, Any], prefix: str = "") -> tuple[Changes, list[dict[str, str]]]:
    """The validated changes in `data` (writable customer fields only) and every problem found."""
    changes: Changes = {}
    errors: list[dict[str, str]] = []
    for key, value in data.items():
        if key not in WRITABLE_FIELDS:
            field = prefix + key
            errors.append(unknown_parameter(field))
            continue
        if key in ("address", "tax_ids"):
            ok, change = _object_change(key, value, prefix, errors)
        else:
            ok, change = _string_change(key, value, prefix, errors)
        if ok:
            changes[key] = change
    return changes, errors


def _merged(current: dict[str, Any] | None, parts: dict[str, Any] | None) -> dict[str, Any] | None:
    if parts is None:
        return None
    merged = dict(current or {})
    for key, value in parts.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged or None


def applied(record: dict[str, Any], changes: Changes) -> dict[str, Any]:
    """A new record with `changes` applied (the stored record is never modified in place)."""
    new = dict(record)
    for key, value in changes.items():
        if key in ("address", "tax_ids"):
            value = _merged(record.get(key), value)
        if value is None:
            new.pop(key, None)
        else:
            new[key] = value
    return new


def has_identity(record: dict[str, Any]) -> bool:
    """Whether the profile has one of the five fields that make it listed and searchable."""
    return any(record.get(field) for field in IDENTITY_FIELDS)


MISSING_IDENTITY = error(
    "MISSING_REQUIRED_PARAMETER",
    "At least one of `given_name`, `family_name`, `company_name`, `email_address` or `phone_number` is required.",
)
