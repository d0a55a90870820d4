"""What the JSON/REST emulators share: the route template, request bodies, paths, ids and bearer tokens."""

from __future__ import annotations

import json
import random
import string
from abc import abstractmethod
from typing import Any
from urllib.parse import parse_qsl, unquote

import httpx

from console.sandbox.base import Emulator, json_response
from console.sandbox.refusal import Refusal

ALPHANUMERIC = string.ascii_letters + string.digits


class RestEmulator(Emulator):
    """An emulator whose routes answer JSON: authenticate, dispatch, and answer a `Refusal` in its own body."""

    def _route(self, request: httpx.Request) -> httpx.Response:
        headers = self._answer_headers(request)
        try:
            self._authenticate(request)
            status, body = self._dispatch(request)
        except Refusal as refused:
            return json_response(refused.status, refused.body, {**headers, **refused.headers})
        if status == 204:
            return httpx.Response(204, headers=headers)
        return json_response(status, body, headers)

    def _answer_headers(self, request: httpx.Request) -> dict[str, str]:
        """Headers every routed answer carries, refusals included (made before anything else is looked at)."""
        return {}

    @abstractmethod
    def _authenticate(self, request: httpx.Request) -> None:
        """Raise the provider's `Refusal` unless the request's credentials are accepted."""

    @abstractmethod
    def _dispatch(self, request: httpx.Request) -> tuple[int, Any]:
        """The status and JSON body for an authenticated request (or raise a `Refusal`)."""


def request_fields(request: httpx.Request, *, invalid: Refusal) -> dict[str, Any]:
    """A POST/PATCH body as a dict, from JSON or a form; `invalid` is raised for anything else."""
    content = request.content
    if not content:
        return {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(content.decode("utf-8"), keep_blank_values=True))
        body = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise invalid from None
    if not isinstance(body, dict):
        raise invalid
    return body


def path_after(request: httpx.Request, prefix: str) -> list[str] | None:
    """The path segments after `prefix`, each decoded (None when the path does not start with it).

    Split before decoding: an id holding an encoded slash (`/customers/%2F`) is one segment, not
    an empty path that would read as the list.
    """
    path = request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace").rstrip("/")
    prefix = prefix.rstrip("/")
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    rest = path[len(prefix):].strip("/")
    return [unquote(segment) for segment in rest.split("/")] if rest else []


def random_id(rng: random.Random, length: int, alphabet: str = ALPHANUMERIC) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def bearer_token(request: httpx.Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if there is one."""
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
