"""A small icon per provider for the All accounts table: its initials on its own colour, drawn once."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

# Distinct at a glance and readable with white initials; not the providers' trademarks.
_COLOURS = {"square": "#3e4348", "authorize-net": "#1c5aa6", "clover": "#2f8f3a", "payarc": "#7a3db8",
            "digital-river": "#c2410c"}
_INITIALS = {"square": "Sq", "authorize-net": "An", "clover": "Cl", "payarc": "Pa", "digital-river": "DR"}
_SIZE = 32   # drawn at twice the table's icon size, for high-DPI screens


@cache
def provider_icon(provider: str) -> QIcon:
    """The icon for a provider key (a grey one for a provider not listed here)."""
    pixmap = QPixmap(_SIZE, _SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(_COLOURS.get(provider, "#6b7280")))
    painter.drawRoundedRect(QRectF(1, 1, _SIZE - 2, _SIZE - 2), 7, 7)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(14)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, _SIZE, _SIZE), Qt.AlignmentFlag.AlignCenter,
                     _INITIALS.get(provider, provider[:2].title()))
    painter.end()
    return QIcon(pixmap)
