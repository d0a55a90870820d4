"""Square's customer custom attributes: key rules, schemas per data type, and value validation.

Sources: the official OpenAPI file (CustomAttributeDefinition, CustomAttribute and the request
types) and Square's custom attribute docs; where they are silent the choice is marked [inferred].
A definition's schema is a `$ref` to one of Square's common types, or, for a selection, a JSON
schema over Square's selection meta-schema whose `items.names` are the options and `items.enum`
their uids (parallel lists; Square makes the uids).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from console.domain.validation import email_problem
from console.sandbox.square.wire import ADDRESS_FIELDS, COUNTRIES, SquareError, bad_request, error

COMMON_SCHEMA = "https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common."
SELECTION_META_SCHEMA = "https://developer-production-s.squarecdn.com/meta-schemas/v1/selection.json"
# The `$ref` type names Square's customer custom attributes accept.
COMMON_TYPES = ("String", "Number", "Email", "PhoneNumber", "Address", "Date", "Boolean")
SELECTION = "Selection"

HIDDEN = "VISIBILITY_HIDDEN"
READ_ONLY = "VISIBILITY_READ_ONLY"
READ_WRITE = "VISIBILITY_READ_WRITE_VALUES"
VISIBILITIES = (HIDDEN, READ_ONLY, READ_WRITE)

SIMPLE_KEY = re.compile(r"[a-zA-Z0-9._-]{1,60}")
QUALIFIED_KEY = re.compile(r"([a-zA-Z0-9._-]+:)?[a-zA-Z0-9._-]{1,60}")
NAME_MAX = 255
DESCRIPTION_MAX = 255
IDEMPOTENCY_KEY_MAX = 45
MAX_OPTIONS = 100            # as for catalog selections [inferred for customers]
STRING_VALUE_MAX = 1000      # [inferred]
BULK_UPSERT_MAX = 25
LIST_DEFAULT = 20
LIST_MAX = 100

_SELECTION_KEYS = frozenset({"$schema", "type", "uniqueItems", "maxItems", "items"})
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Record = dict[str, Any]


def owned(key: str) -> bool:
    """Whether the requesting application made the definition: others' keys come qualified (`app:key`)."""
    return ":" not in key


def visible(definition: Record) -> bool:
    """Other applications never see a hidden definition or its values."""
    return owned(definition["key"]) or definition.get("visibility", HIDDEN) != HIDDEN


def values_writable(definition: Record) -> bool:
    return owned(definition["key"]) or definition.get("visibility") == READ_WRITE


def type_of(schema: Record) -> str:
    """The data type a stored (already validated) schema names."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(COMMON_SCHEMA)
    return SELECTION


def options_of(schema: Record) -> list[str]:
    """A selection's option uids (empty for other types)."""
    items = schema.get("items")
    return list(items.get("enum", [])) if isinstance(items, dict) else []


# -- definitions ------------------------------------------------------------------------------------


def _schema_error(detail: str, field: str) -> SquareError:
    return bad_request("INVALID_VALUE", detail, field)


def _selection_names(items: Any, field: str) -> list[str]:
    if not isinstance(items, dict):
        raise _schema_error("A selection schema needs `items` with the option `names`.", f"{field}.items")
    names = items.get("names")
    if (not isinstance(names, list) or not names or len(names) > MAX_OPTIONS
            or not all(isinstance(n, str) and n.strip() and len(n) <= NAME_MAX for n in names)):
        raise _schema_error(f"`items.names` must list 1 to {MAX_OPTIONS} option names of 1 to {NAME_MAX} "
                            "characters.", f"{field}.items.names")
    if len(set(names)) != len(names):
        raise _schema_error("Option names must be unique.", f"{field}.items.names")
    unknown = set(items) - {"names", "enum"}
    if unknown:
        raise _schema_error(f"Unknown selection setting `{sorted(unknown)[0]}`.", f"{field}.items")
    return names


