"""Several accounts' loaded customers read as one index, for the All accounts table.

Each account keeps its own `CustomerIndex` (loaded, refreshed and written by its own service);
this only reads them. A position here is the member's number shifted above the member's own
position, so positions stay stable while each account loads, and a position says its account
without a lookup.
"""

from __future__ import annotations

import contextlib
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain, compress, repeat
from operator import add, and_, rshift
from typing import Any

from console.domain.customer import Customer, field_getter
from console.services.customer_filters import CustomerFilters
from console.services.customer_index import CustomerIndex, Listener, when_all_read

SHIFT = 24   # an account's own positions stay below 16.7 million
_LOCAL = (1 << SHIFT) - 1
_SCAN_ALL_SHARE = 0.25   # as CustomerIndex: above this share, a search reads every key in order
ACCOUNT_COLUMN = "account"   # the column naming each row's account (not a customer field)


class CombinedIndex:
    """Read-only view over the indexes of several accounts; `account_at(position)` says whose row it is."""

    def __init__(self, members: Sequence[tuple[str, str, CustomerIndex]]) -> None:
        """`members`: (account id, account name, its index) in the order the table lists them."""
        self.account_ids = tuple(account_id for account_id, _, _ in members)
        self.account_names = tuple(name for _, name, _ in members)
        self._indexes = tuple(index for _, _, index in members)
        self._listeners: list[Listener] = []
        self._relays = [partial(self._member_changed, n << SHIFT) for n in range(len(self._indexes))]
        for index, relay in zip(self._indexes, self._relays, strict=True):
            index.subscribe(relay)
        self._getters: dict[str, Callable[[Customer], Any]] = {}

    def close(self) -> None:
        """Stop following the members (the view is being replaced)."""
        for index, relay in zip(self._indexes, self._relays, strict=True):
            with contextlib.suppress(ValueError):   # the member was cleared and let go of it already
                index.unsubscribe(relay)
        self._listeners.clear()

    # -- reading ------------------------------------------------------------------------------
    @property
    def members(self) -> tuple[CustomerIndex, ...]:
        return self._indexes

    def __len__(self) -> int:
        return sum(len(index) for index in self._indexes)

    @property
    def capacity(self) -> int:
        return sum(index.capacity for index in self._indexes)

    def at(self, position: int) -> Customer:
        return self._indexes[position >> SHIFT].at(position & _LOCAL)

    def id_at(self, position: int) -> str:
        """The id of the customer at a live `position` (without decoding a kept document)."""
        return self._indexes[position >> SHIFT].id_at(position & _LOCAL)

    def search_keys(self, position: int) -> tuple[str, str]:
        """`CustomerIndex.search_keys` of the member holding `position`."""
        return self._indexes[position >> SHIFT].search_keys(position & _LOCAL)

    def account_at(self, position: int) -> str:
        """The id of the account the customer at `position` belongs to."""
        return self.account_ids[position >> SHIFT]

    def member_at(self, position: int) -> CustomerIndex:
        return self._indexes[position >> SHIFT]

    def reads_documents(self, column: str) -> bool:
        """`CustomerIndex.reads_documents` of any account."""
        return column != ACCOUNT_COLUMN and any(index.reads_documents(column) for index in self._indexes)

    def when_read(self, callback: Callable[[], object]) -> None:
        """Call `callback` once no account's row waits for its document (`CustomerIndex.when_read`)."""
        when_all_read(self._indexes, callback)

    def position(self, customer_id: str, account_id: str | None = None) -> int | None:
        """The position of a customer by id, in `account_id` if given, else in the first account holding it."""
        for n, index in enumerate(self._indexes):
            if account_id is not None and self.account_ids[n] != account_id:
                continue
            local = index.position(customer_id)
            if local is not None:
                return n << SHIFT | local
        return None

    def alive(self) -> list[int]:
        """Every live position: each account's in its load order, the accounts in their order."""
        alive: list[int] = []
        for n, index in enumerate(self._indexes):
            alive += map(add, index.alive(), repeat(n << SHIFT))
        return alive

    def name(self, position: int) -> str:
        """The display name of the customer at `position`, as its own account names it."""
        index = self.member_at(position)
        return index.name(index.at(position & _LOCAL))

    def getter(self, key: str) -> Callable[[Customer], Any]:
        """A field's value of a customer, whichever its account (not for the derived 'name')."""
        get = self._getters.get(key)
        if get is None:
            get = self._getters[key] = field_getter(key)
        return get

    # -- changes ------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _member_changed(self, base: int, added: list[int], changed: list[int], removed: list[int]) -> None:
        shifted = [list(map(add, part, repeat(base))) for part in (added, changed, removed)]
        for listener in list(self._listeners):
            listener(*shifted)

    # -- searching and sorting ----------------------------------------------------------------
    def _split(self, positions: Sequence[int], ascending: bool = False) -> list[list[int]]:
        """Each member's own positions among `positions`, in their order there (`ascending`: the
        positions are in load order, so each member's are one run, cut out by bisection)."""
        if not positions:
            return [[] for _ in self._indexes]
        if ascending:
            cuts = [bisect_left(positions, n << SHIFT) for n in range(1, len(self._indexes))]
            runs = zip([0, *cuts], [*cuts, len(positions)], strict=True)
            return [list(map(and_, positions[a:b], repeat(_LOCAL))) if n else list(positions[a:b])
                    for n, (a, b) in enumerate(runs)]
        members = list(map(rshift, positions, repeat(SHIFT)))
        locals_ = list(map(and_, positions, repeat(_LOCAL)))
        if len(self._indexes) == 1:
            return [locals_]
        return [list(compress(locals_, map(int.__eq__, members, repeat(n)))) for n in range(len(self._indexes))]

    def prefers_full_scan(self, count: int) -> bool:
        """Whether searching `count` positions costs more than reading every key in memory order."""
        return count > _SCAN_ALL_SHARE * self.capacity

    def shown(self, positions: Sequence[int], text: str, filters: CustomerFilters, *,
              in_load_order: bool) -> list[int]:
        """The positions among `positions` passing `filters` and matching `text`, in their order."""
        if not text and not filters.active:
            return list(positions)
        parts: Sequence[Sequence[int]]
        if in_load_order and len(positions) == len(self):
            # Every live row in load order (a new search, not a narrowing): each account scans its
            # keys whole, in memory order, with nothing to split out or pick (holes match nothing).
            parts = [range(index.capacity) for index in self._indexes]
        else:
            parts = self._split(positions, ascending=in_load_order)
        found = [index.shown(part, text, filters, in_load_order=in_load_order) if part else []
                 for index, part in zip(self._indexes, parts, strict=True)]
        shifted = [hits if n == 0 else map(add, hits, repeat(n << SHIFT)) for n, hits in enumerate(found)]
        if in_load_order:
            return list(chain.from_iterable(shifted))   # the members' runs, in member order
        kept = set(chain.from_iterable(shifted))
        return list(compress(positions, map(kept.__contains__, positions)))

    def sorted_positions(self, positions: list[int], column: str, descending: bool) -> list[int]:
        """`positions` ordered by `column` across accounts; empty values last either way (as CustomerIndex).
        ACCOUNT_COLUMN orders by the accounts' names, each account's rows in load order."""
        if column == ACCOUNT_COLUMN:
            order = sorted(range(len(self._indexes)), key=lambda n: self.account_names[n].casefold(),
                           reverse=descending)
            rank = {n: r for r, n in enumerate(order)}
            return sorted(positions, key=lambda p: (rank[p >> SHIFT], p))
        parts = self._split(positions)
        keyed: dict[int, Any] = {}
        for n, (index, part) in enumerate(zip(self._indexes, parts, strict=True)):
            if not part:
                continue
            keys = index.sort_keys(column)
            keyed.update(zip(map(add, part, repeat(n << SHIFT)), map(keys.__getitem__, part), strict=True))
        filled = [p for p in positions if keyed[p] is not None]
        empty = [p for p in positions if keyed[p] is None] if len(filled) < len(positions) else []
        try:
            filled.sort(key=keyed.__getitem__)
        except TypeError:   # numbers and text in one column
            filled.sort(key=lambda p: (isinstance(keyed[p], str), keyed[p]))
        if descending:
            filled.reverse()
        return filled + empty
