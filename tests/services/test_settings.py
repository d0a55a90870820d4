"""Settings: atomic writes, recovery from unusable files, and no secrets in the JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from console.services import settings as settings_module
from console.services.atomic_file import write_atomic
from console.services.settings import AccountSettings, Settings, SettingsStore


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    settings = Settings(accounts=[AccountSettings(provider="square", name="Shop", environment="production")],
                        last_account_id="x")
    store.save(settings)
    loaded = store.load()
    assert loaded.problem is None and loaded.settings == settings


def test_missing_file_gives_defaults_silently(tmp_path: Path) -> None:
    loaded = SettingsStore(tmp_path / "nope.json").load()
    assert loaded.settings == Settings() and loaded.problem is None


@pytest.mark.parametrize("content", ["{not json", '{"accounts": "lots"}', "[1, 2]", '{"bogus": 1}', ""])
def test_unusable_file_is_moved_aside_and_reported(tmp_path: Path, content: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content, encoding="utf-8")
    loaded = SettingsStore(path).load()
    assert loaded.settings == Settings()
    assert loaded.problem is not None and "default settings" in loaded.problem
    aside = list(tmp_path.glob("settings.json.unreadable-*"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == content
    assert not path.exists()


def test_newer_schema_is_not_overwritten_blindly(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"schema_version": 99}), encoding="utf-8")
    loaded = SettingsStore(path).load()
    assert loaded.problem is not None and "newer version" in loaded.problem


def test_migrations_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_module, "SCHEMA_VERSION", 2)
    def hide_to_show(raw: dict[str, object]) -> dict[str, object]:
        hide = raw.pop("hide_demo")
        return {**raw, "show_demo_accounts": not hide}

    monkeypatch.setitem(settings_module.MIGRATIONS, 1, hide_to_show)
    raw = settings_module.migrate({"schema_version": 1, "hide_demo": True})
    assert raw == {"schema_version": 2, "show_demo_accounts": False}


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    write_atomic(path, "old")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no temp file left behind


def test_settings_have_no_place_for_secrets() -> None:
    names: set[str] = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            names.update(k.lower() for k in node.get("properties", {}))
            for value in node.values():
                collect(value)

    collect(Settings.model_json_schema())
    assert "accounts" in names and "options" in names
    assert not {n for n in names if any(w in n for w in ("token", "password", "secret", "key"))
                and n != "sort_key"}


def test_truncated_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    good = Settings(accounts=[AccountSettings(provider="square", name="Shop")]).model_dump_json()
    path.write_text(good[: len(good) // 2], encoding="utf-8")
    loaded = SettingsStore(path).load()
    assert loaded.problem is not None and "not valid JSON" in loaded.problem
    assert len(list(tmp_path.glob("settings.json.unreadable-*"))) == 1


def test_read_only_file_is_used_but_never_written(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    store.save(Settings(last_account_id="kept"))
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        again = SettingsStore(path)
        loaded = again.load()
        assert loaded.settings.last_account_id == "kept"
        assert loaded.problem is not None and "read-only" in loaded.problem
        again.save(Settings(last_account_id="changed"))
        assert path.read_bytes() == before
    finally:
        path.chmod(0o644)


def test_corrupt_read_only_file_is_left_exactly_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{oops", encoding="utf-8")
    path.chmod(0o444)
    try:
        loaded = SettingsStore(path).load()
        assert loaded.problem is not None and "untouched" in loaded.problem
        assert path.read_text(encoding="utf-8") == "{oops"
        assert list(tmp_path.glob("settings.json.unreadable-*")) == []
    finally:
        path.chmod(0o644)


def test_read_only_folder_means_no_saving(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        store = SettingsStore(folder / "settings.json")
        loaded = store.load()
        assert loaded.problem is not None and "read-only" in loaded.problem
        store.save(Settings(last_account_id="x"))
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_unreadable_file_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()  # reading a folder fails the way an unreadable file does, even for root
    store = SettingsStore(path)
    loaded = store.load()
    assert loaded.problem is not None and loaded.settings == Settings()
    store.save(Settings(last_account_id="x"))
    assert path.is_dir()


def test_failed_save_raises_for_the_caller_to_report(tmp_path: Path) -> None:
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(OSError):
        SettingsStore(blocker / "settings.json").save(Settings())


def test_saving_the_same_settings_again_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    settings = Settings(last_account_id="demo:square")
    store.save(settings)
    written = path.stat().st_ino
    store.save(settings)   # as opening the same account again does: nothing waits for the disk
    assert path.stat().st_ino == written
    settings.last_account_id = "demo:clover"
    store.save(settings)
    assert path.stat().st_ino != written   # a change is written (a new file put in place)
    assert store.load().settings.last_account_id == "demo:clover"
    path.write_text("{}", encoding="utf-8")   # changed on disk meanwhile (another window): written again
    store.save(settings)
    assert store.load().settings.last_account_id == "demo:clover"
