"""Whole-file writes that a crash cannot leave half done (standard library only: start-up reads nearby)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def write_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    """Write `text` to `path` so a crash leaves either the old or the new file, never half of one.

    The file is readable by the user alone (mkstemp's mode), as settings, drafts and snapshots should be.
    `durable=False`: no wait for the disk (fsync), for a file whose loss costs nothing but time: a crash of
    the app still leaves the old or the new file; a power cut may leave one that cannot be read.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` for the block to write: it replaces `path` when the block ends
    without an error, and is deleted when it does not (so no half-written file is ever left at `path`)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
