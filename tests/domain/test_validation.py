"""Field rules as the dialog applies them before anything is sent."""

from __future__ import annotations

import gc

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from console.domain.capabilities import Capabilities, Choice, FieldKind, FieldSpec
from console.domain.validation import check_value, check_values, is_email, looks_like_phone, parse_phone, to_e164

SQUARE_PHONE = FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, min_digits=9, max_digits=16)
DIGITS_PHONE = FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, min_digits=2, max_digits=11,
                         digits_only=True)
EMAIL = FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, max_length=254)


@pytest.mark.parametrize("value", ["ada@example.com", "o'brien@mail.example.co.uk", "x+tag@example.org"])
def test_valid_emails_pass(value: str) -> None:
    assert check_value(EMAIL, value) is None


@pytest.mark.parametrize("value", ["ada@", "ada@example", "two@@example.com", "plain"])
def test_invalid_emails_are_refused_with_a_reason(value: str) -> None:
    problem = check_value(EMAIL, value)
    assert problem is not None
    assert problem.message.startswith("Not a valid email address")


def test_length_limit_names_both_numbers() -> None:
    spec = FieldSpec(key="given_name", label="First name", max_length=5)
    problem = check_value(spec, "Adalbert")
    assert problem is not None and "5" in problem.message and "8" in problem.message


@pytest.mark.parametrize("value", ["+1-212-555-4240", "(206) 555-0142", "+44 20 7946 0000"])
def test_square_phone_rule_accepts_formatted_numbers(value: str) -> None:
    assert check_value(SQUARE_PHONE, value) is None


@pytest.mark.parametrize(("value", "why"), [("555-0142", "9–16 digits"), ("call me", "Use digits"),
                                            ("+99 1234 56789", "not a possible number")])
def test_square_phone_rule_refuses(value: str, why: str) -> None:
    problem = check_value(SQUARE_PHONE, value)
    assert problem is not None and why.lower() in problem.message.lower()


def test_digits_only_phone_offers_the_normalised_number() -> None:
    problem = check_value(DIGITS_PHONE, "+1 541 754 301")
    assert problem is not None
    assert problem.suggestion == "1541754301"
    assert "1541754301" in problem.message


def test_digits_only_phone_offers_nothing_when_the_digits_would_not_fit() -> None:
    problem = check_value(DIGITS_PHONE, "+44 20 7946 0000 11")
    assert problem is not None and problem.suggestion is None


@pytest.mark.parametrize(("value", "ok"), [("1990-02-28", True), ("02-29", True), ("2023-02-29", False),
                                           ("1990/02/28", False), ("13-01", False)])
def test_birthday_with_or_without_year(value: str, ok: bool) -> None:
    spec = FieldSpec(key="birthday", label="Birthday", kind=FieldKind.DATE, allow_no_year=True)
    assert (check_value(spec, value) is None) is ok


def test_choice_and_pattern_and_required() -> None:
    choice = FieldSpec(key="t", label="Type", kind=FieldKind.CHOICE,
                       choices=(Choice(value="individual", label="Individual"),))
    assert check_value(choice, "business") is not None
    pattern = FieldSpec(key="c", label="Country", pattern="[A-Z]{2}", pattern_message="Two letters")
    assert check_value(pattern, "usa") is not None and check_value(pattern, "US") is None
    required = FieldSpec(key="n", label="Name", required=True)
    assert check_value(required, "") is not None and check_value(required, "  x") is None


def test_key_value_limits() -> None:
    spec = FieldSpec(key="metadata", label="Metadata", kind=FieldKind.KEY_VALUE, max_entries=2,
                     max_key_length=3, max_value_length=4)
    assert check_value(spec, {"a": "1", "b": "2", "c": "3"}) is not None
    assert check_value(spec, {"long": "1"}) is not None
    assert check_value(spec, {"a": "12345"}) is not None
    assert check_value(spec, {"a": "1234"}) is None


def test_at_least_one_of_is_reported_on_the_first_field() -> None:
    caps = Capabilities(provider="p", display_name="P",
                        fields=(FieldSpec(key="given_name", label="First name"), EMAIL),
                        required_one_of=(("given_name", "email"),))
    problems = check_values(caps, {"given_name": "", "email": ""}, creating=True)
    assert list(problems) == ["given_name"]
    assert "First name, Email" in problems["given_name"].message
    assert check_values(caps, {"given_name": "", "email": "a@example.com"}, creating=True) == {}


def test_other_scripts_digits_are_not_phone_digits() -> None:
    assert check_value(DIGITS_PHONE, "٠١٢٣") is not None
    assert check_value(SQUARE_PHONE, "٠١٢٣٤٥٦٧٨٩") is not None


def test_lookup_detection() -> None:
    assert is_email("ada@example.com") and not is_email("ada")
    assert looks_like_phone("(206) 555-0142") and not looks_like_phone("ada 555")
    assert to_e164("+1 (206) 222-3333") == "+12062223333"
    assert to_e164("not a number") is None


LETTERS = FieldSpec(key="p", label="P", pattern="[A-Za-z ]+", min_length=3, max_length=50)


@given(st.text(max_size=80))
@example("ab")
@example("abc")
@example("a" * 50)
@example("a" * 51)
def test_validators_never_raise_on_any_text(text: str) -> None:
    for spec in (EMAIL, SQUARE_PHONE, DIGITS_PHONE,
                 FieldSpec(key="b", label="B", kind=FieldKind.DATE, allow_no_year=True), LETTERS):
        problem = check_value(spec, text)
        assert problem is None or problem.message
    letters_ok = all(ch.isascii() and (ch.isalpha() or ch == " ") for ch in text)
    assert (check_value(LETTERS, text) is None) == (text == "" or (letters_ok and 3 <= len(text) <= 50))


@given(st.text(alphabet="0123456789", min_size=9, max_size=16))
@example("2" * 9)
@example("2" * 16)
def test_any_nine_to_sixteen_digits_fit_square_without_a_plus(number: str) -> None:
    assert check_value(SQUARE_PHONE, number) is None



def test_an_address_clover_takes_only_whole_is_refused_in_part_before_anything_is_sent() -> None:
    from console.domain.validation import check_values
    from console.providers.clover.capabilities import CAPABILITIES as CLOVER

    whole = {"given_name": "Ana", "address.line1": "1 Main St", "address.city": "Sunnyvale",
             "address.state": "CA", "address.postal_code": "94085", "address.country": "US"}
    assert check_values(CLOVER, whole, creating=True) == {}
    assert check_values(CLOVER, {"given_name": "Ana"}, creating=True) == {}   # no address at all
    partial = {**whole, "address.state": "", "address.postal_code": ""}
    problems = check_values(CLOVER, partial, creating=True)
    assert set(problems) == {"address.state", "address.postal_code"}
    assert "Clover takes these only together" in problems["address.state"].message
    only_line2 = check_values(CLOVER, {"given_name": "Ana", "address.line2": "Flat 2"}, creating=True)
    assert set(only_line2) == {"address.line1", "address.city", "address.state", "address.postal_code",
                               "address.country"}


def test_a_number_that_cannot_be_read_leaves_no_reference_cycle() -> None:
    # phonenumbers raises from inside an except block; the cycle it left kept the callers' frames.
    gc.collect()
    gc.disable()
    try:
        assert [to_e164(text) for text in ("12", "+999 123", "1-800-FLOWERS", "+")] == [None] * 4
        assert parse_phone("(415) 555-0100", "US") is not None
        assert gc.collect() == 0
    finally:
        gc.enable()
