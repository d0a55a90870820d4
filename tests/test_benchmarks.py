"""The benchmark script runs and prints its figures in the agreed form (figures are not asserted)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^P7 sort by [a-z ]+ [\d.]+ ms \| baseline [\d.]+ ms \| [\d.]+x \| target <=100 ms \| (met|missed)$")
NUMBER = r"[\d.]+ (ms|s) \| baseline [\d.]+ (ms|s) \| [\d.]+x"


def _quick(*figures: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"]
    for figure in figures:
        command += ["--figure", figure]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("# Customer Console benchmarks")
    return done.stdout


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Any:
    """benchmarks/run.py as a module."""
    spec = importlib.util.spec_from_file_location("benchmarks_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_the_quick_sort_figure_prints_one_line_per_column() -> None:
    figures = [text for text in _quick("P7").splitlines() if text.startswith("P7 ")]
    assert len(figures) == 3, figures
    assert all(LINE.match(text) for text in figures), figures


def test_search_headlines_the_first_typing_with_as_many_baseline_samples() -> None:
    out = _quick("P2", "PD")
    lines = [text for text in out.splitlines() if text.startswith(("P2 ", "PD "))]
    assert [re.sub(NUMBER + r".*", "", text) for text in lines] == [
        "P2 search p95, first typing ", "P2 search p95, typed again x3 ", "P2 search p50, first typing ",
        "P2 search p50, typed again x3 ", "PD demo data, 20,000 customers generated (median) "]
    assert re.search(NUMBER + r" \| target <=8 ms and >=20x \| (met|missed)$", lines[0]), lines[0]
    assert all(text.endswith("| target - | -") for text in lines[1:4]), lines  # no target, no verdict
    assert re.search(NUMBER + r" \| target <=2 s \| (met|missed)$", lines[4]), lines[4]
    samples = re.search(r'"(\w+)" typed 4 times .*: (\d+) keystrokes in the app, (\d+) in the baseline', out)
    assert samples is not None and samples[2] == samples[3] == str(4 * len(samples[1])), out


def test_a_line_has_a_verdict_exactly_when_it_has_a_target(run: Any, capsys: pytest.CaptureFixture[str]) -> None:
    run.line("P9", "thing", 0.010, "ms", baseline=0.020, ratio=2.0, target=None, met=None)
    run.line("P9", "thing", 0.010, "ms", baseline=0.020, ratio=2.0, target="<=16 ms", met=True)
    assert capsys.readouterr().out.splitlines() == [
        "P9 thing 10.0 ms | baseline 20.0 ms | 2.0x | target - | -",
        "P9 thing 10.0 ms | baseline 20.0 ms | 2.0x | target <=16 ms | met"]
    with pytest.raises(ValueError, match="verdict"):
        run.line("P9", "thing", 0.010, "ms", baseline=None, target=None, met=True)


def test_start_up_prints_first_paint_and_live_page_with_their_own_targets(run: Any, monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    marks = iter([{"PAINTED": 0.5, "LIVE": 0.5}, {"PAINTED": 0.1},
                  {"PAINTED": 0.1}, {"PAINTED": 0.14, "LIVE": 0.45},
                  {"PAINTED": 0.1}, {"PAINTED": 0.16, "LIVE": 0.35}])
    monkeypatch.setattr(run, "_time_to_paint", lambda *args: next(marks))
    run.p1_startup(run.Sizes.for_run(quick=True))
    lines = [text for text in capsys.readouterr().out.splitlines() if text.startswith("P1")]
    assert lines == [
        "P1a start-up to first paint (median) 150.0 ms | baseline 100.0 ms | 1.50x | target <=1.5x bare window | met",
        "P1b start-up to live first page (median) 400.0 ms | baseline 100.0 ms | 4.0x | target <=4x bare window "
        "| met"]


def test_percentiles_stay_within_the_samples(run: Any) -> None:
    samples = [0.010] * 10 + [0.020, 0.030]
    assert run.percentile(samples, 95) <= 0.030   # the "exclusive" quantiles would say 0.0335 here
    assert run.percentile(samples, 50) == 0.010
    assert run.percentile([0.5], 95) == 0.5


def test_warm_start_prints_the_view_painted_and_searchable_from_the_database() -> None:
    out = _quick("P9")
    lines = [text for text in out.splitlines() if text.startswith("P9")]
    assert [re.sub(NUMBER + r".*", "", text) for text in lines] == [
        "P9a warm start to the last view painted from the database (median) ",
        "P9b warm start to searchable (median) "]
    assert re.search(NUMBER + r" \| target <=1.5x bare window \| (met|missed)$", lines[0]), lines[0]
    assert re.search(NUMBER + r" \| target <=1 s \| (met|missed)$", lines[1]), lines[1]
    # Every run painted the start view from the database, then the real window's rows from the local copy
    # (the first batch while the rest are still being read), then was searchable.
    runs = re.search(r"runs \(view painted / real window's rows / searchable, ms\): (.*)$", out, re.MULTILINE)
    assert runs is not None, out
    marks = [tuple(map(int, run.split("/"))) for run in runs[1].split(", ")]
    assert len(marks) == 2 and all(view < rows <= found for view, rows, found in marks), marks
    assert "10,000 customers of the demo Square account in the workspace database" in out


def test_the_export_figure_prints_its_time_and_its_longest_event_loop_gap() -> None:
    lines = [text for text in _quick("P15").splitlines() if text.startswith("P15")]
    assert [re.sub(NUMBER + r".*", "", text) for text in lines] == [
        "P15a customer export, 10,000 rows to CSV ", "P15b longest event-loop gap during the export "]
    assert re.search(r" \| target <=3 s \| (met|missed)$", lines[0]), lines[0]
    assert re.search(r" \| target <=25 ms \| (met|missed)$", lines[1]), lines[1]


def test_every_figure_has_its_runner_the_jobs_figures_included(run: Any) -> None:
    assert set(run.RUNNERS) == set(run.FIGURES)
    assert {"P12", "P13", "P14"} <= set(run.FIGURES)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "**P12, P13, P14**" in readme   # each figure's baseline is described there
