"""A refresh in its own process, for the kill test: `python -m tests.store.page_writer DB KEY PAGES SIZE HOLD`.

Saves PAGES pages of SIZE customers (ids `page-NNN-MMMM`), one write transaction each, printing
`committed N` after each commit. With HOLD = N it prints `holding N` once page N's rows are written
but not committed, and waits for a line on stdin that never comes: the parent kills it there.
"""

from __future__ import annotations

import sys
from pathlib import Path

from console.store import accounts, customers
from console.store.engine import open_workspace
from tests.store.conftest import at, people


def main(database: str, key: str, pages: int, size: int, hold: int) -> None:
    workspace = open_workspace(Path(database), key)
    with workspace.write() as connection:
        accounts.begin_refresh(connection, "acct", "square", at(0))
    for number in range(pages):
        with workspace.write() as connection:
            customers.save_page(connection, "acct", people(f"page-{number:03d}", size), at(number))
            if number == hold:
                print(f"holding {number}", flush=True)
                sys.stdin.readline()
        print(f"committed {number}", flush=True)
    workspace.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
