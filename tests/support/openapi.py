"""Validate JSON bodies against a schema of an official OpenAPI 3.0 document.

The provider specs leave `additionalProperties` open, so a misspelt field would pass. In strict
mode (the default) every object schema that lists `properties` is closed, which turns a typo in
what our client sends or what an emulator answers into a test failure.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SPECS = Path(__file__).resolve().parent.parent / "specs"


def _convert(node: Any, strict: bool) -> Any:
    """Turn OpenAPI 3.0 schema dialect (nullable, open objects) into plain JSON Schema."""
    if isinstance(node, list):
        return [_convert(item, strict) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _convert(value, strict) for key, value in node.items() if key != "example"}
    if out.pop("nullable", False):
        if "$ref" in out:
            ref = out.pop("$ref")
            out = {"anyOf": [{"$ref": ref}, {"type": "null"}], **out}
        elif isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if strict and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


class OpenApiSpec:
    """One OpenAPI document; `validate("Customer", body)` raises on any mismatch."""

    def __init__(self, path: Path, *, strict: bool = True) -> None:
        doc = json.loads(path.read_text(encoding="utf-8"))
        self.doc = doc
        self._root = {"components": {"schemas": _convert(doc["components"]["schemas"], strict)}}
        self._validators: dict[str, jsonschema.Draft4Validator] = {}

    def schema(self, name: str) -> dict[str, Any]:
        return {"$ref": f"#/components/schemas/{name}", **copy.deepcopy(self._root)}

    def errors(self, name: str, instance: Any) -> list[str]:
        # One validator per schema: building one copies every component of the document.
        validator = self._validators.get(name)
        if validator is None:
            validator = self._validators[name] = jsonschema.Draft4Validator(self.schema(name))
        return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
                for e in validator.iter_errors(instance)]

    def validate(self, name: str, instance: Any) -> None:
        problems = self.errors(name, instance)
        if problems:
            raise AssertionError(f"{name} does not match the spec:\n  " + "\n  ".join(problems))

    def operation(self, method: str, path: str) -> dict[str, Any]:
        return self.doc["paths"][path][method.lower()]


@cache
def square_spec() -> OpenApiSpec:
    return OpenApiSpec(SPECS / "square" / "api.json")


@cache
def digital_river_spec() -> OpenApiSpec:
    return OpenApiSpec(SPECS / "digital-river" / "customers-excerpt.openapi.json")
