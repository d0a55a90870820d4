"""The benchmark script runs and prints its figures in the agreed form (figures are not asserted)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^P7 sort by [a-z ]+ [\d.]+ ms \| baseline [\d.]+ ms \| [\d.]+x \| target <=200 ms \| (met|missed)$")


def test_the_quick_sort_figure_prints_one_line_per_column() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--figure", "P7"],
                          capture_output=True, text=True, env=env, timeout=300, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = [text for text in done.stdout.splitlines() if text.startswith("P7 ")]
    assert len(figures) == 3, done.stdout
    assert all(LINE.match(text) for text in figures), figures
    assert done.stdout.startswith("# Customer Console benchmarks")


def test_percentiles_stay_within_the_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("benchmarks_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, run)  # its dataclasses look themselves up there
    spec.loader.exec_module(run)
    samples = [0.010] * 10 + [0.020, 0.030]
    assert run.percentile(samples, 95) <= 0.030   # the "exclusive" quantiles would say 0.0335 here
    assert run.percentile(samples, 50) == 0.010
    assert run.percentile([0.5], 95) == 0.5
