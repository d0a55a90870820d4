"""The `Retry-After` value of an emulator's 429."""

from __future__ import annotations


def retry_after_value(seconds: float) -> str:
    """Whole seconds when possible; fractions (which keep tests fast) as short decimals clients parse as floats."""
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"
