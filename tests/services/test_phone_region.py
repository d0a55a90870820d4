"""Which country a customer's phone numbers are read in: their address's, else the default."""

from __future__ import annotations

import pytest

from console.domain.customer import Address, Customer
from console.services.phone_display import DEFAULT_REGION, display_phone, phone_region


@pytest.mark.parametrize(("customer", "region"), [
    (None, DEFAULT_REGION),
    (Customer(id="c1"), DEFAULT_REGION),
    (Customer(id="c2", address=Address(city="Berlin")), DEFAULT_REGION),
    (Customer(id="c3", address=Address(country="DE")), "DE"),
    (Customer(id="c4", address=Address(country="United Kingdom")), "GB"),
])
def test_the_region_is_the_address_country(customer: Customer | None, region: str) -> None:
    assert phone_region(customer) == region


def test_a_german_customer_sees_a_german_number_in_national_form() -> None:
    german = Customer(id="c", address=Address(country="DE"))
    assert display_phone("+49 30 901820", phone_region(german)) == "030 901820"
