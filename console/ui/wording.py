"""Counted nouns said properly: "1 customer", "2 customers", never "customer(s)"."""

from __future__ import annotations


def count_of(n: int, singular: str, plural: str | None = None) -> str:
    """`n` with its noun in the right number, the number grouped as the locale does (1,234)."""
    return f"{n:n} {singular if n == 1 else plural or singular + 's'}"
