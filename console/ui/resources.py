"""Find files in `resources/` from a source checkout, an installed wheel and a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The resources folder: inside a PyInstaller bundle, else beside the package source."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def app_icon_path() -> Path:
    return resources_dir() / "icons" / "customer-console.svg"
