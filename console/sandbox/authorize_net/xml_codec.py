"""XML in and out for the CIM emulator: the same dict shapes the JSON API uses, in schema order."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from console.sandbox.authorize_net.schema import NS, TYPES

# Repeated request elements (sequences with maxOccurs > 1): always lists after parsing.
_REPEATED = {el.name for sequence in TYPES.values() for el in sequence if el.repeated}
# Response wrappers that hold a list of simple items, and the item element's name.
WRAPPERS = {"ids": "numericString", "customerPaymentProfileIdList": "numericString",
            "customerShippingAddressIdList": "numericString", "validationDirectResponseList": "string",
            "subscriptionIds": "string"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse(content: bytes) -> tuple[str, dict[str, Any]]:
    """(root element name, its children as a dict in document order); ValueError when unreadable."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        raise ValueError(str(exc)) from exc
    if not root.tag.startswith("{" + NS + "}"):
        raise LookupError("namespace")
    try:
        return _local(root.tag), _children(root)
    except RecursionError as exc:  # nested deeper than any schema type: unreadable, not a server fault
        raise ValueError("elements nested too deeply") from exc


def _children(node: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in node:
        name = _local(child.tag)
        value: Any = _children(child) if len(child) else (child.text or "")
        if name in out:
            if not isinstance(out[name], list):
                out[name] = [out[name]]
            out[name].append(value)
        elif name in _REPEATED:
            out[name] = [value]
        else:
            out[name] = value
    return out


def render(root_name: str, body: dict[str, Any]) -> bytes:
    """An XML response document: default namespace on the root, children in the dict's order."""
    root = ET.Element(root_name, {"xmlns": NS})
    _fill(root, body)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _fill(node: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            if key in WRAPPERS and isinstance(child, list):
                wrapper = ET.SubElement(node, key)
                for item in child:
                    ET.SubElement(wrapper, WRAPPERS[key]).text = str(item)
            elif isinstance(child, list):
                for item in child:
                    _fill(ET.SubElement(node, key), item)
            else:
                _fill(ET.SubElement(node, key), child)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)
