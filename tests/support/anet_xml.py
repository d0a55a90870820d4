"""Authorize.net JSON request bodies as the XML the server validates, and schema validation of both ways."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import xmlschema

NS = "AnetApi/xml/v1/schema/AnetApiSchema.xsd"
XSD = Path(__file__).resolve().parent.parent / "specs" / "authorize-net" / "AnetApiSchema.xsd"


@cache
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def json_to_xml(body: dict[str, Any]) -> str:
    """`{"xRequest": {...}}` as `<xRequest xmlns=...>` with children in the JSON's key order."""
    ((root_name, content),) = body.items()
    root = ET.Element(root_name, {"xmlns": NS})
    _fill(root, content)
    return ET.tostring(root, encoding="unicode")


def _fill(node: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            for item in child if isinstance(child, list) else [child]:
                _fill(ET.SubElement(node, key), item)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def validate_xml(document: str | bytes) -> None:
    """Raise xmlschema's error unless the document is valid against AnetApiSchema.xsd."""
    text = document.decode("utf-8-sig") if isinstance(document, bytes) else document
    schema().validate(text.lstrip("\ufeff"))
