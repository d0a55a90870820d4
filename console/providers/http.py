"""The one HTTP core every provider client sends through.

It sets timeouts, keeps under a provider's rate limits, retries what is safe to retry (reads,
and writes the provider makes idempotent) with capped exponential backoff and jitter, honours
Retry-After, and turns every failure into the domain error tree. It also refuses answers it
must not trust: redirects, bodies over `MAX_BODY_BYTES`, and JSON too deeply nested to read.
"""

from __future__ import annotations

import asyncio
import codecs
import email.utils
import importlib.util
import json
import logging
import random
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx
from pydantic_core import from_json

from console.domain.errors import (
    ConsoleError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    UnavailableError,
)

log = logging.getLogger(__name__)

# httpcore asks `import sniffio` several times a request; it is not installed, and a failed import
# searches sys.path each time (0.2 ms, about 2 ms of CPU a request). Marked absent, the look-up is a dict hit.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=8.0)
# httpcore's `trace` extension reports "<connection>.send_request_body.complete" once the last byte of
# a request is handed to the socket (the in-process emulator transport reports the same step).
_SENT_STEP = ".send_request_body.complete"
# No customer answer comes near this (a 100-customer page is about 1 MB); a bigger one is a fault
# or an attack, and is refused before it fills memory.
MAX_BODY_BYTES = 32 * 1024 * 1024

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Reply:
    """A decoded response: the status, headers and parsed body."""

    status: int
    headers: httpx.Headers
    body: Any


Decoder = Callable[[bytes], Any]
ErrorMapper = Callable[[Reply], ConsoleError | None]


class RefusedAnswerError(ProtocolError):
    """An answer refused for its form (a redirect, too large): asking again would get the same, so no retry."""


def decode_json(raw: bytes) -> Any:
    """A JSON body, tolerating a UTF-8 byte-order mark; an empty body is `{}`."""
    if not raw.strip():
        return {}
    text = raw.removeprefix(codecs.BOM_UTF8)
    try:
        # pydantic-core's parser hands out one object for each short string it met lately: the names, cities and
        # versions that repeat across a list's pages are then held once by the customers the window keeps (a
        # Square customer from 1.6 KB to 1.16 KB, P5), and it parses in half json's time.
        return from_json(text, cache_strings=True)
    except ValueError:
        # What it refuses and json reads (a lone surrogate's escape, nesting past 200) is read as before.
        return json.loads(text.decode("utf-8"))


