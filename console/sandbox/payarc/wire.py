"""PayArc wire facts the emulator needs: field rules with Laravel's messages, the `{data, meta}` envelope, errors."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from console.sandbox.refusal import Refusal

Record = dict[str, Any]

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
ZIP = re.compile(r"[0-9-]+")
_LETTERS = re.compile(r"[A-Za-z ]+")
_DIGITS = re.compile(r"[0-9]+")
RATE_HEADERS = {"x-ratelimit-limit": "30", "x-ratelimit-remaining": "29"}

# field -> (min length, max length, pattern, what the pattern allows)
RULES: dict[str, tuple[int | None, int, re.Pattern[str] | None, str]] = {
    "name": (3, 50, _LETTERS, "letters and spaces"),
    "email": (None, 40, None, ""),
    "description": (5, 50, None, ""),
    "send_email_address": (5, 40, None, ""),
    "cc_email_address": (5, 40, None, ""),
    "country": (2, 50, _LETTERS, "letters and spaces"),
    "address_1": (5, 50, None, ""),
    "address_2": (5, 50, None, ""),
    "city": (2, 50, _LETTERS, "letters and spaces"),
    "state": (2, 50, _LETTERS, "letters and spaces"),
    "zip": (None, 10, ZIP, "numbers and hyphens"),
    "phone": (2, 11, _DIGITS, "numbers"),
}
CUSTOMER_KEYS = ("object", "customer_id", "id", "name", "email", "description", "payment_overdue", "send_email_address",
                 "cc_email_address", "source_id", "address_1", "address_2", "city", "state", "zip", "phone",
                 "country", "created_at", "updated_at", "readable_created_at", "readable_updated_at",
                 "invoice_prefix", "card", "bank_account", "charge")


def refusal(status: int, message: str) -> Refusal:
    """PayArc's error body: the message and the status again."""
    return Refusal(status, {"message": message, "status_code": status})


def invalid(errors: dict[str, list[str]]) -> Refusal:
    """Laravel's 422 for fields that break the rules."""
    return Refusal(422, {"message": "The given data was invalid.", "errors": errors})


def check_fields(fields: dict[str, Any]) -> dict[str, list[str]]:
    """PayArc's documented rules, as Laravel words its validation messages."""
    errors: dict[str, list[str]] = {}
    for name, (low, high, pattern, allowed) in RULES.items():
        if name not in fields:
            continue
        value = fields[name]
        if not isinstance(value, str | int) or isinstance(value, bool):
            errors[name] = [f"The {name} must be a string."]
            continue
        text = str(value)
        problems = []
        if pattern is not None and not pattern.fullmatch(text):
            problems.append(f"The {name} may only contain {allowed}.")
        if name == "phone":
            if not 2 <= len(text) <= 11:
                problems.append("The phone must be between 2 and 11 digits.")
        elif low is not None and len(text) < low:
            problems.append(f"The {name} must be at least {low} characters.")
        if len(text) > high and name != "phone":
            problems.append(f"The {name} may not be greater than {high} characters.")
        if problems:
            errors[name] = problems
    return errors


def timestamp(moment: datetime, as_epoch: bool) -> int | str:
    # Older answers carry 'YYYY-MM-DD HH:MM:SS', newer ones epoch seconds; clients see both.
    return int(moment.timestamp()) if as_epoch else moment.strftime("%Y-%m-%d %H:%M:%S")


def envelope(record: Record) -> dict[str, Any]:
    """One customer in PayArc's `{data, meta}` envelope."""
    return {"data": {key: record.get(key) for key in CUSTOMER_KEYS},
            "meta": {"include": ["card", "charge", "subscription", "invoice"], "custom": []}}
