"""What a valid custom field value and definition are, per type, with messages staff can act on.

The limits are Square's (Customer Custom Attributes API and its OpenAPI file): a definition's
key is 1-60 of `A-Za-z0-9._-`, its name and description at most 255 characters; a String value
holds at most 1,000 characters; a Number is a decimal string with at most 5 decimal places
within +/-(2^63-1)/10^5; an Email is an address, a PhoneNumber E.164, a Date YYYY-MM-DD; a
Selection holds option uids, each at most once and no more than the definition's maximum.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from console.domain.card_numbers import CARD_NUMBER_MESSAGE, contains_card_number
from console.domain.custom_fields import CustomFieldDefinition, CustomFieldType
from console.domain.customer import Address
from console.domain.text_folding import fold
from console.domain.validation import FieldProblem, email_problem, to_e164

KEY_MAX = 60
KEY_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,60}")
NAME_MAX = 255
DESCRIPTION_MAX = 255
STRING_MAX = 1000
NUMBER_DECIMALS = 5
NUMBER_LIMIT = Decimal(2**63 - 1) / Decimal(10**NUMBER_DECIMALS)
OPTIONS_MAX = 100
OPTION_NAME_MAX = 255
EMAIL_MAX = 254

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NOT_KEY = re.compile(r"[^a-z0-9._-]+")


def is_blank(value: Any) -> bool:
    """No value: the field is unset (saving it deletes the customer's value)."""
    return value is None or value == "" or value == () or value == []


# -- values -----------------------------------------------------------------------------------
def number_problem(text: str) -> FieldProblem | None:
    if not _NUMBER.fullmatch(text):
        return FieldProblem("Enter a number such as 12 or -3.5 (digits, an optional '-' and '.').")
    decimals = len(text.partition(".")[2])
    if decimals > NUMBER_DECIMALS:
        return FieldProblem(f"At most {NUMBER_DECIMALS} digits after the decimal point (this has {decimals}).")
    if abs(Decimal(text)) > NUMBER_LIMIT:
        return FieldProblem(f"Too large: Square keeps numbers between -{NUMBER_LIMIT} and {NUMBER_LIMIT}.")
    return None


def phone_problem(text: str) -> FieldProblem | None:
    if _E164.fullmatch(text) and to_e164(text) == text:
        return None
    e164 = to_e164(text)
    if e164 is not None:
        return FieldProblem(f"Square keeps phone numbers in international form: {e164}.", suggestion=e164)
    return FieldProblem("Not a phone number: type it with its country code, such as +1 206 555 0100.")


def date_problem(text: str) -> FieldProblem | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return FieldProblem("Enter a date as YYYY-MM-DD.")
    try:
        dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return FieldProblem("That day does not exist.")
    return None


def selection_problem(definition: CustomFieldDefinition, value: Any) -> FieldProblem | None:
    if not isinstance(value, tuple | list) or not all(isinstance(v, str) for v in value):
        return FieldProblem("Expected a list of choices.")
    known = {o.uid for o in definition.options}
    if unknown := [v for v in value if v not in known]:
        return FieldProblem(f"Not a choice of this field: {', '.join(unknown)}.")
    if len(set(value)) != len(value):
        return FieldProblem("A choice is selected twice.")
    limit = definition.max_selections
    if limit is not None and len(value) > limit:
        return FieldProblem("Choose one." if limit == 1 else f"Choose at most {limit} (this has {len(value)}).")
    return None


def _text_problem(definition: CustomFieldDefinition, text: str) -> FieldProblem | None:
    kind = definition.type
    if kind is CustomFieldType.STRING:
        if len(text) > STRING_MAX:
            return FieldProblem(f"At most {STRING_MAX} characters (this has {len(text)}).")
        return FieldProblem(CARD_NUMBER_MESSAGE) if contains_card_number(text) else None
    if kind is CustomFieldType.NUMBER:
        return number_problem(text)
    if kind is CustomFieldType.EMAIL:
        if len(text) > EMAIL_MAX:
            return FieldProblem(f"At most {EMAIL_MAX} characters (this has {len(text)}).")
        reason = email_problem(text)
        return FieldProblem(f"Not a valid email address: {reason}") if reason else None
    if kind is CustomFieldType.PHONE:
        return phone_problem(text)
    if kind is CustomFieldType.DATE:
        return date_problem(text)
    return FieldProblem("Expected a value of this field's type.")


def value_problem(definition: CustomFieldDefinition, value: Any) -> FieldProblem | None:
    """Why `value` cannot be saved in this field, or None (blank is always allowed: it clears)."""
    if is_blank(value):
        return None
    kind = definition.type
    if kind is CustomFieldType.BOOLEAN:
        return None if isinstance(value, bool) else FieldProblem("Expected yes or no.")
    if kind is CustomFieldType.SELECTION:
        return selection_problem(definition, value)
    if kind is CustomFieldType.ADDRESS:
        return None if isinstance(value, Address) else FieldProblem("Expected an address.")
    if not isinstance(value, str):
        return FieldProblem("Expected text.")
    return _text_problem(definition, value)


# -- definitions ------------------------------------------------------------------------------
def definition_problems(definition: CustomFieldDefinition, *,
                        taken_names: Iterable[str] = ()) -> dict[str, FieldProblem]:
    """Problems with a definition before it is sent, keyed 'key', 'name', 'description', 'options',
    'max_selections'. `taken_names` are the account's other definitions' names (Square wants them unique)."""
    problems: dict[str, FieldProblem] = {}
    if not KEY_PATTERN.fullmatch(definition.key):
        problems["key"] = FieldProblem(f"1 to {KEY_MAX} letters, digits, '.', '_' or '-'.")
    name = definition.name.strip()
    if not name:
        problems["name"] = FieldProblem("Required.")
    elif len(name) > NAME_MAX:
        problems["name"] = FieldProblem(f"At most {NAME_MAX} characters (this has {len(name)}).")
    elif fold(name) in {fold(n.strip()) for n in taken_names}:
        problems["name"] = FieldProblem("Another custom field has this name.")
    description = definition.description.strip()
    if len(description) > DESCRIPTION_MAX:
        problems["description"] = FieldProblem(f"At most {DESCRIPTION_MAX} characters (this has {len(description)}).")
    if definition.type is CustomFieldType.SELECTION:
        if problem := _options_problem(definition):
            problems["options"] = problem
        limit = definition.max_selections
        if limit is not None and not 1 <= limit <= max(1, len(definition.options)):
            problems["max_selections"] = FieldProblem(
                f"Between 1 and the number of choices ({len(definition.options)}).")
    return problems


def _options_problem(definition: CustomFieldDefinition) -> FieldProblem | None:
    names = [o.name.strip() for o in definition.options]
    if not names:
        return FieldProblem("Add at least one choice.")
    if len(names) > OPTIONS_MAX:
        return FieldProblem(f"At most {OPTIONS_MAX} choices (this has {len(names)}).")
    if any(not n for n in names):
        return FieldProblem("A choice has no name.")
    if too_long := [n for n in names if len(n) > OPTION_NAME_MAX]:
        return FieldProblem(f"A choice is longer than {OPTION_NAME_MAX} characters: {too_long[0][:40]}…")
    folded = [fold(n) for n in names]
    if len(set(folded)) != len(folded):
        return FieldProblem("Two choices have the same name.")
    return None


def key_from_name(name: str, taken: Iterable[str] = ()) -> str:
    """A definition key made from its name ('Favourite drink' -> 'favourite-drink'), unique among `taken`."""
    base = _NOT_KEY.sub("-", fold(name)).strip("-._")[:KEY_MAX].strip("-._") or "field"
    used = set(taken)
    key, n = base, 2
    while key in used:
        suffix = f"-{n}"
        key = base[:KEY_MAX - len(suffix)] + suffix
        n += 1
    return key


# -- showing ----------------------------------------------------------------------------------
def display_text(definition: CustomFieldDefinition | None, value: Any) -> str:
    """How a value reads in a table cell and is found by the search: selections by option name."""
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Address):
        return value.one_line()
    if isinstance(value, tuple | list):
        names: Mapping[str, str] = {o.uid: o.name for o in definition.options} if definition else {}
        return ", ".join(names.get(v, v) for v in value)
    return str(value)
