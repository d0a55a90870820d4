"""Serve an emulator over HTTP on loopback, so any client (curl, an official SDK) can talk to it.

`python -m console.sandbox serve PROVIDER --port 0` prints one JSON line with the base URL and
credentials, then serves until SIGINT or SIGTERM.

`--latency-ms N` is a response time, as a provider's would be measured: every answer leaves N ms
after its request line came in (on Linux, when the kernel received it), with the emulator's work and
this server's HTTP parsing done inside those N ms (only work longer than N makes an answer later).
What a client sees on top is the loopback transfer and its own HTTP stack.

Only requests addressed to a loopback name are answered, and no body is read past the emulator's
`max_body_bytes` (see `request_guards`).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import platform
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from console.sandbox.base import Emulator
from console.sandbox.faults import FAULT_KINDS, FaultConfig
from console.sandbox.registry import emulator_class, emulator_keys
from console.sandbox.request_guards import (
    BadFraming,
    BodyTooLarge,
    declared_length,
    is_loopback_authority,
    read_body,
)

HOST = "127.0.0.1"
# How long a "timeout" fault keeps the connection silent; longer than any sane client timeout.
HANG_SECONDS = 30.0
# How long and how much a refused request's unread body is drained before closing (see _linger).
LINGER_SECONDS = 2.0
LINGER_BYTES = 16 << 20
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"})


# When a request arrived, from the kernel (Linux): this handler's thread can wake milliseconds after its
# bytes came in when the client shares this machine's CPUs and is busy after sending (the scheduler puts the
# woken thread behind it), which a provider's server, on a machine of its own, never sees. SO_TIMESTAMPNS
# stamps each packet as received (a struct timespec on the wall clock, handed over with the bytes by
# recvmsg); Python's socket module does not name it: the generic value, that of x86-64 and arm64.
_SO_TIMESTAMPNS = 35
_STAMPS = sys.platform == "linux" and platform.machine() in ("x86_64", "aarch64")
_TIMESPEC = struct.Struct("@ll")
_ANCILLARY = socket.CMSG_SPACE(_TIMESPEC.size) if _STAMPS else 0
_MAX_AGE = 60.0   # seconds: a stamp older than this, or in the future, means the wall clock moved


class _StampedReader(io.RawIOBase):
    """A connection's bytes as received, with when the kernel received the last of them (`received`)."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.received: float | None = None   # seconds since the epoch

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.connection.fileno()

    def readinto(self, buffer: Any) -> int:
        size, ancillary, _, _ = self.connection.recvmsg_into([buffer], _ANCILLARY)
        self.received = None   # unless these bytes came stamped
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS and len(data) >= _TIMESPEC.size:
                seconds, nanoseconds = _TIMESPEC.unpack_from(data)
                self.received = seconds + nanoseconds / 1e9
        return size


