"""What every provider emulator shares: request handling and logging, faults, latency and persistence.

A subclass supplies the provider's routes, error shapes, seed data and (de)serialisation of its state.
Provider wire details (paths, field names, error codes) never live here.

Like a provider's front end, `Emulator.screen` refuses what never reaches an API route: a method no
route answers (405, with `Allow`) and a body over `max_body_bytes` (413), each in the provider's own
error shape (`refused_response`), before credentials, rate limits, faults or latency apply.

Latency means what a provider's response time means: an answer leaves `latency_ms` after its
request arrived, and the emulator's own work (routing, reading the store, serialising) is done
inside that time, not added on top. Only work longer than the latency delays an answer further.
`Emulator.exchange` holds that rule once for every transport and for the loopback server.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import httpx

from console.domain.gc_pause import gc_paused
from console.sandbox.faults import ERROR_STATUS_KINDS, Fault, FaultConfig, FaultPlan
from console.sandbox.retry_after import retry_after_value
from console.sandbox.store import StateStore, StoreUnreadable
from console.sandbox.transports import EmulatorAsyncTransport, EmulatorSyncTransport

log = logging.getLogger(__name__)

STATE_FORMAT = 1
SAVE_WAIT_SECONDS = 30.0   # an answer waits no longer for its save (a stuck disk must not hang the app)
_MALFORMED_BODY = (b"<!DOCTYPE html>\n<html><head><title>Error</title></head>"
                   b"<body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>\n")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as it reached `Emulator.handle` (the Authorization header is left out)."""

    method: str
    path: str
    params: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (None when empty)."""
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True, slots=True)
class EmulatorStats:
    """Counts for reliability tests and benchmarks."""

    requests: int
    faults: Mapping[str, int] = field(default_factory=dict)

    @property
    def faults_total(self) -> int:
        return sum(self.faults.values())


@dataclass(frozen=True, slots=True)
class Answer:
    """What `Emulator.exchange` made of one request: the response (None when it is lost) and when it is due."""

    response: httpx.Response | None
    fault: Fault | None
    due: float  # on the emulator's `clock`; the transport holds the answer back until then
    # The change this request made, by its number in the emulator's store (0: none, or no store): the
    # answer also waits until it is saved, as a provider answers a write once it is durable, so an
    # app killed after the answer never finds the demo account without what it was told was done.
    saved: int = 0

    def wait(self, now: float) -> float:
        """Seconds still to wait at `now` before the answer may leave (0 when it is already late)."""
        return max(0.0, self.due - now)


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> httpx.Response:
    """A response with a compact UTF-8 JSON body and the usual headers."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return httpx.Response(status, headers={"content-type": "application/json", **(headers or {})},
                          content=content)


def _request_body(request: httpx.Request) -> bytes:
    try:
        return request.content
    except httpx.RequestNotRead:
        return request.read()


