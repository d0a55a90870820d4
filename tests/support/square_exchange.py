"""Every request to the Square emulator and its answer, checked against Square's OpenAPI operation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from console.sandbox.square import SquareEmulator
from tests.support.openapi import OpenApiSpec, square_spec


def _schema_name(node: dict[str, Any]) -> str:
    return str(node["content"]["application/json"]["schema"]["$ref"]).rsplit("/", 1)[-1]


def operation(spec: OpenApiSpec, method: str, path: str) -> dict[str, Any]:
    """The spec's operation for a concrete path ("{name}" segments match any one segment)."""
    for template, methods in spec.doc["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        # Fixed words beat parameters, as on Square: /v2/customers/search is not a customer id.
        if re.fullmatch(pattern, path) and method.lower() in methods:
            fixed = [t for t in spec.doc["paths"] if re.fullmatch(re.escape(t), path) and method.lower()
                     in spec.doc["paths"][t]]
            return dict(spec.doc["paths"][fixed[0] if fixed else template][method.lower()])
    raise AssertionError(f"{method} {path} is not an operation of the spec")


def check_request(spec: OpenApiSpec, request: httpx.Request) -> dict[str, Any]:
    """The operation a request is for, after checking its query names and JSON body against it."""
    op = operation(spec, request.method, request.url.path)
    allowed = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
    assert set(request.url.params) <= allowed, (request.url, allowed)
    if "requestBody" in op:
        spec.validate(_schema_name(op["requestBody"]), json.loads(request.content))
    return op


def _enum_codes(node: Any) -> Any:
    """`node` with VERSION_MISMATCH read as CONFLICT: Square sends it, but its spec's ErrorCode enum lacks it."""
    if isinstance(node, dict):
        return {k: "CONFLICT" if k == "code" and v == "VERSION_MISMATCH" else _enum_codes(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_enum_codes(item) for item in node]
    return node


def check_answer(spec: OpenApiSpec, op: dict[str, Any], response: httpx.Response) -> None:
    """A 200 against the operation's response schema, anything else as Square's `errors`."""
    body = _enum_codes(response.json())
    if response.status_code == 200:
        spec.validate(_schema_name(op["responses"]["200"]), body)
        return
    assert set(body) == {"errors"} and body["errors"], body
    for item in body["errors"]:
        spec.validate("Error", item)


@dataclass
class CheckedSquare:
    """A transport over the emulator that checks every exchange against the spec and keeps it."""

    emulator: SquareEmulator
    exchanges: list[tuple[httpx.Request, httpx.Response]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        spec = square_spec()
        op = check_request(spec, request)
        response = self.emulator.handle(request)
        response.read()
        check_answer(spec, op, response)
        self.exchanges.append((request, response))
        return response

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)
