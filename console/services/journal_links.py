"""Links journaled with the writes made inside a `linked()` block, per asyncio task (so writes of one
job running side by side each carry their own), e.g. a copy's create with the customer it copies."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from types import MappingProxyType

_LINKS: ContextVar[Mapping[str, str]] = ContextVar("journal_links", default=MappingProxyType({}))


def current_links() -> Mapping[str, str]:
    """The links for a write journaled now (the intent's `copied_from`...)."""
    return _LINKS.get()


@contextlib.contextmanager
def linked(**links: str | None) -> Iterator[None]:
    """Journal the writes made inside (in this task) with `links`; None values are left out."""
    token = _LINKS.set({**_LINKS.get(), **{k: v for k, v in links.items() if v is not None}})
    try:
        yield
    finally:
        _LINKS.reset(token)