class Emulator(ABC):
    """One provider's customer API, in memory, deterministic for a seed; thread-safe."""

    provider: ClassVar[str]
    default_customers: ClassVar[int] = 1000
    request_log_size: ClassVar[int] = 500
    # HTTP methods handed to `_route` (which answers each path's own 404 or 405); `screen` refuses any
    # other with 405, as a provider's front end refuses TRACE, CONNECT or an invented method.
    routed_methods: ClassVar[frozenset[str]]
    # Whether the provider's own request-rate limits (where `admit` emulates them) apply.
    enforce_rate_limits: bool = True
    # Request bodies larger than this are refused with 413 (the loopback server stops reading at it).
    # A megabyte holds far more than any customer call needs (a Square bulk call of 100 is ~100 KB).
    max_body_bytes: int = 1 << 20
    # The customer records in the provider's own shape, by the provider's id (`_seed_state` fills it).
    _customers: dict[str, dict[str, Any]]
    # Where ids the API makes are drawn from (see `_seed` and `_load_saved`).
    _ids: random.Random

    def __init__(self, *, seed: int = 1, customers: int | None = None,
                 credentials: Mapping[str, str] | None = None, latency_ms: float = 0.0,
                 faults: FaultConfig | None = None, store_path: Path | None = None) -> None:
        # Any host works: in-process traffic goes through the transport, never DNS.
        self.base_url = f"https://{self.provider}.emulator.invalid"
        self.seed = seed
        self.customer_count = self.default_customers if customers is None else customers
        self.credentials: dict[str, str] | None = dict(credentials) if credentials is not None else None
        self.latency_ms = latency_ms
        # Monotonic seconds that latency is measured on; tests pin it to make waits exact.
        self.clock: Callable[[], float] = time.monotonic
        self.faults = FaultPlan(faults)
        self.store_path = store_path
        self.requests: list[RecordedRequest] = []
        self.request_count = 0
        self._lock = threading.RLock()
        self._store = StateStore(store_path, self._snapshot) if store_path is not None else None
        if not self._load_saved():
            with self._lock:
                self._seed()
                self._changed()

    # -- what a subclass provides ---------------------------------------------------------------

    @abstractmethod
    def _route(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (called under the lock; the body is already read)."""

    @abstractmethod
    def _rate_limited_response(self, retry_after: str) -> httpx.Response:
        """The provider's own 429 answer, with `retry_after` as its Retry-After value."""

    @abstractmethod
    def _server_error_response(self, status: int) -> httpx.Response:
        """The provider's own 5xx answer for `status`."""

    @abstractmethod
    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        """The provider's own error answer when its front end refuses `request` (403, 405, 413, 400)."""

    @abstractmethod
    def _seed_state(self, rng: random.Random, count: int) -> None:
        """Replace all state with `count` generated customers drawn from `rng`."""

    @abstractmethod
    def _dump_state(self) -> dict[str, Any]:
        """A JSON-ready snapshot, called under the lock: copy containers, never deep-copy records."""

    @abstractmethod
    def _load_state(self, state: dict[str, Any]) -> None:
        """Replace all state with what `_dump_state` produced earlier."""

    @abstractmethod
    def _demo_credentials(self) -> dict[str, str]:
        """Plausible credentials for clients when none were fixed (the emulator accepts them)."""

    # -- handling -------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Pure emulation of one request: no latency, no faults."""
        body = _request_body(request)
        with self._lock:
            self.request_count += 1
            self._record(request, body)
            try:
                return self._route(request)
            except Exception:
                # Like a real server: a bug becomes a 500 (and a logged traceback), not a dead transport.
                log.exception("%s emulator failed on %s %s", self.provider, request.method, request.url.path)
                return self._server_error_response(500)

    def screen(self, request: httpx.Request) -> httpx.Response | None:
        """The front end's refusal of `request` (405 for an unrouted method, 413 for a body too large), else None."""
        if request.method not in self.routed_methods:
            refused = self.refused_response(405, f"The {request.method} method is not allowed.", request)
            refused.headers["allow"] = ", ".join(sorted(self.routed_methods))
            return refused
        if len(_request_body(request)) > self.max_body_bytes:
            return self.too_large_response(request)
        return None

    def too_large_response(self, request: httpx.Request) -> httpx.Response:
        """The provider's 413 for a body over `max_body_bytes`."""
        return self.refused_response(413, f"The request body is larger than {self.max_body_bytes} bytes.", request)

    def admit(self, request: httpx.Request) -> httpx.Response | None:
        """Called as a request arrives, before latency: a response refuses it (a provider's rate limit)."""
        return None

    def release(self, request: httpx.Request) -> None:  # noqa: B027 - optional hook, nothing by default
        """Called once an admitted request has been answered (or lost)."""

    def respond(self, request: httpx.Request, fault: Fault | None) -> httpx.Response | None:
        """The response under `fault`; None when it is lost (after applying the request if the fault says so)."""
        if fault is None or fault.kind == "slow":
            return self.handle(request)
        if fault.kind == "429":
            return self._rate_limited_response(retry_after_value(self.faults.config.retry_after))
        if fault.kind in ERROR_STATUS_KINDS:
            return self._server_error_response(int(fault.kind))
        if not fault.applies:
            return None
        response = self.handle(request)
        if fault.kind == "malformed":
            # What a proxy or load balancer puts in front of a broken backend.
            return httpx.Response(response.status_code, headers={"content-type": "text/html; charset=utf-8"},
                                  content=_MALFORMED_BODY)
        if fault.kind == "truncated":
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            return httpx.Response(response.status_code, headers=headers,
                                  content=response.content[: len(response.content) // 2])
        return None  # drop or timeout after the operation was applied

    def delay_seconds(self, fault: Fault | None) -> float:
        """How long after its arrival a request is answered (latency plus a "slow" fault)."""
        delay = self.latency_ms / 1000.0
        if fault is not None and fault.kind == "slow":
            delay += self.faults.config.slow_ms / 1000.0
        return delay

    @contextlib.contextmanager
    def exchange(self, request: httpx.Request, arrived: float) -> Iterator[Answer]:
        """Answer a request that `arrived` (on `clock`) at once; the caller waits `answer.wait(clock())`.

        The work happens first and the wait covers only what is left of the latency, so a
        provider that "answers after 50 ms" does so whatever the emulator's own work costs.
        The request counts as in flight (`admit`/`release`) until the block ends. A refusal
        from `screen` or `admit` is due at once, as a front end or rate limiter answers.
        """
        refused = self.screen(request)
        if refused is None:
            refused = self.admit(request)  # only a request past the screen is admitted (and released)
        if refused is not None:
            yield Answer(refused, None, arrived)
            return
        try:
            fault = self.faults.next()
            before = self._store.requested if self._store is not None else 0
            response = self.respond(request, fault)
            after = self._store.requested if self._store is not None else 0
            yield Answer(response, fault, arrived + self.delay_seconds(fault), after if after > before else 0)
        finally:
            self.release(request)

    def when_saved(self, answer: Answer, callback: Callable[[], None]) -> None:
        """Call `callback` once the change `answer` made is saved (at once when it made none)."""
        if answer.saved and self._store is not None:
            self._store.when_saved(answer.saved, callback)
        else:
            callback()

    def wait_saved(self, answer: Answer) -> None:
        """Block until the change `answer` made is saved (for threads that may block)."""
        if answer.saved:
            saved = threading.Event()
            self.when_saved(answer, saved.set)
            saved.wait(SAVE_WAIT_SECONDS)

    async def saved(self, answer: Answer) -> None:
        """Until the change `answer` made is saved, without blocking the loop."""
        if not answer.saved:
            return
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        def settle() -> None:
            if not done.done():
                done.set_result(None)

        def saved() -> None:
            loop.call_soon_threadsafe(settle)

        self.when_saved(answer, saved)
        await asyncio.wait({done}, timeout=SAVE_WAIT_SECONDS)

    def transport(self) -> httpx.AsyncBaseTransport:
        """In-process async transport (demo mode, tests), with latency and faults."""
        return EmulatorAsyncTransport(self)

    def sync_transport(self) -> httpx.BaseTransport:
        """In-process sync transport with the same semantics, for sync clients and SDK checks."""
        return EmulatorSyncTransport(self)

    def fail_next(self, kind: str, count: int = 1, applied_first: bool = False) -> None:
        """Make the next `count` requests through a transport fail with `kind` (ahead of random faults)."""
        self.faults.force(kind, count, applied_first)

    # -- request log ----------------------------------------------------------------------------

    def _record(self, request: httpx.Request, body: bytes) -> None:
        headers = {k.lower(): v for k, v in request.headers.items() if k.lower() != "authorization"}
        params = dict(request.url.params.multi_items())
        self.requests.append(RecordedRequest(request.method, request.url.path, params, headers, body))
        if len(self.requests) > self.request_log_size + 50:
            # Trim in batches so a long run does not pay for a list shift on every request.
            del self.requests[: len(self.requests) - self.request_log_size]

    def clear_log(self) -> None:
        """Forget the recorded requests and reset `request_count` (faults counted stay)."""
        with self._lock:
            self.requests.clear()
            self.request_count = 0

    def stats(self) -> EmulatorStats:
        """Requests handled since the last `clear_log()` and faults injected so far."""
        with self._lock:
            return EmulatorStats(requests=self.request_count, faults=dict(self.faults.injected))

    # -- records --------------------------------------------------------------------------------

    def customer(self, customer_id: str) -> dict[str, Any] | None:
        """The stored customer record (for tests and tools); treat it as read-only."""
        with self._lock:
            return self._customers.get(customer_id)

    # -- credentials ----------------------------------------------------------------------------

    def client_credentials(self) -> dict[str, str]:
        """Credentials a client should send: the fixed ones, else invented ones that are accepted."""
        return dict(self.credentials) if self.credentials is not None else self._demo_credentials()

    def connection_info(self, base_url: str) -> dict[str, str]:
        """What a client needs to call this emulator at `base_url`."""
        return {"provider": self.provider, "base_url": base_url, **self.client_credentials()}

    def _credentials_accepted(self, given: Mapping[str, str | None]) -> bool:
        """Fixed credentials must match exactly; otherwise any non-empty ones pass."""
        if self.credentials is None:
            return bool(given) and all(given.values())
        return all(given.get(key) == value for key, value in self.credentials.items())

    def _demo_secret(self, label: str, length: int = 32) -> str:
        """A stable pseudo-random hex string for invented credentials (same seed, same token)."""
        return hashlib.sha256(f"{self.provider}:{label}:{self.seed}".encode()).hexdigest()[:length]

    # -- state and persistence ------------------------------------------------------------------

    def now(self) -> datetime:
        """The emulator's clock (UTC); tests may replace it."""
        return datetime.now(UTC)

    def _seed(self) -> None:
        # A stream apart from the seed data's, so ids made later do not depend on how many were seeded.
        self._ids = random.Random(f"{self.provider}-ids-{self.seed}")
        # The records live as long as the emulator: frozen out of the collector's sight, or its first full pass
        # after (90 ms of 10,000 customers) stalls the window of the demo, whose emulators run on its loop.
        with gc_paused(keep=True):
            # Each provider its own people: with one stream for all, the demo accounts at four providers
            # held the same six hundred people, and Find duplicates proposed every one of them.
            self._seed_state(random.Random(f"{self.provider}-{self.seed}"), self.customer_count)

    def reset(self) -> None:
        """Throw away every change and re-seed from the seed (and save that)."""
        with self._lock:
            self._seed()
            self._changed()

    def _changed(self) -> None:
        """Note that state changed (call under the lock); a background thread saves it soon."""
        if self._store is not None:
            self._store.save_soon()

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every change so far is saved (tests, app shutdown). Never call it holding the lock."""
        if self._store is not None:
            self._store.flush(timeout)

    def _snapshot(self) -> dict[str, Any]:
        with self._lock:
            state = self._dump_state()
        return {"format": STATE_FORMAT, "provider": self.provider, "seed": self.seed, "state": state}

    def _load_saved(self) -> bool:
        if self._store is None:
            return False
        try:
            with gc_paused():
                document = self._store.load()
            if document is None:
                return False
            if document.get("format") != STATE_FORMAT or document.get("provider") != self.provider:
                raise StoreUnreadable(f"{self._store.path} is not a {self.provider} state file (format "
                                      f"{STATE_FORMAT})")
            with self._lock, gc_paused(keep=True):   # as for `_seed`
                self._load_state(document["state"])
                # Ids made after a restart must not repeat earlier ones; uniqueness beats determinism here.
                self._ids = random.Random(os.urandom(16))
            return True
        except OSError as exc:
            # Unreachable (permissions, a file where a folder should be): start afresh; saving
            # will fail too, and flush() reports that.
            log.warning("could not read %s (%s); starting from fresh demo data", self._store.path, exc)
            return False
        except (StoreUnreadable, KeyError, TypeError, ValueError) as exc:
            # Demo data is replaceable, but keep the old file for whoever wants to look at it.
            try:
                moved = str(self._store.move_aside())
            except OSError as move_error:
                moved = f"nowhere ({move_error})"
            log.warning("could not load %s (%s); moved it to %s and started from fresh demo data",
                        self._store.path, exc, moved)
            return False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} seed={self.seed} customers={self.customer_count} at {self.base_url}>"
