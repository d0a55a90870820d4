"""Cells for spreadsheets we write (history, customers, a job's failures): text a person reads, and never
a formula a spreadsheet would run."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r")


def safe_cell(value: str) -> str:
    """`value` as a cell no spreadsheet runs: a leading apostrophe before a formula's first character."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def unsafe_cell(text: str) -> str:
    """A cell read back as it was before `safe_cell` (for imports of what we exported)."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text


def cell_text(value: Any) -> str:
    """A domain value as a person reads it in a cell: dates ISO, booleans yes/no, lists joined by '; ',
    mappings as JSON; nothing for None. Not yet made safe (see `safe_cell`)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list | set | frozenset):
        return "; ".join(cell_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)
