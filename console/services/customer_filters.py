"""Table filters beyond the search text: date ranges, "has email/phone" and the provider's status.

A plain value (saved per account in settings); `CustomerIndex.filter_mask` evaluates it over
values it keeps per position, so filtering 100,000 customers needs no per-row Python call.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict


class CustomerFilters(BaseModel):
    """Which customers the table shows, besides the search. Dates are local and inclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    created_from: date | None = None
    created_to: date | None = None
    updated_from: date | None = None
    updated_to: date | None = None
    has_email: bool = False
    has_phone: bool = False
    status: str | None = None   # a value of the provider's status field; "" for customers without one

    @property
    def active(self) -> bool:
        return self != NO_FILTERS

    def count(self) -> int:
        """How many filters are on (for the toolbar button's label)."""
        ranges = (self.created_from or self.created_to, self.updated_from or self.updated_to)
        return sum(1 for on in (*ranges, self.has_email, self.has_phone, self.status is not None) if on)


NO_FILTERS = CustomerFilters()


def day_bounds(first: date | None, last: date | None) -> tuple[float, float]:
    """POSIX seconds [start, end) covering local days `first`..`last`; open ends are infinite."""
    low = datetime.combine(first, time()).timestamp() if first else float("-inf")
    high = datetime.combine(last + timedelta(days=1), time()).timestamp() if last else float("inf")
    return low, high
