"""The normalised keys duplicates are found by, on real-world spellings."""

from __future__ import annotations

import pytest

from console.domain.duplicate_keys import (
    company_key,
    email_key,
    name_key,
    phone_key,
    postal_key,
    reference_key,
    sound_key,
    soundex,
)
from console.domain.nicknames import same_given_name

Name = tuple[str | None, str | None]


@pytest.mark.parametrize(("text", "key"), [
    ("Jane.Doe@Gmail.com", "janedoe@gmail.com"),
    ("j.a.n.e.doe+newsletter@gmail.com", "janedoe@gmail.com"),
    ("janedoe@googlemail.com", "janedoe@gmail.com"),
    ("  JANE.DOE@EXAMPLE.COM ", "jane.doe@example.com"),
    ("jane.doe+shop@example.com", "jane.doe+shop@example.com"),   # other providers may deliver +tags apart
    ("jane.doe@gmail.com.example.org", "jane.doe@gmail.com.example.org"),
    ("jane.doe@example.com", "jane.doe@example.com"),              # already lower case: kept as it is
    ("ÉLODIE@Exemple.FR", "élodie@exemple.fr"), ("42@Example.com", "42@example.com"),
    ("1234@5678.90", "1234@5678.90"),                             # nothing to lower
    ("+tag@gmail.com", None),
    ("not an address", None),
    ("@example.com", None),
    ("jane@localhost", None),
    ("", None),
    (None, None),
])
def test_email_key(text: str | None, key: str | None) -> None:
    assert email_key(text) == key


@pytest.mark.parametrize(("text", "region", "key"), [
    ("(415) 555-0123", "US", "+14155550123"),
    ("415.555.0123", "US", "+14155550123"),
    ("1-415-555-0123", "US", "+14155550123"),
    ("+1 415 555 0123", "US", "+14155550123"),
    ("4155550123", "CA", "+14155550123"),
    ("+1 (415) 555-0123", "GB", "+14155550123"),
    ("020 7946 0123", "GB", "+442079460123"),
    ("+44 20 7946 0123", "US", "+442079460123"),
    ("+44 (0)20 7946 0123", "US", "+442079460123"),   # the national trunk 0 written in brackets
    ("+44 020 7946 0123", "US", "+442079460123"),     # ... or without them
    ("+33 01 23 45 67 89", "FR", "+33123456789"),
    ("+1 212 555 0123 4", "US", None),                # one digit too many
    ("030 23125 123", "DE", "+493023125123"),
    ("+4420794601", "US", "+4420794601"),             # ten digits after "+" are not a US number
    ("(415) 555-0123", "GB", "+444155550123"),        # a national number is read in the account's country
    ("call me", "US", None),
    ("", "US", None),
])
def test_phone_key(text: str, region: str, key: str | None) -> None:
    assert phone_key(text, region) == key


@pytest.mark.parametrize(("a", "b"), [
    (("Élodie", "Chevalier"), ("elodie", "CHEVALIER")),
    (("John", "Smith"), ("Smith", "John")),
    (("Anne-Marie", "O'Brien"), ("Anne Marie", "OBrien")),
    (("Søren", "Ødegaard"), ("Soren", "Odegaard")),
    (("José María", None), (None, "María José")),
])
def test_name_key_folds_case_accents_and_order(a: Name, b: Name) -> None:
    assert name_key(*a) == name_key(*b)


def test_name_key_of_no_name_is_none() -> None:
    assert name_key(None, " ") is None
    assert name_key("Jane", "Doe") != name_key("John", "Doe")


@pytest.mark.parametrize(("word", "code"), [
    ("robert", "r163"), ("rupert", "r163"), ("ashcraft", "a261"), ("tymczak", "t522"), ("pfister", "p236"),
    ("smith", "s530"), ("smyth", "s530"), ("lee", "l000"), ("", ""),
])
def test_soundex_matches_the_published_codes(word: str, code: str) -> None:
    assert soundex(word) == code


def test_sound_key_meets_typos_and_swapped_names() -> None:
    assert sound_key("Jon", "Smyth") == sound_key("John", "Smith") == sound_key("Smith", "John")
    assert sound_key("Jane", "Doe") != sound_key("Mary", "Doe")
    assert sound_key(None, None) is None


@pytest.mark.parametrize(("text", "key"), [
    ("SW1A 1AA", "sw1a1aa"), ("sw1a1aa", "sw1a1aa"), ("94110-1234", "94110"), ("941101234", "94110"),
    ("M5V 2T6", "m5v2t6"), (" 75001 ", "75001"), ("", None), (None, None),
])
def test_postal_key(text: str | None, key: str | None) -> None:
    assert postal_key(text) == key


def test_company_and_reference_keys() -> None:
    assert company_key("Blue Heron Bakery, LLC") == company_key("blue heron bakery llc") == "blue heron bakery llc"
    assert company_key("Müller & Söhne") == "muller sohne"
    assert company_key("") is None
    assert reference_key(" CRM-10001 ") == reference_key("crm-10001") == "crm-10001"
    assert reference_key("  ") is None


@pytest.mark.parametrize(("a", "b", "same"), [
    ("bob", "robert", True), ("robert", "bob", True), ("liz", "elizabeth", True), ("john", "john", True),
    ("jon", "jonathan", True), ("jane", "john", False), ("bob", "bill", False),
])
def test_nicknames(a: str, b: str, same: bool) -> None:
    assert same_given_name(a, b) is same
