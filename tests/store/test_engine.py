"""Opening the workspace database: encrypted, WAL, recovery from an unreadable file, refusal of a newer one."""

from __future__ import annotations

import gc
import os
import sqlite3
import stat
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from console.domain.gc_pause import gc_paused
from console.store import accounts, customers
from console.store.engine import BUSY_TIMEOUT_MS, NewerSchemaError, Workspace, create_engine, open_workspace
from console.store.keys import InvalidKeyError, new_key, sqlcipher_passphrase
from tests.store.conftest import at, people


@pytest.fixture
def engine_name() -> str:
    """The file itself is under test here (WAL, SQLCipher, a file set aside): SQLite only. The team
    database's opening is tested in test_team.py."""
    return "sqlite"


def _save(workspace: Workspace, account: str, prefix: str, count: int) -> None:
    with workspace.write() as connection:
        accounts.ensure_account(connection, account, "square")
        customers.save_page(connection, account, people(prefix, count), at(0))


def _count(workspace: Workspace, account: str) -> int:
    with workspace.read() as connection:
        return len(customers.customers_of(connection, account))


def test_a_new_database_is_encrypted_private_and_in_wal_mode(workspace: Workspace, db_path: Path) -> None:
    _save(workspace, "acct", "plain", 3)
    with workspace.read() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    workspace.close()
    content = db_path.read_bytes()
    assert not content.startswith(b"SQLite format 3")
    assert b"plain.0@example.com" not in content
    with pytest.raises(sqlite3.DatabaseError):   # the standard library's SQLite cannot read it
        sqlite3.connect(db_path).execute("SELECT count(*) FROM sqlite_master").fetchall()
    if sys.platform != "win32":
        assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_reopening_with_the_key_finds_the_data(db_path: Path, key: str) -> None:
    first = open_workspace(db_path, key)
    _save(first, "acct", "kept", 5)
    first.close()
    again = open_workspace(db_path, key)
    try:
        assert again.set_aside is None
        assert _count(again, "acct") == 5
    finally:
        again.close()


@pytest.mark.parametrize("damage", ["wrong key", "garbage", "truncated header", "plain SQLite"])
def test_an_unreadable_file_is_moved_aside_and_a_fresh_database_made(db_path: Path, key: str, damage: str) -> None:
    first = open_workspace(db_path, key)
    _save(first, "acct", "old", 50)
    first.close()
    if damage == "garbage":
        db_path.write_bytes(os.urandom(db_path.stat().st_size))
    elif damage == "truncated header":
        db_path.write_bytes(db_path.read_bytes()[:100])
    elif damage == "plain SQLite":
        db_path.unlink()
        plain = sqlite3.connect(db_path)
        plain.execute("CREATE TABLE t (x)")
        plain.commit()
        plain.close()
    before = db_path.read_bytes()
    opened_key = new_key() if damage == "wrong key" else key

    recovered = open_workspace(db_path, opened_key)
    try:
        assert recovered.set_aside is not None
        assert recovered.set_aside.name.startswith("workspace.db.unreadable-")
        assert recovered.set_aside.read_bytes() == before      # kept as it was, for whoever wants it
        assert _count(recovered, "acct") == 0
        _save(recovered, "acct", "new", 2)
        assert _count(recovered, "acct") == 2
    finally:
        recovered.close()
    reopened = open_workspace(db_path, opened_key)
    try:
        assert reopened.set_aside is None
        assert _count(reopened, "acct") == 2
    finally:
        reopened.close()


def test_a_database_of_a_newer_version_is_refused_and_left_byte_identical(db_path: Path, key: str) -> None:
    first = open_workspace(db_path, key)
    _save(first, "acct", "future", 10)
    with first.write() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    first.close()   # the last connection's close checkpoints the WAL into the file
    files_before = {p.name: p.read_bytes() for p in db_path.parent.iterdir()}

    with pytest.raises(NewerSchemaError) as refused:
        open_workspace(db_path, key)

    assert "newer version of Customer Console" in str(refused.value)
    assert "left untouched" in str(refused.value)
    assert refused.value.revision == "9999_from_the_future"
    assert {p.name: p.read_bytes() for p in db_path.parent.iterdir()} == files_before


def test_a_key_that_is_not_a_key_is_refused_before_anything_is_opened(db_path: Path) -> None:
    with pytest.raises(InvalidKeyError):
        open_workspace(db_path, "password")
    assert not db_path.exists()


def test_an_error_that_is_not_about_the_file_moves_nothing(tmp_path: Path, key: str) -> None:
    missing_folder = tmp_path / "no such folder" / "workspace.db"
    with pytest.raises(OSError):
        open_workspace(missing_folder, key)
    assert list(tmp_path.iterdir()) == []


def test_two_engines_on_one_file_write_concurrently_without_locking_errors(db_path: Path, key: str) -> None:
    # Each write reads before it writes (save_page reads the refresh generation): in a deferred
    # transaction the second writer would fail at once with "database is locked" (SQLITE_BUSY_SNAPSHOT).
    first, second = open_workspace(db_path, key), open_workspace(db_path, key)
    rounds, page = 150, 20
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(workspace: Workspace, account: str) -> None:
        try:
            start.wait()
            for number in range(rounds):
                with workspace.write() as connection:
                    refresh = accounts.begin_refresh(connection, account, "square", at(number))
                    customers.save_page(connection, account, people(f"{account}-{number}", page), at(number))
                    accounts.complete_refresh(connection, refresh, at(number), full=False)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(first, "one")),
               threading.Thread(target=writer, args=(second, "two"))]
    # No collection inside the writers: it could free Qt objects earlier tests left, off the GUI thread.
    gc.collect()
    with gc_paused():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    try:
        assert errors == []
        assert _count(first, "one") == _count(second, "two") == rounds * page
        with first.read() as connection:
            assert accounts.refresh_state(connection, "two").generation == rounds  # type: ignore[union-attr]
    finally:
        first.close()
        second.close()


def test_the_engine_keys_every_connection(db_path: Path, key: str) -> None:
    open_workspace(db_path, key).close()
    engine = create_engine(db_path, sqlcipher_passphrase(key))
    try:
        with engine.connect() as one, engine.connect() as two:
            assert one.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            assert two.exec_driver_sql("SELECT count(*) FROM customers").scalar() == 0
    finally:
        engine.dispose()
