"""What the loopback server checks before a request reaches an emulator: who it is addressed to, and its body.

A web page can make a browser send requests to 127.0.0.1 under its own domain name (DNS
rebinding); such a request names that domain in `Host`, so only loopback names are answered.
Bodies are read up to the emulator's limit and no further, so a client cannot make the server
hold more than that in memory.
"""

from __future__ import annotations

import re
from email.message import Message
from io import BufferedIOBase

from console.domain.hosts import is_loopback_host

_AUTHORITY = re.compile(r"(?P<host>\[[^\]]*\]|[^\[\]:@]*)(?::(?P<port>[0-9]{1,5}))?")
_DECIMAL = re.compile(r"[0-9]+")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_MAX_LINE = 65536  # as http.server allows for the request line and each header
_MAX_TRAILERS = 100


class BodyTooLarge(Exception):
    """The body is longer than the limit (said so by Content-Length, or found while reading chunks)."""


class BadFraming(ValueError):
    """The body's framing cannot be read (a bad Content-Length or chunk line, or the body ended early)."""


def is_loopback_authority(authority: str | None) -> bool:
    """Whether a `Host` value names this machine: localhost, 127.0.0.0/8 or [::1], with or without a port."""
    match = _AUTHORITY.fullmatch(authority.strip()) if authority else None
    if match is None:
        return False
    return is_loopback_host(match["host"])


def declared_length(headers: Message) -> int | None:
    """The Content-Length a request declares (None without one); BadFraming when it is not one number."""
    lengths = {text.strip() for text in headers.get_all("Content-Length") or []}
    if not lengths:
        return None
    if len(lengths) > 1:
        raise BadFraming("conflicting Content-Length headers")
    (text,) = lengths
    if not _DECIMAL.fullmatch(text):
        raise BadFraming(f"Content-Length {text!r} is not a number")
    return int(text)


def read_body(rfile: BufferedIOBase, headers: Message, limit: int) -> bytes:
    """The request body (chunked or by Content-Length), holding at most `limit` bytes of it in memory."""
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        return _read_chunked(rfile, limit)
    length = declared_length(headers)
    if length is None:
        return b""
    if length > limit:
        raise BodyTooLarge
    body = rfile.read(length)
    if len(body) < length:
        raise BadFraming("the body ended before Content-Length bytes")
    return body


def _line(rfile: BufferedIOBase) -> bytes:
    line = rfile.readline(_MAX_LINE + 1)
    if len(line) > _MAX_LINE or not line.endswith(b"\n"):
        raise BadFraming("a chunk line is too long or cut off")
    return line


def _read_chunked(rfile: BufferedIOBase, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        size_text = _line(rfile).split(b";", 1)[0].strip()
        if not _HEX.fullmatch(size_text):
            raise BadFraming(f"chunk size {size_text!r} is not hexadecimal")
        size = int(size_text, 16)
        if size == 0:
            break
        total += size
        if total > limit:
            raise BodyTooLarge
        chunk = rfile.read(size)
        if len(chunk) < size or _line(rfile).strip():
            raise BadFraming("a chunk is shorter than its size")
        chunks.append(chunk)
    for _ in range(_MAX_TRAILERS):
        if not _line(rfile).strip():
            return b"".join(chunks)
    raise BadFraming("too many trailer lines")
