"""The shared spreadsheet headers: every core header names its key back, whatever its case."""

from console.domain.customer_columns import CORE_COLUMNS, header_for, key_for_header


def test_every_core_header_reads_back_to_its_key() -> None:
    for key, header in CORE_COLUMNS:
        assert header_for(key) == header
        assert key_for_header(header.upper()) == key
        assert key_for_header(f"  {header.lower()} ") == key


def test_a_provider_field_is_headed_by_its_label_and_is_not_a_core_key() -> None:
    assert header_for("eu_vat", "EU VAT number") == "EU VAT number"
    assert header_for("metadata") == "metadata"
    assert key_for_header("EU VAT number") is None
