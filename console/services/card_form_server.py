"""The one-time loopback page that hosts a provider's card form in the system browser (RFC 8252 style).

It listens on 127.0.0.1 at a random port, answers only under a random unguessable path, shows the
page for one `HostedCardForm`, and accepts exactly one completion at its return URL, whose `state`
must match. It closes on that completion, on `close()` (Cancel) or after its time limit. A card
number never reaches it: the person types it into the provider's page, and only a token (or
nothing) comes back; a completion that looks like it carries a card number is refused all the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import json
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from console.domain import errors as e
from console.domain.card_forms import CardFormCompletion, CardFormKind, HostedCardForm
from console.domain.card_numbers import contains_card_number

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
TIME_LIMIT_SECONDS = 600.0
_MAX_HEAD = 16 * 1024
_MAX_BODY = 16 * 1024
_READ_SECONDS = 30.0   # a connection that sends nothing useful is dropped, never held


class CardFormClosed(e.ConsoleError):
    """The card form ended without a completion: cancelled, timed out, or refused (wrong state)."""


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    host: str


class CardFormServer:
    """A loopback page for one card form; `await completion()` gives what the provider returned."""

    def __init__(self, *, time_limit: float = TIME_LIMIT_SECONDS, provider: str | None = None) -> None:
        self._path = "/" + secrets.token_urlsafe(24)
        self.state = secrets.token_urlsafe(24)
        self._time_limit = time_limit
        self._provider = provider
        self._form: HostedCardForm | None = None
        self._server: asyncio.Server | None = None
        self._port = 0
        self._outcome: asyncio.Future[CardFormCompletion] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._closing: asyncio.Future[None] | None = None
        self.requests_seen = 0   # for tests and Diagnostics: how many requests reached the page

    # -- addresses ------------------------------------------------------------------------------
    @property
    def page_url(self) -> str:
        """What the browser opens."""
        return f"http://{HOST}:{self._port}{self._path}/"

    @property
    def return_url(self) -> str:
        """Where the provider (or the page's script) returns, with the `state` it must bring back."""
        return f"http://{HOST}:{self._port}{self._path}/return?state={self.state}"

    @property
    def is_open(self) -> bool:
        return self._server is not None

    # -- life -----------------------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._outcome = loop.create_future()
        self._server = await asyncio.start_server(self._serve, HOST, 0, limit=_MAX_HEAD)
        self._port = self._server.sockets[0].getsockname()[1]
        self._timer = loop.call_later(self._time_limit, self._expire)

    def show(self, form: HostedCardForm) -> None:
        """The provider form the page hosts (set before the browser opens the page)."""
        self._form = form

    async def completion(self) -> CardFormCompletion:
        """Wait for the one completion; raises `CardFormClosed` if the form ends without one."""
        assert self._outcome is not None, "start() first"
        try:
            return await asyncio.shield(self._outcome)
        finally:
            await self.close()

    async def close(self, reason: str = "The card form was cancelled; nothing was attached.") -> None:
        """Stop listening (Cancel, time limit, or done); a waiting `completion()` ends with `reason`."""
        self._finish(error=CardFormClosed(reason, provider=self._provider))
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        server, self._server = self._server, None
        if server is not None:
            server.close()
            with contextlib.suppress(Exception):
                await server.wait_closed()

    def _expire(self) -> None:
        minutes = round(self._time_limit / 60)
        self._closing = asyncio.ensure_future(self.close(
            f"The card form was not completed within {minutes} minutes; nothing was attached."))

    def _finish(self, *, completion: CardFormCompletion | None = None, error: BaseException | None = None) -> bool:
        if self._outcome is None or self._outcome.done():
            return False
        if completion is not None:
            self._outcome.set_result(completion)
        else:
            assert error is not None
            self._outcome.set_exception(error)
            self._outcome.exception()   # retrieved: nobody may be waiting (a Cancel before the wait)
        return True

    # -- HTTP -----------------------------------------------------------------------------------
    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(_read_request(reader), _READ_SECONDS)
            if request is None:
                status, body = 400, _page("Bad request", "<p>This request could not be read.</p>")
            else:
                self.requests_seen += 1
                status, body = self._answer(request)
            writer.write(_response(status, body, self._form))
            await writer.drain()
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _answer(self, request: _Request) -> tuple[int, bytes]:
        # Another site's page cannot reach us under a name it controls (DNS rebinding).
        if request.host != f"{HOST}:{self._port}":
            return 400, _page("Wrong address", "<p>Open the page from Customer Console.</p>")
        if self._outcome is None or self._outcome.done():
            return 410, _page("Card form closed", "<p>This card form has already finished. "
                                                  "Start Add card again in Customer Console.</p>")
        if request.path == self._path + "/" and request.method == "GET":
            return 200, self._form_page()
        if request.path == self._path + "/return" and request.method in ("GET", "POST"):
            return self._complete(request)
        return 404, _page("Not found", "<p>There is nothing here.</p>")

    def _complete(self, request: _Request) -> tuple[int, bytes]:
        fields = {**request.query, **request.form}
        state = fields.pop("state", "")
        if not hmac.compare_digest(state.encode(), self.state.encode()):
            log.warning("card form: a return with a wrong state was refused; the form is closed")
            self._finish(error=CardFormClosed("The card form came back with a wrong security value, so it was "
                                              "closed and nothing was attached. Try Add card again.",
                                              provider=self._provider))
            return 400, _page("Card form refused", "<p>This return does not belong to the card form that was "
                                                   "open. Nothing was attached.</p>")
        if any(contains_card_number(value) for value in fields.values()):
            # A token never looks like a card number; something sent the card itself. Refuse it whole.
            self._finish(error=CardFormClosed("The card form sent back something that looks like a card number, "
                                              "so it was refused and nothing was attached.",
                                              provider=self._provider))
            return 400, _page("Card form refused", "<p>Nothing was attached.</p>")
        self._finish(completion=CardFormCompletion(fields=fields))
        return 200, _page("Card form finished", "<p>The card form is finished. You can close this tab and "
                                                "return to Customer Console.</p>")

    def _form_page(self) -> bytes:
        form = self._form
        if form is None:
            return _page("Not ready", "<p>The card form is not ready yet. Reload this page.</p>")
        title = html.escape(form.title)
        if form.kind is CardFormKind.SUBMIT:
            hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                             for k, v in form.fields.items())
            body = (f"<h1>{title}</h1><p>Taking you to the card form…</p>"
                    f'<form id="provider-form" method="{html.escape(form.method.lower())}" '
                    f'action="{html.escape(form.action)}">{hidden}'
                    '<button type="submit">Continue to the card form</button></form>'
                    f'<script nonce="{_NONCE_SLOT}">document.getElementById("provider-form").submit();</script>')
        else:
            scripts = "".join(f'<script src="{html.escape(src)}"></script>' for src in form.scripts)
            complete = (
                "function completeCardForm(fields) {"
                " const f = document.createElement('form'); f.method = 'post';"
                f" f.action = {json.dumps(self.return_url)};"
                " for (const [k, v] of Object.entries(fields)) {"
                "  const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v;"
                "  f.appendChild(i); }"
                " document.body.appendChild(f); f.submit(); }")
            body = (f"<h1>{title}</h1>"
                    '<div id="card-form"></div><p id="card-error" role="alert"></p>'
                    f"{scripts}<script nonce=\"{_NONCE_SLOT}\">{complete}\n{form.script}</script>")
        return _page(form.title, body)


