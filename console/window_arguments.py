"""A window start's command line (`--config-dir DIR`, `--screenshot PATH`), read without argparse.

argparse looks up its messages' translations through gettext as it builds a parser (importing
`locale` and reading the locale's settings): 5-7 ms on the Qt thread before the first paint, for the
two options nearly every start gives, if any. Those are read here. Anything else (`--help`,
`--version`, a tool's name, an abbreviation, a missing value) is left to argparse (`console.app`
`parse_args`), which reads it the same way and says what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

_OPTIONS = ("--config-dir", "--screenshot")


class WindowArguments(NamedTuple):
    """What a window start was told: where to keep its files, and where to save a screenshot and exit."""

    config_dir: Path | None = None
    screenshot: Path | None = None


def window_arguments(arguments: Sequence[str]) -> WindowArguments | None:
    """`arguments` read as argparse would read them, when they are only `--config-dir` and `--screenshot`
    with a value each (the last given wins); None for anything else."""
    values: dict[str, str] = {}
    rest = iter(arguments)
    for argument in rest:
        option, equals, value = argument.partition("=")
        if option not in _OPTIONS:
            return None
        if not equals:
            value = next(rest, "")
            if value.startswith("-"):   # argparse may read it as an option: its call
                return None
        if not value:   # argparse reads "" as the current directory; nothing to gain here
            return None
        values[option] = value
    config, screenshot = (values.get(option) for option in _OPTIONS)
    return WindowArguments(Path(config) if config is not None else None,
                           Path(screenshot) if screenshot is not None else None)
