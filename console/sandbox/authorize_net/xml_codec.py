"""XML in and out for the CIM emulator: the same dict shapes the JSON API uses, in schema order.

A request with a DOCTYPE is refused before it is parsed: the API has no use for one, and refusing it
means entity declarations (and their expansion, "billion laughs") never reach a parser.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from xml.parsers import expat

from console.sandbox.authorize_net.schema import NS, TYPES

# Repeated request elements (sequences with maxOccurs > 1): always lists after parsing.
_REPEATED = {el.name for sequence in TYPES.values() for el in sequence if el.repeated}
# Response wrappers that hold a list of simple items, and the item element's name.
WRAPPERS = {"ids": "numericString", "customerPaymentProfileIdList": "numericString",
            "customerShippingAddressIdList": "numericString", "validationDirectResponseList": "string",
            "subscriptionIds": "string"}


class Wrapped(list[Any]):
    """A response list that XML wraps: `<name><item>…</item>…</name>` (JSON flattens it to an array).

    For wrappers of complex items whose element name also occurs unwrapped elsewhere (`paymentProfiles`
    is a wrapper in getCustomerPaymentProfileListResponse, a repeated element in a profile).
    """

    def __init__(self, item: str, values: list[Any]) -> None:
        super().__init__(values)
        self.item = item


# How Authorize.net's XML answers begin (after the byte-order mark), byte for byte: its client libraries
# strip exactly this text, so other quotes or spacing break them.
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


class _PrologOver(Exception):
    """The root element started, so no DOCTYPE can follow."""


class _Doctype(Exception):
    """The document declares a DOCTYPE."""


def _raise(exc: type[Exception]) -> Any:
    def handler(*_: Any) -> None:
        raise exc
    return handler


def _refuse_doctype(content: bytes) -> None:
    """ValueError when the prolog declares a DOCTYPE; reads no further than the root element's start tag."""
    # pyexpat stops at a handler's exception (ElementTree's parser would carry on and expand
    # entities); expat also decodes, so a UTF-16 DOCTYPE is seen as well as a UTF-8 one.
    scanner = expat.ParserCreate()
    scanner.StartDoctypeDeclHandler = _raise(_Doctype)
    scanner.StartElementHandler = _raise(_PrologOver)
    try:
        scanner.Parse(content, True)
    except _PrologOver:
        return
    except _Doctype:
        raise ValueError("a DOCTYPE is not accepted") from None
    except expat.ExpatError as exc:
        raise ValueError(str(exc)) from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse(content: bytes) -> tuple[str, dict[str, Any]]:
    """(root element name, its children as a dict in document order); ValueError when unreadable or with a DOCTYPE."""
    _refuse_doctype(content)
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
    """An XML response document: Authorize.net's declaration, default namespace on the root, children in order."""
    root = ET.Element(root_name, {"xmlns": NS})
    _fill(root, body)
    return DECLARATION + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _fill(node: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, Wrapped):
                wrapper = ET.SubElement(node, key)
                for item in child:
                    _fill(ET.SubElement(wrapper, child.item), item)
            elif key in WRAPPERS and isinstance(child, list):
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
