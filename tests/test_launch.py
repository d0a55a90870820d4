"""The entry point begins the start view's read only for a window start, and where that start keeps its files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from console.launch import _window_paths
from console.services.paths import AppPaths

ROOT = Path(__file__).resolve().parents[1]


def test_a_window_start_reads_from_its_config_dir(tmp_path: Path) -> None:
    assert _window_paths(["--config-dir", str(tmp_path)]) == AppPaths.resolve(tmp_path)
    assert _window_paths([f"--config-dir={tmp_path}", "--screenshot", "shot.png"]) == AppPaths.resolve(tmp_path)
    assert _window_paths(["--screenshot=shot.png"]) == AppPaths.resolve(None)
    assert _window_paths([]) == AppPaths.resolve(None)


@pytest.mark.parametrize("arguments", [
    ["find-duplicates", "people.csv"], ["--config-dir", "x", "export", "out.csv"], ["--version"], ["--help"],
    ["--config-dir"], ["--config-dir="], ["--config-dir", ""], ["--screenshot"], ["--no-such-option"],
])
def test_anything_else_reads_nothing(arguments: list[str]) -> None:
    assert _window_paths(arguments) is None


def test_the_installed_command_and_python_m_console_start_through_it() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["gui-scripts"]
    assert scripts["customer-console"] == "console.launch:main"
    assert "from console.launch import main" in (ROOT / "console" / "__main__.py").read_text(encoding="utf-8")


def test_the_installer_leaves_out_what_only_httpx_s_client_would_import() -> None:
    spec = (ROOT / "packaging" / "customer-console.spec").read_text(encoding="utf-8")
    excluded = spec[spec.index("excludes=["):spec.index("]", spec.index("excludes=["))]
    assert all(f'"{name}"' in excluded for name in ("click", "rich", "pygments"))
