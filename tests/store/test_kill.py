"""A process killed (SIGKILL) in the middle of a multi-page save leaves every page whole or absent."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from console.store import customers
from console.store.engine import open_workspace

ROOT = Path(__file__).resolve().parents[2]
PAGES, SIZE = 20, 500


def _pages_stored(db_path: Path, key: str) -> Counter[str]:
    workspace = open_workspace(db_path, key)
    try:
        assert workspace.set_aside is None   # nothing to recover from: the file is consistent
        with workspace.read() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            return Counter(c.id.rsplit("-", 1)[0] for c in customers.customers_of(connection, "acct"))
    finally:
        workspace.close()


@pytest.mark.parametrize("moment", ["inside a page's transaction", "wherever it is"])
def test_a_killed_refresh_leaves_only_whole_pages(db_path: Path, key: str, moment: str) -> None:
    hold = 5 if moment == "inside a page's transaction" else -1
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store.page_writer", str(db_path), key, str(PAGES), str(SIZE), str(hold)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    committed = -1
    try:
        for line in child.stdout:
            word, number = line.split()
            if word == "committed":
                committed = int(number)
            # Held: page 5 is written, not committed. Free: killed mid-stream, wherever it has got to.
            if word == "holding" or (hold < 0 and committed >= 2):
                break
    finally:
        child.kill()   # SIGKILL on POSIX: no cleanup, no rollback by the process itself
        child.communicate(timeout=60)
    assert child.returncode != 0

    stored = _pages_stored(db_path, key)

    assert set(stored.values()) <= {SIZE}, f"a page was stored in part: {stored}"
    numbers = sorted(int(name.split("-")[1]) for name in stored)
    assert numbers == list(range(len(numbers)))        # the pages before the kill, in order, none after a gap
    assert len(numbers) >= committed + 1               # every page reported committed is there
    assert len(numbers) < PAGES                        # and the kill came before the end
    if hold >= 0:
        assert numbers == list(range(hold))            # the held page is absent, its rows rolled back
