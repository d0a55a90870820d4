"""The one HTTP core every provider client sends through.

It sets timeouts, keeps under a provider's rate limits, retries what is safe to retry (reads,
and writes the provider makes idempotent) with capped exponential backoff and jitter, honours
Retry-After, and turns every failure into the domain error tree.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from console.domain.errors import ConsoleError, ProtocolError, RateLimitedError, UnavailableError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=8.0)
# httpcore's `trace` extension reports "<connection>.send_request_body.complete" once the last byte of
# a request is handed to the socket (the in-process emulator transport reports the same step).
_SENT_STEP = ".send_request_body.complete"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Reply:
    """A decoded response: the status, headers and parsed body."""

    status: int
    headers: httpx.Headers
    body: Any


Decoder = Callable[[httpx.Response], Any]
ErrorMapper = Callable[[Reply], ConsoleError | None]


def decode_json(response: httpx.Response) -> Any:
    """JSON body, tolerating a UTF-8 byte-order mark; an empty body is `{}`."""
    raw = response.content
    if not raw.strip():
        return {}
    return json.loads(raw.decode("utf-8-sig"))


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
                 rng: random.Random | None = None) -> None:
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
        self.retries = 0

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    async def request(self, method: str, path: str, *, params: Any = None, json_body: Any = None,
                      form: Mapping[str, str] | None = None, content: bytes | None = None,
                      headers: Mapping[str, str] | None = None, retry: bool = False,
                      on_sent: Callable[[], None] | None = None) -> Reply:
        """Send once, or up to `policy.attempts` times when `retry` says repeating is harmless.

        `on_sent` is called when a request has left for the server (see `InFlight`).
        """
        attempts = self.policy.attempts if retry else 1
        extensions = None if on_sent is None else {"trace": _sent_tracer(on_sent)}
        for attempt in range(attempts):
            try:
                return await self._once(method, path, params=params, json_body=json_body, form=form,
                                        content=content, headers=headers, extensions=extensions)
            except ConsoleError as error:
                transient = error.retryable or isinstance(error, ProtocolError)
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
                    headers: Mapping[str, str] | None, extensions: dict[str, Any] | None) -> Reply:
        merged = {**self.headers, **(headers or {})}
        started = time.perf_counter()
        try:
            if self.limiter is not None:
                async with self.limiter:
                    response = await self.client.request(
                        method, self.url(path), params=params, json=json_body, data=form,
                        content=content, headers=merged, timeout=self.timeout, extensions=extensions)
            else:
                response = await self.client.request(
                    method, self.url(path), params=params, json=json_body, data=form,
                    content=content, headers=merged, timeout=self.timeout, extensions=extensions)
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
        try:
            body = self.decode(response)
        except (ValueError, UnicodeDecodeError) as exc:
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
