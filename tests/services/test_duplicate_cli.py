"""`customer-console find-duplicates FILE.csv [--threshold X]`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from console.services.duplicate_cli import COLUMNS, main

CSV = """account,id,given_name,family_name,company,email,phone,reference_id,postal_code,city,country
square,A1,Jon,Smith,,jane.doe@gmail.com,(415) 555-0123,,94110,San Francisco,US
clover,B7,John,Smith,,janedoe+shop@gmail.com,,,94110,San Francisco,US
square,A2,Jane,Doe,,family@example.com,,,94110,San Francisco,US
square,A3,John,Doe,,family@example.com,,,94110,San Francisco,US
anet,C1,Ann,Lee,,,020 7946 0123,,SW1A 1AA,London,GB
anet,C2,Ann,Lee,,,+44 20 7946 0123,,,London,GB
"""


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_groups_are_printed_as_json_lines_with_rows_score_and_reasons(
        csv_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(csv_file)]) == 0
    lines = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert sorted(line["rows"] for line in lines) == [[2, 3], [6, 7]]   # the header is row 1; the Does are two people
    smiths = next(line for line in lines if line["rows"] == [2, 3])
    assert smiths["accounts"] == ["square", "clover"] and smiths["ids"] == ["A1", "B7"]
    assert 0.5 <= smiths["score"] <= 1
    assert "same email (normalised): janedoe@gmail.com" in smiths["reasons"]
    lees = next(line for line in lines if line["rows"] == [6, 7])
    assert "phone +442079460123 in both" in lees["reasons"]   # read in the row's country


def test_the_threshold_is_applied(csv_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(csv_file), "--threshold", "0.999"]) == 0
    assert capsys.readouterr().out == ""
    with pytest.raises(SystemExit):
        main([str(csv_file), "--threshold", "1.5"])


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nothing.csv")]) == 2
    assert "nothing.csv" in capsys.readouterr().err


def test_the_console_command_runs_it_without_a_window(csv_file: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "console", "find-duplicates", str(csv_file)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2
    assert "account" in COLUMNS and "country" in COLUMNS