# -- HTTP plumbing ----------------------------------------------------------------------------

_NONCE_SLOT = "{nonce}"


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return None
    method, target, _version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    form: dict[str, str] = {}
    length = headers.get("content-length", "0")
    if not length.isdigit() or int(length) > _MAX_BODY or "transfer-encoding" in headers:
        return None
    if int(length):
        body = await reader.readexactly(int(length))
        if headers.get("content-type", "").split(";")[0].strip() == "application/x-www-form-urlencoded":
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    url = urlsplit(target)
    return _Request(method, url.path, dict(parse_qsl(url.query, keep_blank_values=True)), form,
                    headers.get("host", ""))


def _page(title: str, body: str) -> bytes:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em}'
            '#card-error{color:#b00020}</style></head>'
            f"<body>{body}</body></html>").encode()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _response(status: int, body: bytes, form: HostedCardForm | None) -> bytes:
    nonce = secrets.token_urlsafe(16)
    body = body.replace(_NONCE_SLOT.encode(), nonce.encode())
    allowed = " ".join(sorted({o for o in ((form.origins if form else ()) + ((_origin(form.action),) if form else ()))
                               if o}))
    # The page runs only its own inline script and the provider's; its forms go only to the provider or back here.
    policy = (f"default-src 'none'; style-src 'unsafe-inline' {allowed}; img-src data: {allowed}; "
              f"script-src 'nonce-{nonce}' {allowed}; frame-src {allowed}; connect-src {allowed}; "
              f"form-action 'self' {allowed}; base-uri 'none'; frame-ancestors 'none'")
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 410: "Gone"}.get(status, "Error")
    head = (f"HTTP/1.1 {status} {reason}\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Cache-Control: no-store\r\n"
            "Referrer-Policy: no-referrer\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            f"Content-Security-Policy: {policy}\r\n"
            "Connection: close\r\n\r\n")
    return head.encode() + body
