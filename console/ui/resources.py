"""Find files in `resources/` from a source checkout, an installed wheel and a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # QIcon's first use builds its enums: imported after the start's paint (app.py)
    from PySide6.QtGui import QIcon


def resources_dir() -> Path:
    """The resources folder: inside a PyInstaller bundle, else beside the package source."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def app_icon_path() -> Path:
    return resources_dir() / "icons" / "customer-console.svg"


def themed_icon(name: str) -> QIcon:
    """A monochrome SVG from resources/icons drawn in the palette's text colour (light and dark mode)."""
    from PySide6.QtGui import QGuiApplication, QIcon, QPixmap

    svg = (resources_dir() / "icons" / f"{name}.svg").read_text(encoding="utf-8")
    colour = QGuiApplication.palette().windowText().color().name()
    pixmap = QPixmap()
    pixmap.loadFromData(svg.replace("currentColor", colour).encode(), "SVG")
    return QIcon(pixmap)
