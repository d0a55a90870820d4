"""A warm start's head start, begun as soon as the start-up preview is painted (console/app.py).

The rest of the app then takes about a second to import; meanwhile, on a thread of its own, the
last account's local copy is read (`CopyReader`, straight through the driver). The account's load
takes that reader (`take`) instead of starting another, and shows the copy before the workspace
database is opened (`LocalWorkspace.start_later`): the opening imports SQLAlchemy, which is Python
that would share the interpreter with the app's imports and the window's first rows. Nothing here
imports the domain or the services the main thread is importing (two threads importing one package
the other way round can deadlock), and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from console.services.copy_reader import CopyReader
from console.services.paths import AppPaths
from console.services.start_snapshot import existing_key, last_local_account

_prefetched: CopyReader | None = None


def begin(paths: AppPaths) -> None:
    """Start reading the last account's local copy."""
    global _prefetched
    account_id = last_local_account(paths.settings_file)
    if account_id is None:
        return
    database = paths.workspace_database
    _prefetched = CopyReader(database, lambda: existing_key(database), account_id, keys_tag=None, ahead=None)


def holds(account_id: str | None, database: Path) -> bool:
    """Whether the copy being read at start-up is `account_id`'s in `database`."""
    return _prefetched is not None and (_prefetched.account_id, _prefetched.path) == (account_id, database)


def take(account_id: str, database: Path) -> CopyReader | None:
    """The copy being read for `account_id` at start-up, once; None if it is another's (then dropped)."""
    global _prefetched
    reader, _prefetched = _prefetched, None
    if reader is not None and (reader.account_id, reader.path) != (account_id, database):
        reader.stop()
        return None
    return reader


def discard() -> None:
    """Drop what was read and not taken (the window opened another account, or none)."""
    global _prefetched
    reader, _prefetched = _prefetched, None
    if reader is not None:
        reader.stop()
