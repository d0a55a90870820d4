"""The last duplicate scan of each set of accounts, kept in the workspace database."""

from __future__ import annotations

import os

from console.store.accounts import delete_account, ensure_account
from console.store.duplicate_scans import forget_scans, read_scan, save_scan
from console.store.engine import Workspace

from .conftest import at


def test_a_scan_is_kept_per_set_of_accounts_in_any_order_and_replaced(workspace: Workspace) -> None:
    payload = os.urandom(300_000)   # a real scan's payload is megabytes of compressed text
    with workspace.write() as connection:
        save_scan(connection, ["square", "clover"], at(0), b"first")
        save_scan(connection, ["square"], at(1), b"square alone")
        save_scan(connection, ["clover", "square", "square"], at(2), payload)
    with workspace.read() as connection:
        assert read_scan(connection, ["square", "clover"]) == payload
        assert read_scan(connection, ["square"]) == b"square alone"
        assert read_scan(connection, ["clover"]) is None


def test_forgetting_and_removing_an_account_let_every_kept_scan_go(workspace: Workspace) -> None:
    with workspace.write() as connection:
        ensure_account(connection, "square", "square")
        save_scan(connection, ["square", "clover"], at(0), b"both")
        save_scan(connection, ["clover"], at(0), b"clover")
        delete_account(connection, "square")   # its customers' keys are in the scans of both sets
    with workspace.read() as connection:
        assert read_scan(connection, ["square", "clover"]) is None
        assert read_scan(connection, ["clover"]) is None
    with workspace.write() as connection:
        save_scan(connection, ["clover"], at(1), b"clover")
        assert forget_scans(connection) == 1
        assert forget_scans(connection) == 0
