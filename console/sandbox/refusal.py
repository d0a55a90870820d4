"""`Refusal`: a request the emulated provider refuses, raised anywhere below a route and answered once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Refusal(Exception):
    """A request the emulated provider refuses: answered with `status` and the provider's own `body`."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
