"""A window start's command line is read without argparse, exactly as argparse reads it; the rest is argparse's."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from console.app import argument_parser, parse_args
from console.window_arguments import WindowArguments, window_arguments


@pytest.mark.parametrize("arguments", [
    [], ["--config-dir", "x"], ["--config-dir=x"], ["--screenshot", "shot.png"],
    ["--screenshot=shot.png", "--config-dir", "d"], ["--config-dir", "a", "--config-dir", "b"],
    ["--config-dir=a=b"], ["--config-dir=-x"], ["--screenshot", "export"], ["--config-dir", "with space"],
])
def test_read_as_argparse_reads_them(arguments: list[str]) -> None:
    parsed = argument_parser().parse_args(arguments)
    assert window_arguments(arguments) == WindowArguments(parsed.config_dir, parsed.screenshot)


@pytest.mark.parametrize("arguments", [
    ["--help"], ["--version"], ["--config", "d"], ["--config-dir"], ["--config-dir", ""], ["--config-dir="],
    ["--screenshot", "-x"], ["--", "x"], ["x"], ["--no-such-option"], ["--config-dir", "d", "--version"],
])
def test_anything_else_is_left_to_argparse(arguments: list[str]) -> None:
    assert window_arguments(arguments) is None


def test_a_window_start_builds_no_argument_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parser(*args: object, **kwargs: object) -> argparse.ArgumentParser:
        raise AssertionError("argparse was asked")

    monkeypatch.setattr(argparse, "ArgumentParser", no_parser)
    assert parse_args(["--config-dir", "d", "--screenshot=s.png"]) == WindowArguments(Path("d"), Path("s.png"))
    assert parse_args([]) == WindowArguments()


def test_argparse_answers_the_rest(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_args(["--config", "d"]) == WindowArguments(Path("d"), None)   # an abbreviation argparse allows
    with pytest.raises(SystemExit) as version:
        parse_args(["--version"])
    assert version.value.code == 0 and capsys.readouterr().out.startswith("customer-console ")
    with pytest.raises(SystemExit) as refused:
        parse_args(["--screenshot"])
    assert refused.value.code == 2 and "expected one argument" in capsys.readouterr().err
