"""RFC 3339 times as the emulated providers write them: UTC with a Z."""

from __future__ import annotations

from datetime import UTC, datetime


def rfc3339(moment: datetime, *, milliseconds: bool = False) -> str:
    """`moment` in UTC, e.g. 2026-01-05T10:00:00Z, or 2026-01-05T10:00:00.123Z (both sort as text in time order)."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds" if milliseconds else "seconds") + "Z"
