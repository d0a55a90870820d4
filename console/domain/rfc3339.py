"""RFC 3339 times as the providers write and read them: UTC with a `Z`; one formatter for clients and emulators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

Precision = Literal["auto", "seconds", "milliseconds"]


def rfc3339(moment: datetime, *, timespec: Precision = "auto") -> str:
    """`moment` in UTC with a `Z` suffix (a naive time is taken as UTC).

    `auto` keeps microseconds when there are any (Square takes them); `seconds` drops the fraction
    (Digital River: "2020-05-06T22:28:01Z"); `milliseconds` always writes three digits (Square's
    own answers: "2026-01-05T10:00:00.123Z"). Fractions are cut, not rounded, so order is kept.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec=timespec) + "Z"
