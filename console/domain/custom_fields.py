"""Custom fields a seller keeps beside the profile (Square's customer custom attributes).

A definition says what a field is (its key, name, type and who may write it); a value is one
customer's entry for one definition. Both carry the provider's `version`, so a stale write is
refused like a stale profile update.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

# A custom field as a table column / `Customer.value` key: "custom.<definition key>".
CUSTOM_PREFIX = "custom."


class CustomFieldType(StrEnum):
    """The value types a definition's schema can name; the values are what settings and drafts store."""

    STRING = "string"
    NUMBER = "number"
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    DATE = "date"
    BOOLEAN = "boolean"
    SELECTION = "selection"


class _Frozen(BaseModel):
    # Validators built at first use (pydantic locks that build): a start needs none of these (P1b).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class SelectionOption(_Frozen):
    """One choice of a selection field: the provider's stable id and the name staff see."""

    uid: str
    name: str


class CustomFieldDefinition(_Frozen):
    """A custom field the account defines for every customer."""

    key: str
    name: str
    type: CustomFieldType
    description: str = ""
    options: tuple[SelectionOption, ...] = ()     # SELECTION
    max_selections: int | None = None             # SELECTION: None = any number
    # Another application owns it and lets this one only read (Square's visibility).
    read_only: bool = False
    # This application made it, so it may change or delete it; the seller's own Dashboard fields
    # and other applications' fields can only be read (and their values written when not read_only).
    owned: bool = True
    visibility: str | None = None                 # the provider's own word for who sees it
    version: int | None = None


class CustomFieldValue(_Frozen):
    """One customer's value of one custom field.

    `value` by type: str for string, number (a decimal string), email, phone (E.164) and date
    (YYYY-MM-DD); bool for boolean; an `Address` for address; a tuple of option uids for selection.
    """

    key: str
    value: Any
    version: int | None = None


def column_key(definition_key: str) -> str:
    """The table column / `Customer.value` key of a custom field."""
    return CUSTOM_PREFIX + definition_key