class EmulatorServer(ThreadingHTTPServer):
    """A threaded HTTP/1.1 server in front of one emulator (which is thread-safe)."""

    daemon_threads = True  # a hung "timeout" handler must not keep the process alive

    def __init__(self, emulator: Emulator, port: int = 0, *, log_requests: bool = False) -> None:
        self.emulator = emulator
        self.log_requests = log_requests
        self.stopping = threading.Event()
        super().__init__((HOST, port), _Handler)

    def server_bind(self) -> None:
        if _STAMPS:   # set before connections come: their first request's bytes arrive before they are accepted
            with contextlib.suppress(OSError):
                self.socket.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
        super().server_bind()

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"

    def server_close(self) -> None:
        self.stopping.set()  # wakes hanging "timeout" handlers
        super().server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, and every response carries Content-Length
    # A response leaves in one write, but a large one spans several segments; without this,
    # Nagle's algorithm and the client's delayed ACK can hold the last one back about 40 ms.
    disable_nagle_algorithm = True
    server: EmulatorServer
    arrived = 0.0  # when the current request's first line came in, on the emulator's clock

    _stamps: _StampedReader | None = None

    def setup(self) -> None:
        super().setup()
        if _STAMPS:
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
                self._stamps = _StampedReader(self.connection)
                self.rfile.close()   # the socket's own reader, unused (nothing was read through it yet)
                self.rfile = io.BufferedReader(self._stamps)

    def parse_request(self) -> bool:
        # The request line is in: the provider's response time starts when it arrived, before the headers
        # are parsed, so this server's own HTTP work is inside the latency like the emulator's.
        self.arrived = self.server.emulator.clock() - self._age()
        if not super().parse_request():
            return False
        # Every method goes to the emulator, which refuses one it does not route with the provider's
        # own 405; http.server would answer a method without a `do_` handler with an HTML 501.
        setattr(self, "do_" + self.command, self._serve)
        return True

    def _age(self) -> float:
        """How long ago the kernel received the bytes just read (0 where it does not say)."""
        received = self._stamps.received if self._stamps is not None else None
        if received is None:
            return 0.0
        age = time.time() - received
        return age if 0.0 <= age <= _MAX_AGE else 0.0   # else the wall clock was set meanwhile

    def handle_expect_100(self) -> bool:
        # A request that will be refused gets its refusal (from _serve) instead of "100 Continue",
        # so the client does not send a body only to have it drained.
        authority, _ = self._target()
        try:
            length = declared_length(self.headers) or 0
        except BadFraming:
            return True
        if not is_loopback_authority(authority) or length > self.server.emulator.max_body_bytes:
            return True
        return super().handle_expect_100()

    def _target(self) -> tuple[str | None, str]:
        """(the authority the request is addressed to, its path and query)."""
        hosts = self.headers.get_all("Host") or []
        host = hosts[0] if len(hosts) == 1 else None  # none or several: addressed to no one in particular
        if self.path.startswith("/"):
            return host, self.path
        parts = urlsplit(self.path)
        if parts.scheme and parts.netloc:  # absolute-form: its authority counts, not Host (RFC 9112 3.2.2)
            return parts.netloc, urlunsplit(("", "", parts.path or "/", parts.query, ""))
        return host, "/"  # authority-form (CONNECT) or asterisk-form (OPTIONS *)

    def _request(self, target: str, body: bytes) -> httpx.Request:
        # http.server decoded the header bytes as Latin-1; encoding them back passes any byte through.
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()
                   if k.lower() not in ("host", "transfer-encoding")]
        return httpx.Request(self.command, f"{self.server.base_url}{target}", headers=headers, content=body)

    def _serve(self) -> None:
        emulator = self.server.emulator
        authority, target = self._target()
        try:
            request, unreadable = self._request(target, b""), None
        except httpx.InvalidURL as exc:  # control characters, or too long
            request, unreadable = self._request("/", b""), f"The request target cannot be read: {exc}."
        # 403 rather than 421 Misdirected Request: every provider's error vocabulary has a 403 (Square
        # FORBIDDEN, Digital River `forbidden`, ...), so the refusal stays in the provider's own shape.
        if not is_loopback_authority(authority):
            self._refuse(emulator.refused_response(
                403, "This emulator answers only requests addressed to localhost, 127.0.0.1 or [::1].", request))
            return
        if unreadable is not None:
            self._refuse(emulator.refused_response(400, unreadable, request))
            return
        try:
            body = read_body(self.rfile, self.headers, emulator.max_body_bytes)
        except BodyTooLarge:
            self._refuse(emulator.too_large_response(request))
            return
        except BadFraming as exc:
            self._refuse(emulator.refused_response(400, f"The request body cannot be read: {exc}.", request))
            return
        request = self._request(target, body)
        with emulator.exchange(request, self.arrived) as answer:
            # Encoded while the latency runs, so only one write is left once the answer is due.
            data = None if answer.response is None else self._encode(answer.response)
            wait = answer.wait(emulator.clock())
            if wait > 0:
                time.sleep(wait)  # this handler's own thread; other connections carry on
            emulator.wait_saved(answer)
        if data is None:
            assert answer.fault is not None
            self._lose_response(answer.fault.kind)
            return
        self.wfile.write(data)

    def _refuse(self, response: httpx.Response) -> None:
        """Answer a request whose body was not (all) read, then close the connection."""
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.wfile.write(self._encode(response))
            self._linger()

    def _linger(self) -> None:
        """Drop what the client still sends, for a bounded time and amount, before the connection closes.

        Closing a socket with unread data resets the connection, and a client still sending its body
        would see that reset instead of the answer (the "lingering close" of nginx and Apache).
        """
        self.connection.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + LINGER_SECONDS
        buffer = bytearray(65536)
        left = LINGER_BYTES
        while left > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self.connection.settimeout(remaining)
            received = self.connection.recv_into(buffer)
            if not received:
                return
            left -= received

    def _lose_response(self, kind: str) -> None:
        if kind == "timeout":
            self.server.stopping.wait(HANG_SECONDS)
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.connection.shutdown(socket.SHUT_RDWR)

    def _encode(self, response: httpx.Response) -> bytes:
        """Status line, headers and body as one block: one write, so no segment waits for another."""
        content = response.content
        self.log_request(response.status_code)
        lines = [f"{self.protocol_version} {response.status_code} {response.reason_phrase}",
                 f"Server: {self.version_string()}", f"Date: {self.date_time_string()}",
                 *(f"{name}: {value}" for name, value in response.headers.multi_items()
                   if name.lower() not in _HOP_BY_HOP),
                 f"Content-Length: {len(content)}", *(["Connection: close"] if self.close_connection else []),
                 "", ""]
        head = "\r\n".join(lines).encode("latin-1", "strict")
        return head if self.command == "HEAD" else head + content

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