def _max_items(schema: Record, field: str) -> int | None:
    if "maxItems" not in schema:
        return None
    value = schema["maxItems"]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_OPTIONS:
        raise _schema_error(f"`maxItems` must be a whole number from 1 to {MAX_OPTIONS}.", f"{field}.maxItems")
    return value


def _check_selection_shape(schema: Record, field: str) -> None:
    unknown = set(schema) - _SELECTION_KEYS
    if unknown:
        raise _schema_error(f"Unknown schema setting `{sorted(unknown)[0]}`.", field)
    if schema.get("type", "array") != "array" or schema.get("uniqueItems", True) is not True:
        raise _schema_error("A selection schema is an array of unique items.", field)


def checked_schema(schema: Any, field: str, new_uid: Callable[[], str]) -> Record:
    """The schema to store for a new definition: a known `$ref`, or a selection with fresh uids."""
    if not isinstance(schema, dict):
        raise bad_request("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field)
    if "$ref" in schema:
        ref = schema["$ref"]
        if set(schema) != {"$ref"} or not isinstance(ref, str) or ref.removeprefix(COMMON_SCHEMA) not in COMMON_TYPES \
                or not ref.startswith(COMMON_SCHEMA):
            raise _schema_error(f"Unsupported schema. Use a `$ref` to {COMMON_SCHEMA}<type> with one of "
                                f"{', '.join(COMMON_TYPES)}, or a selection schema.", field)
        return {"$ref": ref}
    if schema.get("$schema") != SELECTION_META_SCHEMA:
        raise _schema_error("Unsupported schema URI.", field)
    _check_selection_shape(schema, field)
    names = _selection_names(schema.get("items"), field)
    stored: Record = {"$schema": SELECTION_META_SCHEMA, "type": "array", "uniqueItems": True}
    limit = _max_items(schema, field)
    if limit is not None:
        stored["maxItems"] = limit
    # Square makes the uids; any sent with a new definition are not kept [inferred].
    stored["items"] = {"names": names, "enum": [new_uid() for _ in names]}
    return stored


def changed_schema(current: Record, schema: Any, field: str, new_uid: Callable[[], str]) -> Record:
    """A selection schema after an update: options renamed, added (new uids) or dropped, maxItems changed.

    `items.enum` lists the uids of the existing options being kept, in the order of the first
    `names`; names after them are new options [inferred: the update rules name only options and maxItems].
    """
    if type_of(current) != SELECTION:
        raise bad_request("BAD_REQUEST", "Only the schema of a selection definition can be changed.", field)
    if not isinstance(schema, dict):
        raise bad_request("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field)
    if schema.get("$schema", SELECTION_META_SCHEMA) != SELECTION_META_SCHEMA or "$ref" in schema:
        raise bad_request("BAD_REQUEST", "A selection definition cannot change its data type.", field)
    _check_selection_shape(schema, field)
    stored = {key: value for key, value in current.items() if key != "items"}
    if "maxItems" in schema:
        stored["maxItems"] = _max_items(schema, field)
    items = schema.get("items", current["items"])
    names = _selection_names(items, field)
    kept = items.get("enum", []) if isinstance(items, dict) else []
    existing = options_of(current)
    if (not isinstance(kept, list) or len(kept) > len(names) or len(set(map(str, kept))) != len(kept)
            or any(uid not in existing for uid in kept)):
        raise _schema_error("`items.enum` may list only existing option uids, one per name.", f"{field}.items.enum")
    stored["items"] = {"names": names, "enum": [*kept, *(new_uid() for _ in names[len(kept):])]}
    return stored


# -- values -----------------------------------------------------------------------------------------

def _invalid(detail: str, field: str, code: str = "INVALID_VALUE") -> SquareError:
    return SquareError(400, [error(code, detail, field)])


def _string(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise _invalid("Expected a string value.", field)
    return value


def _check_string(value: Any, field: str, definition: Record) -> Any:
    text = _string(value, field)
    if len(text) > STRING_VALUE_MAX:
        raise _invalid(f"The value must not be longer than {STRING_VALUE_MAX} characters.", field, "VALUE_TOO_LONG")
    return text


def _check_number(value: Any, field: str, definition: Record) -> Any:
    # Square's examples send numbers as decimal strings ("10.5"); a JSON number is taken too [inferred].
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _invalid("Expected a number, as a JSON number or a decimal string.", field)
    if isinstance(value, str) and not _DECIMAL.fullmatch(value):
        raise _invalid("Expected a decimal number such as 10.5.", field)
    try:
        finite = Decimal(str(value)).is_finite()
    except InvalidOperation:
        finite = False
    if not finite:
        raise _invalid("Expected a finite number.", field)
    return value


def _check_email(value: Any, field: str, definition: Record) -> Any:
    text = _string(value, field)
    problem = email_problem(text)
    if problem:
        raise _invalid(f"Invalid email address: {problem}", field, "INVALID_EMAIL_ADDRESS")
    return text


def _check_phone(value: Any, field: str, definition: Record) -> Any:
    text = _string(value, field)
    if not _E164.fullmatch(text):
        raise _invalid("Expected a phone number in E.164 format, such as +12065550100.", field,
                       "INVALID_PHONE_NUMBER")
    return text


def _check_date(value: Any, field: str, definition: Record) -> Any:
    text = _string(value, field)
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        date.fromisoformat(text)
    except ValueError:
        raise _invalid("Expected a date as YYYY-MM-DD.", field) from None
    return text


def _check_boolean(value: Any, field: str, definition: Record) -> Any:
    if not isinstance(value, bool):
        raise _invalid("Expected true or false.", field)
    return value


def _check_address(value: Any, field: str, definition: Record) -> Any:
    if not isinstance(value, dict):
        raise _invalid("Expected an Address object.", field)
    stored = {}
    for key, part in value.items():
        if key not in ADDRESS_FIELDS:
            raise _invalid(f"Unknown address field `{key}`.", f"{field}.{key}")
        if part is None:
            continue
        if not isinstance(part, str):
            raise _invalid("Expected a string.", f"{field}.{key}")
        if key == "country" and part not in COUNTRIES:
            raise _invalid(f"`{part}` is not a valid country code.", f"{field}.{key}", "INVALID_ENUM_VALUE")
        if part:
            stored[key] = part
    return stored


def _check_selection(value: Any, field: str, definition: Record) -> Any:
    schema = definition["schema"]
    allowed = options_of(schema)
    if not isinstance(value, list) or not all(isinstance(uid, str) for uid in value):
        raise _invalid("Expected an array of option uids.", field)
    if len(set(value)) != len(value):
        raise _invalid("An option may be selected only once.", field)
    unknown = [uid for uid in value if uid not in allowed]
    if unknown:
        raise _invalid(f"`{unknown[0]}` is not an option of this selection.", field)
    limit = schema.get("maxItems")
    if limit is not None and len(value) > limit:
        raise _invalid(f"At most {limit} option(s) may be selected.", field, "ARRAY_LENGTH_TOO_LONG")
    return value


_CHECKS: dict[str, Callable[[Any, str, Record], Any]] = {
    "String": _check_string, "Number": _check_number, "Email": _check_email, "PhoneNumber": _check_phone,
    "Date": _check_date, "Boolean": _check_boolean, "Address": _check_address, SELECTION: _check_selection,
}


def checked_value(value: Any, definition: Record, field: str) -> Any:
    """The value as stored, after checking it against the definition's schema (400 when it fails)."""
    if value is None:
        raise bad_request("MISSING_REQUIRED_PARAMETER", "`value` is required; delete the custom attribute to "
                          "remove it.", field)
    return _CHECKS[type_of(definition["schema"])](value, field, definition)
