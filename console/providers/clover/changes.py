"""Clover's incremental refresh: a full listing at Clover's largest page, compared with the workspace.

Clover's customer filters have no modified time (`customerSince` finds new customers only) and a
customer has no top-level modified time (shared/api/wave2-facts.md §1), so edits need the whole
list. It is read 1,000 a page (Clover's maximum) rather than the table's 100, a tenth of the
requests; the service leaves rows whose content it already holds untouched, and known ids the
listing did not return are deletions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from typing import Any

from console.providers.changes import ChangePage, scan_changes

SCAN_PAGE = 1000


class CloverChanges:
    """`changes_since` for `CloverProvider` (mixed in; it supplies `iter_pages`)."""

    def iter_pages(self, *, page_size: int | None = None) -> AsyncIterator[Any]:
        raise NotImplementedError

    def changes_since(self, cursor: str | None, known_ids: Collection[str]) -> AsyncIterator[ChangePage]:
        return scan_changes(self.iter_pages(page_size=SCAN_PAGE), known_ids)
