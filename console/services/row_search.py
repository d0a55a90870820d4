"""A search of the table's rows found a screenful at once and the rest a slice at a time.

A keystroke is answered as soon as more rows are found than a window shows; the rest of the
positions are searched in short slices between events, their rows added below. So a keystroke
costs about the same at 500,000 customers as at 5,000 (P2 and P8b in benchmarks/run.py), and the
final rows are exactly those one search over every position would give: the filter is applied
to each position on its own, so searching the positions in runs changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

# Rows found before a keystroke is answered where the view does not say how many it shows
# (`RowSearch.first_rows`): more than a maximised window shows (72 rows on a 4K screen, 128 turned
# upright). A rare word is read through twice as many keys to find twice as many rows, so no more
# than needed (256 made "sm" of "smith" cost 6-10 ms at 500,000; P8b).
FIRST_ROWS = 128
# Positions searched in the first run (doubled for each further run until FIRST_ROWS are found).
FIRST_CHUNK = 1024
# Positions searched at a time within a slice; a slice stops after SLICE_SECONDS.
SLICE_CHUNK = 4096
SLICE_SECONDS = 0.004

Filter = Callable[[list[int]], list[int]]
"""Those of the given positions that the current search shows, in their order."""


class RowSearch:
    """The positions of one search still to be looked at (`base` from `next` on)."""

    def __init__(self, filtered: Filter) -> None:
        self._filtered = filtered
        self._base: Sequence[int] = ()
        self._next = self._end = 0   # what is left: base[next:end] (end fixed at the start)
        self.first_rows: int | None = None   # rows found before the first are returned (None: FIRST_ROWS)
        self.longest_slice = 0.0   # seconds, the longest slice run so far (the benchmarks print it)

    @property
    def pending(self) -> bool:
        """Whether positions are left to search."""
        return self._next < self._end

    def start(self, base: Sequence[int]) -> list[int]:
        """Search `base` from its start; returns the first rows found, all of them or at least `first_rows`.
        Positions added to `base` later are not searched (a new search, or the caller, sees to them)."""
        self._base, self._next, self._end = base, 0, len(base)
        return self._first([])

    def narrowed(self, found: list[int]) -> list[int]:
        """The query was narrowed while pending: the rows found so far (`found`) filtered again and
        the rest of the same positions searched for the new query, from where the last one was."""
        return self._first(self._filtered(found))

    def step(self) -> list[int]:
        """One slice: the rows found among the next positions searched for about SLICE_SECONDS."""
        started = time.perf_counter()
        found: list[int] = []
        while self.pending:
            found += self._take(SLICE_CHUNK)
            if time.perf_counter() - started >= SLICE_SECONDS:
                break
        self.longest_slice = max(self.longest_slice, time.perf_counter() - started)
        return found

    def rest(self) -> list[int]:
        """Every row still to be found, at once."""
        return self._take(self._end - self._next)

    def cancel(self) -> None:
        self._base, self._next, self._end = (), 0, 0

    def _first(self, found: list[int]) -> list[int]:
        chunk = FIRST_CHUNK
        first_rows = self.first_rows or FIRST_ROWS
        while self.pending and len(found) < first_rows:
            found += self._take(chunk)
            chunk *= 2
        return found

    def _take(self, count: int) -> list[int]:
        part = list(self._base[self._next:min(self._next + count, self._end)])
        self._next += len(part)
        if not self.pending:
            self.cancel()   # let go of the positions
        return self._filtered(part) if part else []
