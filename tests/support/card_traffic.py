"""Everything a provider client sends and receives, kept for checks: no card number may pass through it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from console.domain.card_numbers import find_card_numbers


@dataclass
class Exchange:
    method: str
    path: str
    request_text: str
    response_status: int
    response_text: str

    def request_json(self) -> Any:
        return json.loads(self.request_text) if self.request_text else None

    def response_json(self) -> Any:
        return json.loads(self.response_text) if self.response_text else None


@dataclass
class Traffic:
    """Event hooks for an `httpx.AsyncClient` that record each exchange in full (headers included)."""

    exchanges: list[Exchange] = field(default_factory=list)
    _texts: list[str] = field(default_factory=list)

    @property
    def hooks(self) -> dict[str, list[Any]]:
        return {"response": [self._on_response]}

    async def _on_response(self, response: httpx.Response) -> None:
        await response.aread()
        request = response.request
        request_text = request.content.decode("utf-8", "replace")
        self.exchanges.append(Exchange(request.method, request.url.path, request_text, response.status_code,
                                       response.text))
        self._texts += [str(request.url), *texts_of(request_text), *texts_of(response.text),
                        *(f"{k}: {v}" for k, v in [*request.headers.items(), *response.headers.items()])]

    def sent(self, method: str, path: str) -> list[Exchange]:
        return [x for x in self.exchanges if x.method == method and x.path == path]

    def assert_no_card_numbers(self) -> None:
        """Nothing card-number-shaped in any URL, header or body."""
        assert self.exchanges, "no traffic was recorded"
        found = [(text[:80], hits) for text in self._texts if (hits := find_card_numbers(text))]
        assert found == [], found


def texts_of(body: str) -> list[str]:
    """The texts of a body: a JSON body's keys and string values (a card number travels as a string;
    epoch-millisecond numbers would look like one), anything else as it is."""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        return [body]
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                texts.append(str(key))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(parsed)
    return texts