# -- command line ---------------------------------------------------------------------------------


def _credential(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value


def _kinds(text: str) -> tuple[str, ...]:
    kinds = FaultConfig.parse_kinds(text)
    unknown = sorted(set(kinds) - FAULT_KINDS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown fault kind(s) {', '.join(unknown)}; "
                                         f"choose from {', '.join(sorted(FAULT_KINDS))}")
    return kinds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m console.sandbox",
                                     description="Provider emulators for Customer Console.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve one provider's emulator on 127.0.0.1",
                                description="Prints one JSON line (base_url and credentials), then serves "
                                            "until interrupted.")
    serve.add_argument("provider", choices=emulator_keys())
    serve.add_argument("--port", type=int, default=0, help="TCP port (0: any free port; the default)")
    serve.add_argument("--seed", type=int, default=1, help="seed for the demo data (default 1)")
    serve.add_argument("--customers", type=int, default=None, help="number of demo customers")
    serve.add_argument("--latency-ms", type=float, default=0.0,
                       help="response time: each answer is sent this long after its request arrived; the "
                            "emulator's own work is done within it, not added (default 0)")
    serve.add_argument("--credential", type=_credential, action="append", default=[], metavar="KEY=VALUE",
                       help="accept only these credentials (repeatable); default: accept any non-empty ones")
    serve.add_argument("--token", help="shortcut for --credential token=TOKEN (Square and other bearer tokens)")
    serve.add_argument("--fault-rate", type=float, default=0.0, help="probability of a fault per request")
    serve.add_argument("--faults", type=_kinds, default=None, metavar="KIND,...",
                       help=f"fault kinds to draw from: {', '.join(sorted(FAULT_KINDS))}")
    serve.add_argument("--fault-seed", type=int, default=0, help="seed for choosing faults")
    serve.add_argument("--retry-after", type=float, default=1.0, help="Retry-After seconds on injected 429s")
    serve.add_argument("--store", type=Path, default=None,
                       help="JSON file that keeps the data across runs (loaded when it exists)")
    serve.add_argument("--log-requests", action="store_true", help="log each request to stderr")
    return parser


def emulator_from_args(args: argparse.Namespace) -> Emulator:
    """The emulator the `serve` arguments describe."""
    credentials = dict(args.credential)
    if args.token:
        credentials["token"] = args.token
    faults = FaultConfig(rate=args.fault_rate, seed=args.fault_seed, retry_after=args.retry_after,
                         **({"kinds": args.faults} if args.faults else {}))
    cls = emulator_class(args.provider)
    return cls(seed=args.seed, customers=args.customers, credentials=credentials or None,
               latency_ms=args.latency_ms, faults=faults, store_path=args.store)


class _Stop(BaseException):
    """Raised from a signal handler to leave serve_forever.

    A BaseException, like KeyboardInterrupt: socketserver catches Exception around each accepted
    request, so a signal landing there (starting the handler thread) was swallowed and the server
    carried on serving.
    """


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m console.sandbox`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Handlers first, so an interrupt while a large data set is being seeded also exits quietly.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    emulator: Emulator | None = None
    server: EmulatorServer | None = None
    try:
        try:
            emulator = emulator_from_args(args)
        except ValueError as exc:
            parser.error(str(exc))
        try:
            server = EmulatorServer(emulator, args.port, log_requests=args.log_requests)
        except OSError as exc:
            print(f"cannot listen on {HOST}:{args.port}: {exc}", file=sys.stderr)
            return 1
        # The first line is the contract with scripts and tests: flush it before serving anything.
        print(json.dumps(emulator.connection_info(server.base_url)), flush=True)
        server.serve_forever()
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        if server is not None:
            server.server_close()
        if emulator is not None:
            emulator.flush()
    return 0
