"""Loading an account's customers page by page into its index, reporting progress as pages arrive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from console.domain import errors as e
from console.providers.base import CustomerProvider
from console.services.customer_index import CustomerIndex


@dataclass(slots=True)
class LoadProgress:
    """How far a load has got; `total` is known only for providers that count."""

    loaded: int = 0
    total: int | None = None
    pages: int = 0
    failures: list[e.ConsoleError] = field(default_factory=list)
    done: bool = False


async def load_customers(provider: CustomerProvider, index: CustomerIndex,
                         on_progress: Callable[[LoadProgress], None] | None = None) -> LoadProgress:
    """Fetch every customer page by page into `index`; customers gone since are dropped.

    Nothing is dropped when a page failed: those customers may only be missing from this listing.
    """
    progress = LoadProgress()
    seen: set[str] = set()
    async for page in provider.iter_pages():
        index.upsert(page.customers)
        seen.update(c.id for c in page.customers)
        progress.pages += 1
        progress.loaded = len(seen)
        if page.total is not None:
            progress.total = page.total
        progress.failures.extend(page.failures)
        if on_progress is not None:
            on_progress(progress)
    if not progress.failures:
        index.remove([c.id for c in index if c.id not in seen])
    progress.done = True
    if on_progress is not None:
        on_progress(progress)
    return progress
