"""Start-up logging: what is logged before the log file opens (after the first paint) is kept."""

from __future__ import annotations

import logging
from pathlib import Path

from console.app import keep_early_records, setup_logging
from console.services.paths import AppPaths


def test_records_from_before_the_log_file_reach_it_redacted(tmp_path: Path, root_logger: logging.Logger) -> None:
    keep_early_records()
    logging.getLogger("qt").warning("early warning, Authorization: Bearer abcdef0123456789")
    logging.getLogger("console").info("early note")
    paths = AppPaths.resolve(tmp_path)
    setup_logging(paths)
    logging.getLogger("console").warning("later warning")
    for handler in root_logger.handlers:
        handler.flush()
    text = (paths.log_dir / "customer-console.log").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "early" in line or "later" in line]
    assert [line.split(": ", 1)[1] for line in lines][1:] == ["early note", "later warning"]
    assert "early warning" in lines[0] and "abcdef0123456789" not in text
    assert not any(type(h).__name__ == "_EarlyRecords" for h in root_logger.handlers)


def test_the_app_starts_without_httpx_command_line_client() -> None:
    # In a fresh interpreter, as at start-up: httpx works, and its CLI (rich, click) is not loaded.
    import subprocess
    import sys

    probe = ("import sys\nfrom console.app import skip_httpx_command_line\nskip_httpx_command_line()\n"
             "import httpx\nhttpx.Client(base_url='http://127.0.0.1').close()\n"
             "print(sorted(m for m in ('rich', 'click', 'httpx._main') if sys.modules.get(m) is not None))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
