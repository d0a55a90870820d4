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


def test_the_version_is_written_once_and_the_package_metadata_takes_it_from_there() -> None:
    from importlib.metadata import version

    import console

    assert console.__version__ == version("customer-console")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    assert project["tool"]["hatch"]["version"]["path"] == "console/__init__.py"


def test_a_window_start_never_imports_the_package_metadata_reader() -> None:
    import subprocess
    import sys

    code = ("import sys, console.app as app; from console import __version__; "
            "app.skip_pydantic_plugin_scan(); from console.services.context import build_context; "
            "from console.ui.startup import run_window; sys.exit('importlib.metadata' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


def test_a_start_on_a_local_file_never_loads_sqlalchemy_s_postgresql_dialect() -> None:
    """Only a team workspace needs it (17 ms of every start otherwise, console/store/tables.py)."""
    import subprocess
    import sys

    code = ("import sys; from console.services.context import build_context; "
            "from console.ui.startup import run_window; import console.store.engine, console.store.journal, "
            "console.store.customers, console.store.dialects, console.store.team; "
            "sys.exit('sqlalchemy.dialects.postgresql' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


def test_pydantic_builds_and_validates_models_told_there_are_no_plugins() -> None:
    import subprocess
    import sys

    code = ("import sys; from console.app import skip_pydantic_plugin_scan; skip_pydantic_plugin_scan()\n"
            "from console.services.settings import Settings\n"
            "from pydantic import ValidationError\n"
            "assert Settings.model_validate({'last_account_id': 'demo:square'}).last_account_id == 'demo:square'\n"
            "try:\n    Settings.model_validate({'last_account_id': 5})\nexcept ValidationError:\n    pass\n"
            "else:\n    sys.exit('not validated')\n"
            "sys.exit('importlib.metadata' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