def bearer_headers(token: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Headers of a JSON API that takes a bearer token (Square, Clover, PayArc, Digital River)."""
    return {"Authorization": f"Bearer {token}", "Accept": "application/json", **(extra or {})}


def path_segment(value: object) -> str:
    """`value` as one percent-encoded URL path segment: every id placed in a path goes through here.

    '/', '?', '#', '%' and the rest are encoded, so an id can never reach another path or add a
    query; '.' and '..' are encoded too, since a client or server would otherwise resolve them.
    """
    text = str(value)
    if not text:
        # An empty segment would address the collection itself (a list, or a delete of everything).
        raise NotFoundError("There is no record with an empty id.")
    if text in (".", ".."):
        return "%2E" * len(text)
    return quote(text, safe="")


def item_path(collection: str, item_id: object) -> str:
    """The path of one record in `collection` (a literal path), its id encoded by `path_segment`."""
    return f"{collection.rstrip('/')}/{path_segment(item_id)}"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times to try a retryable call and how long to wait between tries."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, error: ConsoleError, rng: random.Random) -> float:
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        ceiling = min(self.max_delay, self.base_delay * (2 ** attempt))
        return ceiling * (0.5 + rng.random() / 2)  # jitter so parallel clients spread out


def abandon(task: asyncio.Future[Any]) -> None:
    """Cancel a request task nobody will await, without asyncio reporting its outcome as lost."""
    task.cancel()
    task.add_done_callback(lambda t: t.cancelled() or t.exception())


class InFlight(Generic[T]):
    """A request started now in a task of its own, for callers that work while it is out.

    `send` gets a callback to call once the request has left; `await in_flight.sent()` returns
    then, so a caller can be sure its next request is on the wire before it spends the CPU on
    something else (a fixed number of event-loop turns is not enough under load or on qasync).
    """

    def __init__(self, send: Callable[[Callable[[], None]], Awaitable[T]]) -> None:
        self._left = asyncio.Event()
        self.task: asyncio.Future[T] = asyncio.ensure_future(send(self._left.set))

    async def sent(self) -> None:
        """Return once the request is on the wire, or already answered or failed.

        A transport that does not report sending (a mock) makes this wait for the answer.
        """
        if self._left.is_set() or self.task.done():
            return
        left = asyncio.ensure_future(self._left.wait())
        try:
            await asyncio.wait((left, self.task), return_when=asyncio.FIRST_COMPLETED)
        finally:
            left.cancel()

    def __await__(self) -> Generator[Any, None, T]:
        return self.task.__await__()

    def abandon(self) -> None:
        """Give up on the answer (see `abandon`)."""
        abandon(self.task)


class RequestLimiter:
    """At most `concurrent` requests in flight and `per_second` started in any one-second window.

    `window` may be longer than a second: requests reach the server after varying delays, so a
    margin keeps jitter from packing one request too many into the server's second.
    """

    def __init__(self, *, concurrent: int | None = None, per_second: int | None = None,
                 window: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._slots = asyncio.Semaphore(concurrent) if concurrent else None
        self._per_second = per_second
        self._window = window
        self._starts: deque[float] = deque()
        self._clock = clock
        self._gate = asyncio.Lock()
        self.in_flight = 0
        self.peak_in_flight = 0

    async def __aenter__(self) -> RequestLimiter:
        if self._slots is not None:
            await self._slots.acquire()
        try:
            if self._per_second:
                async with self._gate:
                    while True:
                        now = self._clock()
                        while self._starts and now - self._starts[0] >= self._window:
                            self._starts.popleft()
                        if len(self._starts) < self._per_second:
                            self._starts.append(now)
                            break
                        await asyncio.sleep(self._window - (now - self._starts[0]) + 0.001)
        except BaseException:
            if self._slots is not None:
                self._slots.release()
            raise
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.in_flight -= 1
        if self._slots is not None:
            self._slots.release()


class HttpCore:
    """Sends a provider's requests through one retrying, error-mapping path."""

    def __init__(self, client: httpx.AsyncClient, *, provider: str, base_url: str,
                 map_error: ErrorMapper, headers: Mapping[str, str] | None = None,
                 decode: Decoder = decode_json, timeout: httpx.Timeout = DEFAULT_TIMEOUT,
                 policy: RetryPolicy | None = None, limiter: RequestLimiter | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 rng: random.Random | None = None, max_body: int = MAX_BODY_BYTES) -> None:
        self.client = client
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.map_error = map_error
        self.decode = decode
        self.timeout = timeout
        self.policy = policy or RetryPolicy()
        self.limiter = limiter
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.max_body = max_body
        self.retries = 0

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    async def request(self, method: str, path: str, *, params: Any = None, json_body: Any = None,
                      form: Mapping[str, str] | None = None, content: bytes | None = None,
                      headers: Mapping[str, str] | None = None, retry: bool = False,
                      on_sent: Callable[[], None] | None = None,
                      on_raw: Callable[[bytes], Awaitable[None]] | None = None) -> Reply:
        """Send once, or up to `policy.attempts` times when `retry` says repeating is harmless.

        `on_sent` is called when a request has left for the server (see `InFlight`); `on_raw` is awaited
        with each successful (2xx) answer's body before it is decoded, so a caller can start its next
        request on what it finds there (a retried request's later answer is given again).
        """
        attempts = self.policy.attempts if retry else 1
        extensions = None if on_sent is None else {"trace": _sent_tracer(on_sent)}
        for attempt in range(attempts):
            try:
                return await self._once(method, path, params=params, json_body=json_body, form=form,
                                        content=content, headers=headers, extensions=extensions, on_raw=on_raw)
            except ConsoleError as error:
                transient = error.retryable or (isinstance(error, ProtocolError)
                                                and not isinstance(error, RefusedAnswerError))
                if not (retry and transient) or attempt == attempts - 1:
                    raise
                delay = self.policy.delay(attempt, error, self._rng)
                self.retries += 1
                log.info("%s %s %s failed (%s); retry %d in %.1fs", self.provider, method, path,
                         type(error).__name__, attempt + 1, delay)
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(self, method: str, path: str, *, params: Any, json_body: Any,
                    form: Mapping[str, str] | None, content: bytes | None,
                    headers: Mapping[str, str] | None, extensions: dict[str, Any] | None,
                    on_raw: Callable[[bytes], Awaitable[None]] | None = None) -> Reply:
        merged = {**self.headers, **(headers or {})}
        request = self.client.build_request(method, self.url(path), params=params, json=json_body, data=form,
                                            content=content, headers=merged, timeout=self.timeout,
                                            extensions=extensions)
        started = time.perf_counter()
        try:
            if self.limiter is not None:
                async with self.limiter:
                    response, raw = await self._exchange(request)
            else:
                response, raw = await self._exchange(request)
        except httpx.ConnectTimeout as exc:
            raise UnavailableError(f"Could not connect to {self.provider} in time.",
                                   provider=self.provider) from exc
        except httpx.TimeoutException as exc:
            raise UnavailableError(f"{self.provider} did not answer in time.", provider=self.provider,
                                   maybe_applied=method != "GET") from exc
        except httpx.ConnectError as exc:
            raise UnavailableError(f"Could not reach {self.provider}. Check the network connection.",
                                   provider=self.provider) from exc
        except httpx.TransportError as exc:
            raise UnavailableError(f"The connection to {self.provider} broke off.",
                                   provider=self.provider, maybe_applied=method != "GET") from exc
        log.debug("%s %s %s -> %d in %.0f ms", self.provider, method, path, response.status_code,
                  (time.perf_counter() - started) * 1000)
        if on_raw is not None and 200 <= response.status_code < 300:
            await on_raw(raw)
        try:
            body = self.decode(raw)
        # A body nested thousands deep makes the parser recurse past Python's limit: unreadable too.
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            if response.status_code >= 500:
                raise UnavailableError(f"{self.provider} failed (HTTP {response.status_code}).",
                                       provider=self.provider, code=str(response.status_code)) from exc
            raise ProtocolError(f"{self.provider} sent an answer that could not be read "
                                f"(HTTP {response.status_code}).", provider=self.provider) from exc
        reply = Reply(response.status_code, response.headers, body)
        error = self.map_error(reply)
        if error is not None:
            raise error
        return reply

    async def _exchange(self, request: httpx.Request) -> tuple[httpx.Response, bytes]:
        """The response and its (decompressed) body, refused early when it is a redirect or too big."""
        response = await self.client.send(request, stream=True)
        try:
            if 300 <= response.status_code < 400:
                # Never followed: a redirect would resend credentials and writes somewhere we did not choose,
                # and treating it as success would report a change that did not happen.
                where = response.headers.get("location")
                raise RefusedAnswerError(
                    f"{self.provider} answered with a redirect (HTTP {response.status_code}"
                    f"{f' to {where[:200]}' if where else ''}), which the console does not follow, so the "
                    "request was not completed. Check the account's address and environment.",
                    provider=self.provider, code=str(response.status_code))
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_body:
                raise self._too_large(response)
            # Read like httpx's own `aread` (same chunks, nothing per byte), stopping at the cap.
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_body:
                    raise self._too_large(response)
                chunks.append(chunk)
            return response, b"".join(chunks)
        finally:
            await response.aclose()

    def _too_large(self, response: httpx.Response) -> RefusedAnswerError:
        return RefusedAnswerError(f"{self.provider} sent an answer too large to read (over "
                                  f"{self.max_body // (1024 * 1024)} MB, HTTP {response.status_code}).",
                                  provider=self.provider, code=str(response.status_code))


def _sent_tracer(on_sent: Callable[[], None]) -> Callable[[str, Mapping[str, Any]], Awaitable[None]]:
    async def trace(event: str, info: Mapping[str, Any]) -> None:
        if event.endswith(_SENT_STEP):
            on_sent()
    return trace


def status_error(reply: Reply, provider: str, message: str | None = None) -> ConsoleError:
    """The generic domain error for an HTTP status, for providers whose bodies say little."""
    from console.domain import errors as e

    status = reply.status
    text = message or f"{provider} answered HTTP {status}."
    if status == 401:
        return e.AuthenticationError(message or f"{provider} refused the credentials. Check the token "
                                     "and that it belongs to this environment.", provider=provider)
    if status == 403:
        return e.PermissionDeniedError(message or f"{provider} refused: the credentials lack a "
                                       "permission this needs.", provider=provider)
    if status == 404:
        return e.NotFoundError(message or "Not found.", provider=provider)
    if status == 409:
        return e.ConflictError(text, provider=provider)
    if status == 429:
        return e.RateLimitedError(message or f"{provider} asks us to slow down.",
                                  retry_after=parse_retry_after(reply.headers.get("retry-after")),
                                  provider=provider)
    if status >= 500:
        return e.UnavailableError(message or f"{provider} is having trouble (HTTP {status}). "
                                  "Try again shortly.", provider=provider, code=str(status))
    return e.InvalidInputError(text, provider=provider)
