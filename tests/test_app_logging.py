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
