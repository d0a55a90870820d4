"""Pieces the JSON/REST emulators share: refusals as exceptions, request bodies, paths and ids."""

from __future__ import annotations

import json
import random
import string
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx

ALPHANUMERIC = string.ascii_letters + string.digits


class Refusal(Exception):
    """A request the emulated provider refuses: answered with `status` and the provider's own `body`."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


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
    """The path segments after `prefix` (None when the path does not start with it)."""
    path = request.url.path.rstrip("/")
    prefix = prefix.rstrip("/")
    if path != prefix and not path.startswith(prefix + "/"):
        return None
    rest = path[len(prefix):].strip("/")
    return rest.split("/") if rest else []


def random_id(rng: random.Random, length: int, alphabet: str = ALPHANUMERIC) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def bearer_token(request: httpx.Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if there is one."""
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
