"""`customer-console export --account NAME [--format csv|xlsx] [--search TEXT] OUT`: the demo accounts when
nothing is configured, the file written, and one-line errors with exit 2 for what the staff typed wrong."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from console.services.export_cli import main
from console.services.headless import HeadlessAccounts, HeadlessError

ROOT = Path(__file__).resolve().parents[2]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_demo_account_is_exported_to_csv_with_the_search_applied(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clover.csv"
    assert main(["--config-dir", str(tmp_path / "cfg"), "--account", "clover (demo)", "--search", "smith",
                 str(out)]) == 0
    found = rows(out)
    assert found and all("smith" in " ".join(row.values()).lower() for row in found)
    assert {row["Account"] for row in found} == {"Clover (Demo)"}
    printed = capsys.readouterr()
    assert printed.out == f"Exported {len(found)} customers to {out}\n" and printed.err == ""


def test_the_format_follows_the_extension_or_the_option(tmp_path: Path) -> None:
    out = tmp_path / "payarc.xlsx"
    assert main(["--config-dir", str(tmp_path / "cfg"), "--account", "PayArc (Demo)", str(out)]) == 0
    sheet = load_workbook(out, read_only=True).active
    assert next(sheet.iter_rows(max_row=1, values_only=True))[:3] == ("Account", "Provider", "Customer id")
    forced = tmp_path / "payarc.data"
    assert main(["--config-dir", str(tmp_path / "cfg"), "--account", "PayArc (Demo)", "--format", "csv",
                 "--search", "no such customer anywhere", str(forced)]) == 0
    assert forced.read_bytes().startswith(b"\xef\xbb\xbfAccount,Provider,Customer id")


@pytest.mark.parametrize(("args", "says"), [
    (["--account", "Nobody", "OUT"], 'no account is named "Nobody" (the accounts are "Square (Demo)"'),
    (["--account", "Clover (Demo)", "--format", "pdf", "OUT"], "argument --format: invalid choice: 'pdf'"),
    (["OUT"], "the following arguments are required: --account"),
    (["--account", "Clover (Demo)", "MISSING/c.csv"], "cannot write"),
])
def test_a_mistake_is_one_line_on_stderr_with_exit_2_and_no_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str) -> None:
    argv = ["--config-dir", str(tmp_path / "cfg"), *(str(tmp_path / a) if a.isupper() or "/" in a else a
                                                     for a in args)]
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code   # argparse's own exit
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("customer-console export: ") and says in err, err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cfg") == []


def test_the_command_runs_from_the_app_entry_point(tmp_path: Path) -> None:
    out = tmp_path / "dr.csv"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "console", "export", "--config-dir", str(tmp_path / "cfg"),
                           "--account", "Digital River (Demo)", str(out)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Exported 600 customers to {out}\n" and len(rows(out)) == 600


def test_an_account_is_found_by_exact_name_first_then_ignoring_case(tmp_path: Path) -> None:
    accounts = HeadlessAccounts.from_config(tmp_path / "cfg")
    assert accounts.find("Square (Demo)").id == "demo:square"
    assert accounts.find("SQUARE (demo)").id == "demo:square"
    assert accounts.find("demo:clover").name == "Clover (Demo)"
    with pytest.raises(HeadlessError, match="no account is named"):
        accounts.find("Square")
