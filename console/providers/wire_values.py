"""Values typed in the dialog as a provider should receive them.

Two meanings, named apart: `stripped` keeps an emptied text as "" (Square and Clover send it to
clear a field, or drop it later); `blank_to_none` turns it into None (Authorize.net leaves the
element out, Digital River sends null).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def stripped(value: Any) -> Any:
    """Text without surrounding spaces; anything else (None, bools, numbers, maps) as it is."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value: Any) -> Any:
    """Like `stripped`, but text that is empty once stripped becomes None."""
    return value.strip() or None if isinstance(value, str) else value


def from_epoch(value: float, *, per_second: int = 1) -> datetime:
    """The UTC moment `value` counts since 1970 (in 1/`per_second` seconds).

    Raises ValueError for one no datetime can hold (year 10000, say), whatever the platform's own
    error (OverflowError, OSError), so a reader can report an unreadable answer instead of crashing.
    """
    try:
        return datetime.fromtimestamp(value / per_second, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"{value} is not a moment that can be read") from exc
