"""Forget local data: every file that can hold customer data is listed and deleted; settings stay."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from console.app import setup_logging
from console.services.demo import DemoSandbox
from console.services.drafts import Draft, DraftStore
from console.services.local_data import forget_local_data, local_data
from console.services.paths import AppPaths
from console.services.private_files import icacls_command, make_private_dir
from console.services.secrets import MemorySecrets
from console.services.workspace import LocalWorkspace


def _fill(paths: AppPaths, demo: DemoSandbox) -> None:
    demo.emulator("square")
    demo.emulator("payarc")
    demo.flush()
    drafts = DraftStore(paths.drafts_dir)
    drafts.save("k", Draft(account_id="a", account_name="A", values={"note": "x"}))
    drafts.flush()
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text("{}", encoding="utf-8")


async def test_everything_is_listed_then_deleted_and_settings_stay(tmp_path: Path,
                                                                  root_logger: logging.Logger) -> None:
    paths = AppPaths.resolve(tmp_path)
    setup_logging(paths)  # the open log file is deleted too (closed first, reopened by the next record)
    logging.getLogger("console").warning("a line")
    demo = DemoSandbox(paths.demo_dir, customers={"square": 5, "payarc": 5})
    _fill(paths, demo)

    found = local_data(paths)
    assert sorted(p.name for p in found.demo) == ["payarc.json", "square.json"]
    assert [p.name for p in found.drafts] == ["k.json"]
    assert [p.name for p in found.logs] == ["customer-console.log"]
    assert len(found.summary()) == 3

    result = await forget_local_data(paths, demo, LocalWorkspace(paths.workspace_database, MemorySecrets()))
    assert sorted(result.deleted) == sorted(found.all()) and result.failed == []
    assert local_data(paths).all() == ()
    assert paths.settings_file.read_text(encoding="utf-8") == "{}"
    demo.flush()  # what was in memory is not written back
    assert not paths.demo_dir.exists()
    logging.getLogger("console").warning("after forgetting")
    assert "after forgetting" in paths.log_file.read_text(encoding="utf-8")


def test_private_directories_are_for_the_user_alone(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    make_private_dir(target)
    assert target.stat().st_mode & 0o777 == 0o700
    read_only = tmp_path / "settings"
    read_only.mkdir()
    read_only.chmod(0o555)
    make_private_dir(read_only)
    assert read_only.stat().st_mode & 0o777 == 0o500  # others lose access; the owner gains nothing


def test_on_windows_an_acl_grants_the_user_alone_and_is_inherited() -> None:
    command = icacls_command(Path("C:/Users/ann/AppData/Local/CustomerConsole"), "OFFICE\\ann")
    assert command[0] == "icacls"
    assert "/inheritance:r" in command
    assert command[command.index("/grant:r") + 1] == "OFFICE\\ann:(OI)(CI)F"


@pytest.mark.parametrize("kind", ["workspace", "drafts"])
def test_nothing_to_forget_lists_nothing(tmp_path: Path, kind: str) -> None:
    assert getattr(local_data(AppPaths.resolve(tmp_path)), kind) == ()
