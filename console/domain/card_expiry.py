"""When a card on file stops working: its expiry month, and its standing on a given day.

A card printed "03/27" is valid through the last day of March 2027 and expired from 1 April on.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

# A card is marked as expiring this many days before its last valid day (and on every day up to it).
WARN_DAYS = 60


class ExpiryState(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"   # valid still, for at most WARN_DAYS more days
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True, order=True)
class CardExpiry:
    """A card's expiry month (year first, so instances order by date)."""

    year: int
    month: int

    def __str__(self) -> str:
        """As printed on the card: 'MM/YY'."""
        return f"{self.month:02d}/{self.year % 100:02d}"

    @property
    def last_day(self) -> date:
        """The last day the card is valid."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


@dataclass(frozen=True, slots=True)
class ExpiryStatus:
    state: ExpiryState
    days_left: int   # valid days after `today`: 0 on the last valid day, negative once expired


class HasExpiry(Protocol):
    @property
    def exp_month(self) -> int | None: ...
    @property
    def exp_year(self) -> int | None: ...


def card_expiry(month: int | None, year: int | None) -> CardExpiry | None:
    """The expiry of a card whose provider gave `month` and `year`; None when either is missing or
    impossible (Authorize.net masks both as 'XXXX' unless asked). Two-digit years are 20YY."""
    if not month or not year or not 1 <= month <= 12 or year < 0:
        return None
    if year < 100:
        year += 2000
    if not 1 <= year <= 9999:
        return None
    return CardExpiry(year, month)


def expiry_of(card: HasExpiry) -> CardExpiry | None:
    return card_expiry(card.exp_month, card.exp_year)


def expiry_status(expiry: CardExpiry, today: date, warn_days: int = WARN_DAYS) -> ExpiryStatus:
    """How a card with `expiry` stands on `today`."""
    days_left = (expiry.last_day - today).days
    if days_left < 0:
        return ExpiryStatus(ExpiryState.EXPIRED, days_left)
    return ExpiryStatus(ExpiryState.EXPIRING if days_left <= warn_days else ExpiryState.VALID, days_left)


def soonest_expiry(cards: Iterable[HasExpiry]) -> CardExpiry | None:
    """The earliest expiry among `cards` (those without one are passed over); None when none has one."""
    soonest: CardExpiry | None = None
    for card in cards:
        month, year = card.exp_month, card.exp_year
        if month and year:   # a customer has few cards, most with both; the check spares a call per card without
            expiry = card_expiry(month, year)
            if expiry is not None and (soonest is None or expiry < soonest):
                soonest = expiry
    return soonest
