"""Phone numbers shown the way people read them, without changing what is stored."""

from __future__ import annotations

import phonenumbers

from console.domain.scan_customer import Scanned
from console.domain.validation import parse_phone
from console.services.countries import country

DEFAULT_REGION = "US"


def phone_region(customer: Scanned | None) -> str:
    """Where the customer's phone numbers are read as national numbers: their address's country."""
    return country_region(customer.address.country) if customer is not None and customer.address else DEFAULT_REGION


def country_region(text: str | None) -> str:
    """`phone_region` of an address in the country written `text`."""
    found = country(text)
    return found.code if found is not None else DEFAULT_REGION


def display_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """`text` in national form for numbers of `region`, international form for others; else unchanged."""
    number = parse_phone(text, region)
    if number is None or not phonenumbers.is_valid_number(number):
        return text
    same_country = phonenumbers.region_code_for_number(number) == region
    style = phonenumbers.PhoneNumberFormat.NATIONAL if same_country else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return str(phonenumbers.format_number(number, style))
