"""Files that hold personal data (drafts, the start snapshot, demo data, logs) readable by the user alone.

POSIX: directories 0700 and files 0600. Windows ignores those bits, so each of the app's directories
gets an ACL granting only the current user (inherited by every file created in it), set once with
the stdlib's `icacls` and remembered by a marker file. Standard library only: start-up uses it.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

_MARKER = ".user-only"


def icacls_command(directory: Path, user: str) -> list[str]:
    """The icacls call that leaves `directory` (and what it will hold) to `user` alone."""
    # /inheritance:r drops the ACEs inherited from the profile folder (Administrators, SYSTEM
    # stay reachable through their privileges); (OI)(CI) makes new files and folders inherit.
    return ["icacls", str(directory), "/inheritance:r", "/grant:r", f"{user}:(OI)(CI)F", "/T", "/Q"]


def _windows_user() -> str:
    domain = os.environ.get("USERDOMAIN")
    user = os.environ.get("USERNAME") or ""
    return f"{domain}\\{user}" if domain else user


def make_private_dir(directory: Path) -> None:
    """Create `directory` if needed so only the current user can read what it holds."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sys.platform == "win32":
        marker = directory / _MARKER
        if marker.exists():
            return
        try:
            subprocess.run(icacls_command(directory, _windows_user()), check=True, capture_output=True,
                           creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0), timeout=30)
            marker.touch()
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("could not restrict %s to the current user: %s", directory, type(exc).__name__)
        return
    try:
        mode = stat.S_IMODE(directory.stat().st_mode)
        if mode & 0o077:
            os.chmod(directory, mode & 0o700)  # only take from others: a folder left read-only stays so
    except OSError as exc:
        log.warning("could not restrict %s to the current user: %s", directory, exc.strerror or exc)


def make_private_dirs(directories: Iterable[Path]) -> None:
    for directory in directories:
        try:
            make_private_dir(directory)
        except OSError as exc:  # a read-only location: the caller reports what fails to be written
            log.warning("could not create %s: %s", directory, exc.strerror or exc)


def open_private(path: Path | str, mode: str = "a", encoding: str | None = "utf-8",
                 errors: str | None = None) -> IO[Any]:
    """Open `path` for writing, creating it readable by the user alone (0600) and narrowing an older one."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    if sys.platform != "win32":
        os.fchmod(fd, 0o600)
    return os.fdopen(fd, mode, encoding=encoding, errors=errors)
