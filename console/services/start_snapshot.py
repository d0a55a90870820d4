"""The first screenful of the last session's window, kept so the next start can paint it at once.

Read before anything heavy is imported (see `console/app.py`), so this module uses only the
standard library: a frozen dataclass and JSON rather than a pydantic model, because importing
pydantic alone costs more than the whole start-up budget. Anything unexpected in the file means
"no snapshot": the app then starts the ordinary way.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from console.services.atomic_file import write_atomic

SCHEMA = 1
MAX_ROWS = 200
FILE_NAME = "start-snapshot.json"


@dataclass(frozen=True, slots=True)
class StartSnapshot:
    """What the window showed: the account, its environment, the columns and the first rows as text."""

    account_id: str
    account_label: str      # as in the account selector
    account_name: str
    environment: str        # demo, sandbox or production
    geometry: str           # base64 of QWidget.saveGeometry(), or ""
    columns: tuple[str, ...]  # every column's label, hidden ones too
    header_state: str       # base64 of QHeaderView.saveState(): order, widths, hidden, sort indicator
    rows: tuple[tuple[str, ...], ...]  # one text per column


def snapshot_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def read_snapshot(data_dir: Path) -> StartSnapshot | None:
    """The last session's snapshot, or None when there is none or it cannot be used."""
    try:
        raw = json.loads(snapshot_path(data_dir).read_text(encoding="utf-8"))
        return _parse(raw)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _parse(raw: Any) -> StartSnapshot | None:
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        return None
    columns = tuple(_text(c) for c in raw["columns"])
    rows = tuple(tuple(_text(v) for v in row) for row in raw["rows"][:MAX_ROWS])
    if not columns or any(len(row) != len(columns) for row in rows):
        return None
    return StartSnapshot(
        account_id=_text(raw["account_id"]), account_label=_text(raw["account_label"]),
        account_name=_text(raw["account_name"]), environment=_text(raw["environment"]),
        geometry=_text(raw["geometry"]), columns=columns, header_state=_text(raw["header_state"]), rows=rows)


def write_snapshot(data_dir: Path, snapshot: StartSnapshot) -> None:
    """Replace the snapshot atomically; readable by the user alone (it holds customer names)."""
    from console.domain.card_numbers import mask_card_numbers_in  # not needed by the start-up read

    data = {"schema": SCHEMA, **asdict(snapshot)}
    data["rows"] = mask_card_numbers_in(data["rows"][:MAX_ROWS])
    # Written on the event loop as a load ends: no wait for the disk there (a slow disk's fsync stalls the
    # window). A snapshot that cannot be read is not shown; the next start shows the window without it.
    write_atomic(snapshot_path(data_dir), json.dumps(data, ensure_ascii=False), durable=False)


def forget_snapshot(data_dir: Path) -> None:
    """Delete the snapshot (after its account was removed, say)."""
    with contextlib.suppress(OSError):
        snapshot_path(data_dir).unlink()
