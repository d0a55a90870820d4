"""Where the workspace database's key is kept: the OS keychain, or a key file beside the database.

The keychain is used whenever there is one (the secret store has no warning). Without one, the
key goes into `workspace.key` beside the database, readable by the user alone, and `where` says
so for Diagnostics. A key file left from a time without a keychain is moved into the keychain once
one exists. A key that is lost or damaged is replaced by a new one: the database it opened is then
unreadable, set aside by `console.store.engine`, and rebuilt from the providers.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from console.store.keys import is_valid_key, new_key

if TYPE_CHECKING:   # keyring's import is not needed to find the key file (warm_start.py, at start-up)
    from console.services.secrets import SecretStore

log = logging.getLogger(__name__)

# The keychain entry's name, beside the accounts' `<account id>/<provider>/<key>` entries.
KEYCHAIN_NAME = "workspace/database-key"
KEY_FILE_NAME = "workspace.key"


@dataclass(frozen=True, slots=True)
class WorkspaceKey:
    """The key, where it is kept, and whether it was made just now (an existing database then cannot be read)."""

    key: str = field(repr=False)   # never in a log line or a traceback's locals
    kept_in: Literal["keychain", "file"]
    created: bool
    file: Path | None = None

    def describe(self) -> str:
        """One line for Diagnostics."""
        if self.kept_in == "keychain":
            return "Local database key: in the system keychain."
        return (f"Local database key: in the file {self.file} (no system keychain was found); "
                "the file is readable by your user only.")


def key_file(database: Path) -> Path:
    return database.with_name(KEY_FILE_NAME)


def workspace_key(secrets: SecretStore, database: Path) -> WorkspaceKey:
    """The key for the database at `database`, made and kept if there is none yet. Blocking (keychain, disk)."""
    file = key_file(database)
    if secrets.warning is None:   # a keychain
        stored = secrets.get(KEYCHAIN_NAME)
        if stored is not None and is_valid_key(stored):
            return WorkspaceKey(stored, "keychain", created=False)
        from_file = _read_key_file(file)
        key = from_file or new_key()
        secrets.set(KEYCHAIN_NAME, key)
        if from_file:
            with contextlib.suppress(OSError):
                file.unlink()
        else:
            _report_new(stored, database)
        return WorkspaceKey(key, "keychain", created=from_file is None)
    from_file = _read_key_file(file)
    if from_file:
        return WorkspaceKey(from_file, "file", created=False, file=file)
    key = new_key()
    _report_new(None, database)
    from console.services.private_files import make_private_dir, open_private  # subprocess: not at start-up

    make_private_dir(file.parent)
    with open_private(file, "w") as handle:
        handle.write(key + "\n")
    return WorkspaceKey(key, "file", created=True, file=file)


def forget_workspace_key(secrets: SecretStore, database: Path) -> None:
    """Delete the key wherever it is kept (with the database, by File → Forget local data…)."""
    secrets.delete(KEYCHAIN_NAME)
    with contextlib.suppress(FileNotFoundError):
        key_file(database).unlink()


def _read_key_file(file: Path) -> str | None:
    try:
        text = file.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if is_valid_key(text) else None


def _report_new(damaged: str | None, database: Path) -> None:
    if damaged is not None:
        log.warning("the workspace key in the keychain is damaged; a new one replaces it")
    elif database.exists() and database.stat().st_size > 0:
        log.warning("no key for the existing workspace database; a new one is made and the database will be rebuilt")
