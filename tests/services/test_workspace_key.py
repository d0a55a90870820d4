"""The workspace database's key: in the keychain when there is one, else a user-only key file beside the database."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from console.services.paths import AppPaths
from console.services.secrets import MemorySecrets
from console.services.workspace_key import KEY_FILE_NAME, KEYCHAIN_NAME, forget_workspace_key, workspace_key
from console.store.engine import open_workspace
from console.store.keys import is_valid_key


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return AppPaths.resolve(tmp_path).workspace_database


def test_with_a_keychain_the_key_is_made_once_and_kept_there(database: Path) -> None:
    keychain = MemorySecrets()   # no warning: a keychain
    first = workspace_key(keychain, database)
    again = workspace_key(keychain, database)
    assert is_valid_key(first.key)
    assert (first.kept_in, first.created, again.created) == ("keychain", True, False)
    assert again.key == first.key == keychain.get(KEYCHAIN_NAME)
    assert not (database.parent / KEY_FILE_NAME).exists()
    assert "keychain" in first.describe()


def test_without_a_keychain_the_key_goes_to_a_user_only_file(database: Path) -> None:
    no_keychain = MemorySecrets(warning="no keychain")
    first = workspace_key(no_keychain, database)
    again = workspace_key(MemorySecrets(warning="no keychain"), database)   # the next start
    assert (first.kept_in, first.created, again.created) == ("file", True, False)
    assert again.key == first.key
    assert first.file == database.parent / KEY_FILE_NAME
    assert first.file.read_text().strip() == first.key
    assert no_keychain.names() == []
    assert str(first.file) in first.describe() and "no system keychain" in first.describe()
    if sys.platform != "win32":
        assert stat.S_IMODE(first.file.stat().st_mode) == 0o600
        assert stat.S_IMODE(first.file.parent.stat().st_mode) == 0o700


def test_a_key_file_moves_into_a_keychain_that_appears(database: Path) -> None:
    from_file = workspace_key(MemorySecrets(warning="no keychain"), database)
    keychain = MemorySecrets()
    moved = workspace_key(keychain, database)
    assert (moved.key, moved.kept_in, moved.created) == (from_file.key, "keychain", False)
    assert keychain.get(KEYCHAIN_NAME) == from_file.key
    assert not (database.parent / KEY_FILE_NAME).exists()


def test_a_damaged_key_is_replaced_and_the_old_database_set_aside(database: Path) -> None:
    keychain = MemorySecrets()
    database.parent.mkdir(parents=True)
    open_workspace(database, workspace_key(keychain, database).key).close()
    keychain.set(KEYCHAIN_NAME, "not a key")
    replaced = workspace_key(keychain, database)
    assert replaced.created and is_valid_key(replaced.key)
    reopened = open_workspace(database, replaced.key)
    try:
        assert reopened.set_aside is not None   # the database the lost key opened is kept aside, and started afresh
    finally:
        reopened.close()


def test_forgetting_the_key_removes_it_from_both_places(database: Path) -> None:
    keychain = MemorySecrets()
    workspace_key(keychain, database)
    workspace_key(MemorySecrets(warning="no keychain"), database)
    forget_workspace_key(keychain, database)
    assert keychain.names() == []
    assert not (database.parent / KEY_FILE_NAME).exists()
