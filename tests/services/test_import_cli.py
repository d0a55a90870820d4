"""`customer-console import FILE --account NAME ...`: the dry run's preview, a real import as a job with
its exit status, and the one-line errors (exit 2, nothing sent)."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from console.sandbox.square.emulator import SquareEmulator
from console.services.accounts import save_account_changes
from console.services.import_cli import main
from console.services.settings import AccountSettings, Settings
from tests.support.service_context import service_context

MIXED = ("First name,Last name,E-mail,Phone,Customer id\n"
         "Ada,Lovelace,ada.import@example.com,,sq-123\n"
         "Bob,,not-an-email,,\n")
TOKEN = "EAAAl-token-for-tests-only"
CLEAN = "Given name;Surname;Mail\nGrace;Hopper;grace.import@example.com\n"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_dry_run_then_import_then_the_same_file_is_unchanged(tmp_path: Path) -> None:
    mixed, clean, mapping = tmp_path / "mixed.csv", tmp_path / "clean.csv", tmp_path / "map.json"
    mixed.write_text(MIXED, encoding="utf-8")
    clean.write_text(CLEAN, encoding="utf-8-sig")
    mapping.write_text(json.dumps({"columns": {"Mail": "email"}}))
    config = ["--config-dir", str(tmp_path / "app"), "--account", "Square (Demo)"]

    code, out, _ = run(str(mixed), *config, "--dry-run")
    assert code == 0
    assert "Customer id → (ignored)" in out
    assert "mixed.csv into Square (Demo): create 1, update 0, unchanged 0, invalid 1" in out
    assert "  row 3: E-mail: Not a valid email address" in out

    code, out, err = run(str(clean), *config, "--mapping", str(mapping))
    assert code == 0, err
    assert "create 1" in out and "Imported: 1 row(s); not imported: 0." in out
    assert "[##############################] 1/1, failed 0" in err

    code, out, _ = run(str(mixed), *config)
    assert code == 1   # row 3 was not imported
    assert "Imported: 1 row(s); not imported: 1." in out

    code, out, _ = run(str(mixed), *config, "--dry-run")
    assert "create 0, update 0, unchanged 1, invalid 1" in out   # Ada arrived, once
    code, out, _ = run(str(clean), *config, "--match", "email", "--dry-run", "--mapping", str(mapping))
    assert "create 0, update 0, unchanged 1, invalid 0" in out


@pytest.mark.parametrize(("content", "extra", "says"), [
    (b"a,b\n1,2,3\n", [], "row 2 (line 2) has 3 cells"),
    (b"Email\n", [], "no data rows"),
    (b"\x00\x01\x02binary", [], "not a text file"),
    (MIXED.encode(), ["--account", "Nope"], 'no account is named "Nope"'),
    (MIXED.encode(), ["--encoding", "utf-16"], "not valid UTF-16"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, content: bytes, extra: list[str], says: str) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    code, out, err = run(str(path), "--account", "Square (Demo)", "--config-dir", str(tmp_path / "app"), *extra)
    assert code == 2 and out == ""
    assert err.startswith("customer-console import: ") and says in err and err.count("\n") == 1


def test_a_bad_mapping_file_is_exit_2(tmp_path: Path) -> None:
    path, mapping = tmp_path / "in.csv", tmp_path / "map.json"
    path.write_text(MIXED)
    mapping.write_text('{"columns": {"E-mail": "shoe_size"}}')
    code, out, err = run(str(path), "--account", "PayArc (Demo)", "--config-dir", str(tmp_path / "app"),
                         "--mapping", str(mapping))
    assert code == 2 and out == "" and "has no field 'shoe_size'" in err


def test_the_app_dispatches_the_import_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from console.app import main as app_main

    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert app_main(["import", str(path), "--account", "Square (Demo)", "--config-dir", str(tmp_path)]) == 2
    assert "customer-console import: empty.csv is empty." in capsys.readouterr().err


class _Typed(io.StringIO):
    """What a person types at a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("yes", "typed", "sent"), [
    (False, None, False),      # a script: no terminal, no --yes
    (False, "no\n", False),
    (False, "", False),        # Ctrl+D
    (False, " YES \n", True),
    (True, None, True),
])
def test_a_production_account_is_changed_only_after_yes(tmp_path: Path, yes: bool, typed: str | None,
                                                        sent: bool) -> None:
    context = service_context(tmp_path / "app")
    emulator = SquareEmulator(seed=3, customers=2, credentials={"token": TOKEN})
    # An address the console does not know is treated as production.
    live = AccountSettings(provider="square", name="Live shop", environment="sandbox", base_url=emulator.base_url)
    asyncio.run(save_account_changes(context, [live], {live.id: {"token": TOKEN}}))
    context.store.save(Settings(accounts=[live]))
    path = tmp_path / "in.csv"
    path.write_text(CLEAN, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO() if typed is None else _Typed(typed)
    argv = [str(path), "--account", "Live shop", "--config-dir", str(tmp_path / "app"), *(["--yes"] if yes else [])]

    code = main(argv, out=out, err=err, stdin=stdin, secrets=context.secrets, transport=emulator.transport())

    emails = {(emulator.customer(cid) or {}).get("email_address") for cid in emulator.customer_ids()}
    assert ("grace.import@example.com" in emails) is sent
    assert code == (0 if sent else 2)
    if typed is not None:
        assert "Live shop is a PRODUCTION account: 1 row(s) will change real customers. Type yes" in err.getvalue()
    if typed is None and not yes:
        assert "Add --yes to change it from a script." in err.getvalue()
