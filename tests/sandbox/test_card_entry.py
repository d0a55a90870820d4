"""The emulators' shared card page pieces: brands by number, the checks a tokenizer makes, the way back."""

from __future__ import annotations

from datetime import date

import pytest

from console.sandbox.card_entry import CardRefused, back_to, brand_of, read_card

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("number", "brand"), [
    ("4111111111111111", "visa"), ("5105105105105100", "mastercard"), ("2223000048400011", "mastercard"),
    ("340000000000009", "amex"), ("378282246310005", "amex"), ("6011000000000004", "discover"),
    ("30000000000004", "diners"), ("3569990010095841", "jcb"), ("6222988812340000", "unionpay"),
    ("9999999999999995", "other"),
])
def test_brand_by_number(number: str, brand: str) -> None:
    assert brand_of(number) == brand


def test_a_card_keeps_only_its_masked_parts() -> None:
    typed = read_card({"card_number": "4111 1111 1111 1111", "exp_month": "3", "exp_year": "27", "cvv": "123"}, TODAY)
    assert (typed.masked.first6, typed.masked.last4, typed.masked.brand) == ("411111", "1111", "visa")
    assert (typed.masked.exp_month, typed.masked.exp_year) == (3, 2027)


@pytest.mark.parametrize(("fields", "part"), [
    ({"card_number": "4111111111111112"}, "number"),                     # fails Luhn
    ({"card_number": "41111111111"}, "number"),                          # too short
    ({"exp_month": "13"}, "expiry"), ({"exp_year": "2026", "exp_month": "11"}, "expiry"),  # past
    ({"exp_month": "x"}, "expiry"),
    ({"cvv": "12"}, "cvv"), ({"card_number": "378282246310005", "cvv": "123"}, "cvv"),  # Amex has four digits
])
def test_what_the_page_refuses(fields: dict[str, str], part: str) -> None:
    card = {"card_number": "4111111111111111", "exp_month": "12", "exp_year": "2030", "cvv": "123", **fields}
    with pytest.raises(CardRefused) as refused:
        read_card(card, TODAY)
    assert refused.value.part == part


def test_the_way_back_keeps_the_return_urls_own_parameters() -> None:
    answer = back_to("http://127.0.0.1:5/x/return?state=a%20b", {"token": "clv_1"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "http://127.0.0.1:5/x/return?state=a%20b&token=clv_1"
