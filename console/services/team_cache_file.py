"""Where a team workspace's local copy is kept: a file beside this computer's workspace database, named
after the team database. Standard library only: the start reads its start view before anything heavy
is imported (services/start_snapshot.py)."""

from __future__ import annotations

import zlib
from pathlib import Path

# The cache files beside the local workspace database (Forget local data deletes them too).
PATTERN = "team-cache-*.db*"


def cache_file(database: Path, user: str, host: str, port: int, name: str) -> Path:
    """The cache file of the team database `name` at `host:port` as `user`, beside `database`."""
    digest = zlib.crc32(f"{user}@{host}:{port}/{name}".encode())
    return database.with_name(f"team-cache-{digest:08x}.db")
