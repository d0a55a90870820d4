"""Spreadsheet cells: a formula's first character gets an apostrophe (OWASP, CSV injection), undone on
reading back; values as a person reads them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from console.services.spreadsheet_cells import cell_text, safe_cell, unsafe_cell


@pytest.mark.parametrize("cell", ["=1+2", "+1 555 0100", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe_and_reads_back(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell
    assert unsafe_cell(safe_cell(cell)) == cell


@pytest.mark.parametrize("cell", ["Ada", "", "1+2", "a=b", " =x", "'quoted'"])
def test_other_cells_are_left_as_they_are(cell: str) -> None:
    assert safe_cell(cell) == cell
    assert unsafe_cell(cell) == cell


def test_values_are_written_as_a_person_reads_them() -> None:
    assert cell_text(None) == ""
    assert (cell_text(True), cell_text(False)) == ("yes", "no")
    assert cell_text(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2025-01-02T03:04:05+00:00"
    assert cell_text(date(1990, 5, 17)) == "1990-05-17"
    assert cell_text(("G1", "G2")) == "G1; G2"
    assert cell_text({"b": "2", "a": "1"}) == '{"a": "1", "b": "2"}'
    assert cell_text(42) == "42"
