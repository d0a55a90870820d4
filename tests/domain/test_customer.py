"""Customer, its masked payment methods, and what a dialog's edit amounts to."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from console.domain.changes import CustomerChanges
from console.domain.customer import Address, Customer, PaymentMethod, display_name


def test_display_name_is_derived_in_order() -> None:
    assert Customer(id="1", given_name="Ada", family_name="Lovelace", company="X").display_name == "Ada Lovelace"
    assert Customer(id="1", company="Acme").display_name == "Acme"
    assert Customer(id="1", email="a@example.com").display_name == "a@example.com"
    assert Customer(id="C1").display_name == "(C1)"
    assert display_name(Customer(id="1", given_name="Ada", extra={"description": "VIP"}),
                        ("description", "full_name")) == "VIP"


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        Customer(id="1", nick="x")  # type: ignore[call-arg]


def test_full_card_numbers_cannot_be_stored() -> None:
    with pytest.raises(ValidationError):
        PaymentMethod(id="p", last4="4111111111111111")
    card = PaymentMethod(id="p", brand="Visa", last4="1111", exp_month=4, exp_year=2031)
    assert card.masked() == "Visa •••• 1111"
    assert card.expiry() == "04/31"


def test_value_reaches_address_parts_and_extras() -> None:
    c = Customer(id="1", address=Address(city="Leeds"), extra={"nickname": "Al"})
    assert c.value("address.city") == "Leeds"
    assert c.value("address.line1") is None
    assert c.value("nickname") == "Al"
    assert Customer(id="2").value("address.city") is None


def test_changes_between_keep_only_what_changed_and_make_clearing_explicit() -> None:
    original = Customer(id="1", given_name="Ada", email="ada@example.com", note="hi")
    changes = CustomerChanges.between(original, {"given_name": "Ada", "email": "new@example.com",
                                                 "note": "", "phone": ""})
    assert changes.values == {"email": "new@example.com"}
    assert changes.cleared == {"note"}
    assert changes.get("note") is None and changes.get("phone", "same") == "same"
    assert CustomerChanges.between(None, {"given_name": "Bo", "email": ""}).values == {"given_name": "Bo"}


def test_merged_changes_let_the_later_edit_win() -> None:
    a = CustomerChanges(values={"email": "a@example.com"}, cleared=frozenset({"note"}))
    b = CustomerChanges(values={"note": "n"}, cleared=frozenset({"email"}))
    merged = a.merged(b)
    assert merged.values == {"note": "n"} and merged.cleared == {"email"}
