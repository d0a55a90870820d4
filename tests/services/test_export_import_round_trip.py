"""Export → import into an empty demo account → the same customers (issue 19): what the export writes,
the import reads back, through the two commands the window's dialogs share their code with."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from console.domain.customer_columns import CORE_COLUMNS
from console.services import export_cli, import_cli
from console.services.demo import DemoSandbox
from console.services.paths import AppPaths

# The columns an import sends; the others (ids, times, provider-made fields) are the new account's own.
SENT = [header for _key, header in CORE_COLUMNS]


def _demo(config: Path, square: int) -> None:
    """A config dir whose Square demo account holds `square` seeded customers."""
    demo = DemoSandbox(AppPaths.resolve(config).demo_dir, customers={"square": square})
    demo.emulator("square")
    demo.flush()


def _exported(config: Path, out: Path) -> list[tuple[str, ...]]:
    assert export_cli.main(["--config-dir", str(config), "--account", "Square (Demo)", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return sorted(tuple(row[h] for h in SENT) for row in csv.DictReader(handle))


def test_an_export_imported_into_an_empty_account_gives_the_same_customers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    _demo(source, 40)
    _demo(target, 0)
    sent = _exported(source, tmp_path / "source.csv")
    assert len(sent) == 40 and any(cell.startswith("'+") for row in sent for cell in row)   # phones made safe

    out, err = io.StringIO(), io.StringIO()
    code = import_cli.main([str(tmp_path / "source.csv"), "--config-dir", str(target), "--account", "Square (Demo)",
                            "--match", "none"], out=out, err=err)
    assert code == 0, out.getvalue() + err.getvalue()
    assert "create 40, update 0, unchanged 0, invalid 0" in out.getvalue()

    assert _exported(target, tmp_path / "target.csv") == sent
    capsys.readouterr()
