"""The icon script draws every size from the one SVG and writes valid .ico and .icns containers."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtGui import QImage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packaging"))

from make_icons import ICO_SIZES, PNG_SIZES, make_icons


def test_icons_are_rendered_at_every_size(tmp_path: Path) -> None:
    make_icons(tmp_path)
    for size in PNG_SIZES:
        image = QImage(str(tmp_path / f"customer-console-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not blank
    ico = (tmp_path / "customer-console.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind, count) == (0, 1, len(ICO_SIZES))
    for n, size in enumerate(ICO_SIZES):
        width, _, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * n)
        assert width == (0 if size >= 256 else size)
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + length <= len(ico)
    icns = (tmp_path / "customer-console.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack_from(">I", icns, 4)[0] == len(icns)
    kinds, at = [], 8
    while at < len(icns):
        kinds.append(icns[at:at + 4])
        at += struct.unpack_from(">I", icns, at + 4)[0]
    assert at == len(icns) and b"ic10" in kinds and b"icp4" in kinds
