"""The journal's intents on disk before their requests go, without waiting for the database.

A save used to wait for a database transaction (the intent written, then committed) before its
request went: about a millisecond of work and two hops between threads on every save (issue 18,
P11a). Now the intent is appended to a small file of this app instance's own, encrypted with a key
derived from the workspace's, on the event loop's thread (an append of a few hundred bytes); the
journal's transaction follows on the workspace's thread while the request is out, and the file is
emptied once everything in it is committed.

A file left by an instance that stopped without committing (a crash, a kill) is replayed into the
journal when the workspace next opens: its intents become entries *in doubt*, settled by reading
back as any other. Each instance holds an OS lock on its own file while it runs, so a second window
on the same workspace never replays a live one's file. Durability is the database's: the OS has
the bytes once written (a crash of the app loses nothing); like the database's commits in WAL mode
with `synchronous = NORMAL`, a power cut may lose the last ones.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import struct
import sys
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from console.domain.journal import Intent, intent_from_body

# cryptography is imported where a key is first used, when the workspace opens on its own thread: importing it
# with this module cost a start about 20 ms before its first rows.

log = logging.getLogger(__name__)

PATTERN = "journal-*.intents"
_LENGTH = struct.Struct("<I")
_NONCE = 12
_INFO = b"customer-console journal intents v1"


@dataclass(frozen=True, slots=True)
class LoggedIntent:
    """An intent as the file keeps it: the entry id it gets in the journal, and when it was made."""

    entry_id: str
    at: datetime
    intent: Intent


def log_key(workspace_key: str) -> bytes:
    """The file's AES-256-GCM key, derived from the workspace database's key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(workspace_key.encode())


class IntentLog:
    """This instance's file of intents not yet committed to the journal."""

    def __init__(self, folder: Path, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.path = folder / PATTERN.replace("*", uuid.uuid4().hex)
        self._aead = AESGCM(key)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
        if not _try_lock(self._fd):   # a new name nobody else has: this cannot fail but on a broken filesystem
            os.close(self._fd)
            raise OSError(f"could not lock {self.path.name}")
        self._lock = threading.Lock()
        self._appended = 0    # frames appended since the file was last emptied
        self._committed = 0   # of those, how many the journal has committed

    def append(self, entries: Sequence[LoggedIntent]) -> None:
        """Write `entries` as one frame: the OS has it when this returns."""
        payload = json.dumps([{"entry_id": e.entry_id, "at": e.at.isoformat(), "intent": asdict(e.intent)}
                              for e in entries], ensure_ascii=False, default=str).encode()
        nonce = os.urandom(_NONCE)
        frame = nonce + self._aead.encrypt(nonce, payload, None)
        with self._lock:
            if self._fd < 0:
                raise OSError(f"{self.path.name} is closed")
            os.write(self._fd, _LENGTH.pack(len(frame)) + frame)
            self._appended += 1

    def committed(self) -> None:
        """One frame's intents are in the journal now (frames commit in the order they were appended);
        the file is emptied once every frame is."""
        with self._lock:
            self._committed += 1
            if self._fd < 0:
                return   # closed meanwhile (the workspace was forgotten)
            if self._committed >= self._appended:
                os.ftruncate(self._fd, 0)
                self._appended = self._committed = 0

    def close(self) -> None:
        """Let go of the file: deleted when everything in it was committed, else kept to be replayed."""
        with self._lock:
            if self._fd < 0:
                return
            empty = self._committed >= self._appended
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = -1
        if empty:
            with contextlib.suppress(OSError):
                self.path.unlink()


def read_frames(path: Path, key: bytes) -> list[LoggedIntent]:
    """The intents in a file, in order, up to the first frame that is torn or does not decrypt."""
    return _frames(path.read_bytes(), key)


def _frames(data: bytes, key: bytes) -> list[LoggedIntent]:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, found = AESGCM(key), []
    at = 0
    while at + _LENGTH.size <= len(data):
        (size,) = _LENGTH.unpack_from(data, at)
        frame = data[at + _LENGTH.size:at + _LENGTH.size + size]
        if len(frame) < size or size <= _NONCE:
            break   # the write a crash cut short
        try:
            payload = aead.decrypt(frame[:_NONCE], frame[_NONCE:], None)
        except InvalidTag:
            break   # written under another key (a forgotten workspace's) or damaged
        found += [LoggedIntent(item["entry_id"], datetime.fromisoformat(item["at"]), intent_from_body(item["intent"]))
                  for item in json.loads(payload)]
        at += _LENGTH.size + size
    return found


def orphaned(folder: Path, key: bytes) -> Iterator[tuple[Path, list[LoggedIntent]]]:
    """The files of instances that are gone (no lock held), each with its intents. Delete each file
    once its intents are committed; a file whose owner still runs is left alone."""
    for path in sorted(folder.glob(PATTERN)):
        try:
            fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except OSError:
            continue
        try:
            if not _try_lock(fd):
                continue   # its instance is running
            try:   # read through the locked handle: Windows refuses a second handle the locked byte
                yield path, _frames(_read_all(fd), key)
            finally:
                _unlock(fd)
        finally:
            os.close(fd)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
