"""The card expiry rule: valid through the last day of the expiry month, marked 60 days before."""

from __future__ import annotations

from datetime import date

import pytest

from console.domain.card_expiry import (
    WARN_DAYS,
    CardExpiry,
    ExpiryState,
    card_expiry,
    expiry_status,
    soonest_expiry,
)
from console.domain.customer import Customer, PaymentMethod


def _state(month: int, year: int, today: date) -> tuple[ExpiryState, int]:
    status = expiry_status(CardExpiry(year, month), today)
    return status.state, status.days_left


@pytest.mark.parametrize(("month", "year", "today", "expected"), [
    # The last day of the month is still valid; the day after is not.
    (3, 2027, date(2027, 3, 31), (ExpiryState.EXPIRING, 0)),
    (3, 2027, date(2027, 4, 1), (ExpiryState.EXPIRED, -1)),
    # Thirty-day months end on the 30th.
    (4, 2027, date(2027, 4, 30), (ExpiryState.EXPIRING, 0)),
    (4, 2027, date(2027, 5, 1), (ExpiryState.EXPIRED, -1)),
    # Leap year: February 2028 ends on the 29th, February 2027 on the 28th.
    (2, 2028, date(2028, 2, 29), (ExpiryState.EXPIRING, 0)),
    (2, 2028, date(2028, 3, 1), (ExpiryState.EXPIRED, -1)),
    (2, 2027, date(2027, 2, 28), (ExpiryState.EXPIRING, 0)),
    (2, 2027, date(2027, 3, 1), (ExpiryState.EXPIRED, -1)),
    # December to January: a 12/26 card is expired on New Year's Day 2027, not a year later.
    (12, 2026, date(2026, 12, 31), (ExpiryState.EXPIRING, 0)),
    (12, 2026, date(2027, 1, 1), (ExpiryState.EXPIRED, -1)),
    (1, 2027, date(2026, 12, 31), (ExpiryState.EXPIRING, 31)),
    # Sixty days before the last day is the first marked day; the day before is not marked.
    (3, 2027, date(2027, 1, 30), (ExpiryState.EXPIRING, 60)),
    (3, 2027, date(2027, 1, 29), (ExpiryState.VALID, 61)),
    # Counting across a leap day: 31 March 2028 is 60 days after 31 January 2028.
    (3, 2028, date(2028, 1, 31), (ExpiryState.EXPIRING, 60)),
    (3, 2028, date(2028, 1, 30), (ExpiryState.VALID, 61)),
    # Long expired.
    (6, 2020, date(2027, 1, 1), (ExpiryState.EXPIRED, -2376)),
])
def test_status_at_the_boundaries(month: int, year: int, today: date,
                                  expected: tuple[ExpiryState, int]) -> None:
    assert _state(month, year, today) == expected


def test_the_warning_window_is_sixty_days_and_can_be_asked_otherwise() -> None:
    assert WARN_DAYS == 60
    expiry = CardExpiry(2027, 3)
    assert expiry_status(expiry, date(2027, 3, 1), warn_days=30).state is ExpiryState.EXPIRING
    assert expiry_status(expiry, date(2027, 2, 28), warn_days=30).state is ExpiryState.VALID


def test_last_day_and_printed_form() -> None:
    assert CardExpiry(2028, 2).last_day == date(2028, 2, 29)
    assert CardExpiry(2100, 2).last_day == date(2100, 2, 28)   # a century year that is not a leap year
    assert CardExpiry(2026, 12).last_day == date(2026, 12, 31)
    assert str(CardExpiry(2031, 4)) == "04/31"
    assert str(CardExpiry(2100, 1)) == "01/00"


@pytest.mark.parametrize(("month", "year", "expected"), [
    (4, 2031, CardExpiry(2031, 4)),
    (4, 31, CardExpiry(2031, 4)),          # two-digit years are this century
    (None, 2031, None), (4, None, None),   # Authorize.net masks the date unless asked
    (0, 2031, None), (13, 2031, None), (4, 0, None), (4, -1, None), (4, 10_000, None),
])
def test_missing_or_impossible_dates_have_no_expiry(month: int | None, year: int | None,
                                                      expected: CardExpiry | None) -> None:
    assert card_expiry(month, year) == expected


def test_soonest_expiry_passes_over_cards_without_one() -> None:
    cards = [PaymentMethod(id="a", exp_month=5, exp_year=2030),
             PaymentMethod(id="b"),
             PaymentMethod(id="c", exp_month=13, exp_year=2026),
             PaymentMethod(id="d", exp_month=11, exp_year=2029),
             PaymentMethod(id="e", kind="bank", last4="6789"),
             PaymentMethod(id="f", exp_month=1, exp_year=2030)]
    assert soonest_expiry(cards) == CardExpiry(2029, 11)
    assert soonest_expiry([PaymentMethod(id="b"), PaymentMethod(id="e", kind="bank")]) is None
    assert soonest_expiry([]) is None


def test_a_customer_answers_its_soonest_card_expiry_as_a_derived_field() -> None:
    customer = Customer(id="1", payment_methods=(PaymentMethod(id="a", exp_month=12, exp_year=2027),
                                                 PaymentMethod(id="b", exp_month=1, exp_year=2027)))
    assert customer.card_expires == CardExpiry(2027, 1)
    assert customer.value("card_expires") == CardExpiry(2027, 1)
    assert Customer(id="2").value("card_expires") is None
    assert PaymentMethod(id="x", exp_month=13, exp_year=2027).expiry() == ""
    assert PaymentMethod(id="x", exp_month=1, exp_year=27).expiry() == "01/27"
