"""The text of a PDF that Qt's QPdfWriter made, for assertions: its fonts' ToUnicode maps applied to the
glyph ids its pages show (no PDF library is a dependency; this reads only what Qt writes)."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_FONT_REF = re.compile(rb"/(F\d+) (\d+) 0 R")
_TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_DESCENDANT = re.compile(rb"/DescendantFonts \[ ?(\d+) 0 R")
_SHOW = re.compile(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]+)> Tj")


def _stream(body: bytes) -> bytes:
    found = _STREAM.search(body)
    if found is None:
        return b""
    raw = found.group(1)
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return raw


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            codes = range(int(low, 16), int(high, 16) + 1)
            if dst.startswith(b"["):   # one destination per code
                for code, each in zip(codes, re.findall(rb"<([0-9A-Fa-f]+)>", dst), strict=False):
                    mapping[code] = bytes.fromhex(each.decode()).decode("utf-16-be")
            else:
                for n, code in enumerate(codes):
                    mapping[code] = chr(int(dst[1:-1], 16) + n)
    return mapping


def pdf_text(path: Path) -> str:
    """Every glyph the pages show, as text, in the order drawn (Qt places each word's glyphs in turn)."""
    data = path.read_bytes()
    objects = {int(number): body for number, body in _OBJECT.findall(data)}
    maps: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, number in _FONT_REF.findall(body):
            font = objects.get(int(number), b"")
            unicode = _TO_UNICODE.search(font)
            if unicode is None and (descendant := _DESCENDANT.search(font)):
                unicode = _TO_UNICODE.search(objects.get(int(descendant.group(1)), b""))
            if unicode is not None:
                maps[name] = _cmap(_stream(objects[int(unicode.group(1))]))
    shown: list[str] = []
    for body in objects.values():
        content = _stream(body)
        if b" Tj" not in content:
            continue
        font: dict[int, str] = {}
        for name, glyphs in _SHOW.findall(content):
            if name:
                font = maps.get(name, {})
                continue
            hexed = glyphs.decode()
            shown += [font.get(int(hexed[n:n + 4], 16), "?") for n in range(0, len(hexed), 4)]
    return "".join(shown).replace("\t", " ")   # Qt maps its space glyph to a tab
