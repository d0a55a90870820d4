"""A start that fails before the window exists says why, on stderr and in the log file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from console.app import EXIT_START_FAILED


def test_a_missing_qt_platform_is_reported_not_a_silent_abort(tmp_path: Path) -> None:
    config = tmp_path / "config"
    env = {**os.environ, "QT_QPA_PLATFORM": "bogus", "CUSTOMER_CONSOLE_NO_DIALOGS": "1"}
    done = subprocess.run([sys.executable, "-m", "console", "--config-dir", str(config)], capture_output=True,
                          text=True, timeout=120, env=env, check=False)
    assert done.returncode == EXIT_START_FAILED, (done.returncode, done.stderr)
    assert "Customer Console could not start" in done.stderr
    assert "platform plugin" in done.stderr
    assert str(config / "logs" / "customer-console.log") in done.stderr
    log = (config / "logs" / "customer-console.log").read_text(encoding="utf-8")
    assert "CRITICAL console: could not start" in log and "platform plugin" in log
    assert 'platform plugin "bogus"' in log  # Qt's earlier warning, held in memory, reached the file too
