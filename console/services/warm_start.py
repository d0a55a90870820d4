"""A warm start's head start, begun as soon as the start-up preview is painted (console/app.py).

The rest of the app then takes about a second to import; meanwhile, on threads of their own, the
last account's local copy is read (`CopyReader`, straight through the driver) and SQLAlchemy is
imported for the workspace's opening. The account's load takes that reader (`take`) instead of
starting another. Nothing here imports the domain or the services the main thread is importing
(two threads importing one package the other way round can deadlock), and nothing is written.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from console.services.copy_reader import CopyReader
from console.services.paths import AppPaths
from console.services.start_snapshot import existing_key, last_local_account

_prefetched: CopyReader | None = None


def begin(paths: AppPaths) -> None:
    """Start reading the last account's local copy, and importing what opening the workspace needs."""
    global _prefetched
    account_id = last_local_account(paths.settings_file)
    if account_id is None:
        return
    database = paths.workspace_database
    threading.Thread(target=_import_store, name="console-warm-imports", daemon=True).start()
    _prefetched = CopyReader(database, lambda: existing_key(database), account_id, keys_tag=None, ahead=None)


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


def _import_store() -> None:
    # SQLAlchemy and the store's engine: about half a second the workspace's opening would otherwise
    # spend after the window is built (the main thread imports none of it).
    with contextlib.suppress(Exception):
        import console.store.accounts
        import console.store.engine  # noqa: F401
