"""Column guesses from real-world header spellings and from our own export's headers; the mapping
file; the mapping remembered per header set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.domain.customer_columns import CORE_COLUMNS, ORIGIN_HEADERS, header_for
from console.providers.registry import provider
from console.services.import_mapping import (
    MappingError,
    guess_field,
    guess_mapping,
    mapping_memory,
    read_mapping_file,
)

SQUARE = provider("square").capabilities
CLOVER = provider("clover").capabilities
AUTHORIZE = provider("authorize-net").capabilities
PAYARC = provider("payarc").capabilities

REAL_WORLD = {
    "E-mail": "email", "email address": "email", "EMAIL_ADDRESS": "email", "E-Mail-Adresse": None,
    "Email Address:": "email", "Phone number": "phone", "Mobile": "phone", "Cell Phone": "phone",
    "Telephone": "phone", "First name": "given_name", "FirstName": "given_name", "first_name": "given_name",
    "Given name": "given_name", "Prénom": "given_name", "Surname": "family_name", "Last name": "family_name",
    "LAST NAME": "family_name", "Family name": "family_name", "Zip": "address.postal_code",
    "ZIP code": "address.postal_code", "Postcode": "address.postal_code", "Post code": "address.postal_code",
    "Postal Code": "address.postal_code", "Company name": "company", "Organisation": "company",
    "Organization": "company", "Business": "company", "Street": "address.line1", "Address 1": "address.line1",
    "Address": "address.line1", "Street address": "address.line1", "Address 2": "address.line2",
    "Apt/Suite": None, "Suite": "address.line2", "City": "address.city", "Town": "address.city",
    "State/Province": "address.state", "Province": "address.state", "County": "address.state",
    "Country": "address.country", "Notes": "note", "Comments": "note", "Date of birth": "birthday",
    "DOB": "birthday", "Customer number": "reference_id", "Reference": "reference_id",
    "External ID": "reference_id", "Favourite colour": None, "": None,
}


@pytest.mark.parametrize(("header", "key"), REAL_WORLD.items())
def test_real_world_headers_are_guessed(header: str, key: str | None) -> None:
    assert guess_field(header, SQUARE) == key


@pytest.mark.parametrize(("key", "header"), CORE_COLUMNS)
def test_our_export_headers_map_back_to_their_field(key: str, header: str) -> None:
    assert guess_field(header, SQUARE) == key


def test_provider_fields_are_found_by_their_label_and_origin_columns_are_never_values() -> None:
    assert guess_field(header_for("eu_vat", "EU VAT number"), SQUARE) == "eu_vat"
    assert guess_field("Business name", CLOVER) == "company"      # Clover's own label
    assert guess_field("Merchant customer id", AUTHORIZE) == "reference_id"
    for header in ORIGIN_HEADERS:
        assert guess_field(header, SQUARE) is None


def test_a_whole_name_goes_where_the_target_keeps_one() -> None:
    assert guess_field("Name", AUTHORIZE) == "description"
    assert guess_field("Full name", PAYARC) == "given_name"
    assert guess_field("Name", SQUARE) is None   # first and last are separate there: staff choose


def test_fields_the_target_lacks_are_not_guessed_and_a_field_is_filled_once() -> None:
    assert guess_field("Birthday", AUTHORIZE) is None
    # First and last name are offered to a whole-name target: the plan joins them into it.
    assert guess_mapping(["First name", "Last name"], AUTHORIZE) == ["given_name", "family_name"]
    assert guess_mapping(["First name", "Last name"], PAYARC) == ["given_name", "family_name"]
    assert guess_mapping(["Email", "E-mail", "Customer id", "Zip"], CLOVER) == [
        "email", None, None, "address.postal_code"]


def test_a_mapping_file_names_columns_and_the_rest_is_guessed(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"columns": {"Contact": "email", "e-mail": None}}))
    assert read_mapping_file(path, ["Contact", "E-mail", "Zip"], SQUARE) == [
        "email", None, "address.postal_code"]


@pytest.mark.parametrize(("content", "says"), [
    ("not json", "is not JSON"),
    ('{"columns": ["email"]}', 'needs {"columns"'),
    ('{"columns": {"Contact": 3}}', 'needs {"columns"'),
    ('{"columns": {"Nope": "email"}}', "does not have: “Nope”"),
    ('{"columns": {"Contact": "shoe_size"}}', "has no field 'shoe_size'"),
    ('{"columns": {"Contact": "email", "Mail": "email"}}', "both fill 'email'"),
])
def test_a_bad_mapping_file_is_one_line(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "map.json"
    path.write_text(content)
    with pytest.raises(MappingError) as caught:
        read_mapping_file(path, ["Contact", "Mail"], SQUARE)
    assert says in caught.value.message and "\n" not in caught.value.message


def test_a_mapping_is_remembered_per_header_set_in_a_private_file(tmp_path: Path) -> None:
    memory = mapping_memory(tmp_path)
    headers = ["Contact", "Town"]
    assert memory.recall(headers, SQUARE) is None
    memory.remember(headers, ["email", None])
    again = mapping_memory(tmp_path)
    assert again.recall(["contact ", "TOWN"], SQUARE) == ["email", None]   # the same headers, as folded
    assert again.recall(["Contact", "City"], SQUARE) is None
    assert again.recall(headers, AUTHORIZE) == ["email", None]
    assert (tmp_path / "import-mappings.json").stat().st_mode & 0o077 == 0
