"""Refreshing an account the window already holds: only what changed, where the provider can tell.

Given to `CustomerService.incremental` for accounts with a local copy. It applies when the index
already holds the account (a warm start from the workspace, or Refresh) and the provider's changes
include edits; otherwise it answers None and the full scan runs (a cold start, where the full
scan is the faster way to fill the table, and Authorize.net, whose profiles carry no updated time,
so only a full scan sees an edit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.providers.base import CustomerProvider
from console.services.customer_index import CustomerIndex
from console.services.customer_loading import LoadProgress, ProgressCallback

if TYPE_CHECKING:
    from console.services.incremental_refresh import PageApplied
    from console.services.workspace import AccountCopy


async def refresh_changes(provider: CustomerProvider, index: CustomerIndex, local: AccountCopy,
                          on_progress: ProgressCallback | None) -> LoadProgress | None:
    """Bring `index` and `local` up to date with what changed at the provider; None: do a full scan."""
    if not type(provider).changes_include_edits or not len(index):
        return None
    # Imported here: it loads SQLAlchemy, which the workspace's thread has loaded by now, not the app's start.
    from console.services.incremental_refresh import incremental_refresh

    progress = LoadProgress(loaded=len(index))

    def on_page(applied: PageApplied) -> None:
        if applied.saved:
            index.upsert(applied.saved)
        if applied.removed:
            index.remove(applied.removed)
        progress.pages += 1
        progress.loaded = len(index)
        if on_progress is not None:
            on_progress(progress)

    result = await incremental_refresh(provider, local.account_id, local.provider, local.run, on_page=on_page)
    if result.error is not None and not result.complete:
        raise result.error   # shown like a failed load; the pages applied so far stay
    progress.failures.extend(result.failures)
    progress.loaded = len(index)
    progress.done = True
    if on_progress is not None:
        on_progress(progress)
    return progress
