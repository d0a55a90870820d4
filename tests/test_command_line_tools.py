"""The app's entry point tells a command-line tool from the window by its first word."""

from __future__ import annotations

import pytest

from console.app import command_arguments


@pytest.mark.parametrize(("argv", "expected"), [
    (["export", "--account", "A", "out.csv"], ("export", ["--account", "A", "out.csv"])),
    (["--config-dir", "/c", "import", "f.csv"], ("import", ["--config-dir", "/c", "f.csv"])),
    (["--config-dir=/c", "find-duplicates"], ("find-duplicates", ["--config-dir=/c"])),
    ([], None),
    (["--config-dir", "/c"], None),
    (["--screenshot", "s.png"], None),
    (["--config-dir", "/c", "--screenshot", "s.png", "export"], None),
])
def test_config_dir_may_come_before_the_tool_name(argv: list[str],
                                                  expected: tuple[str, list[str]] | None) -> None:
    assert command_arguments(argv) == expected
