"""What a duplicate scan keeps for the next one: every record's blocking keys and the scored pairs (issue 20).

A later scan of mostly the same customers (after a merge, or the window opened again) makes keys only for
the customers it has not seen, and scores only the pairs that involve one of them; every other pair is the
one scored before. Each record has an identity: the customer object itself, or the object the window's index
holds for it (duplicate_records.py). Customers are frozen, and the index replaces what it holds when one
changes, so the same identity in the same account has the same keys. The memory holds the identities, so
their ids stay theirs.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from console.domain.duplicate_groups import PairMatch
from console.domain.lock_steps import STEP, let_go
from console.services.duplicate_blocking import BlockingKeys

MOST = 0.25   # past this share of new or changed records, a whole scan is as quick


@dataclass(frozen=True, slots=True)
class Remembered:
    """One scan's records (their identities), keys and scored pairs."""

    regions: dict[str, str]
    identities: list[object]
    accounts: tuple[str, ...]
    keys: BlockingKeys
    pairs: tuple[PairMatch, ...]

    def let_go(self) -> None:
        """Empty the keys and identities a step at a time (lock_steps.py): freed at once as the next scan
        replaced them, half a million records' held Python's lock beside the window for a fifth of a second."""
        self.keys.clear()
        let_go(self.identities)


class ScanMemory:
    """The last scan's keys and pairs, for a later scan with the same regions; `forget` lets them go."""

    def __init__(self) -> None:
        self.last: Remembered | None = None

    def forget(self) -> None:
        self.last = None


@dataclass(frozen=True, slots=True)
class Changes:
    """How the records of a scan stand to the last one: where each was then (None: new or changed)."""

    before: list[int | None]      # by position now: the position in the last scan
    after: list[int | None]       # by position in the last scan: the position now (None: gone or changed)
    fresh: list[int]              # positions now of the records not seen (new, or changed)


def changes(last: Remembered | None, identities: Sequence[object], accounts: Sequence[str],
            ids: Sequence[str], regions: Mapping[str, str] | None) -> Changes | None:
    """The changes since `last`; None when there is nothing to start from, most records are new, or a
    record is listed twice (which records a scan leaves out then is worked out by a whole scan)."""
    if last is None or last.regions != dict(regions or {}):
        return None
    at: dict[int, int] = {}   # made and let go of a step at a time (lock_steps.py): half a million entries
    for start in range(0, len(last.identities), STEP):
        at.update(zip(map(id, last.identities[start:start + STEP]), itertools.count(start)))
    try:
        return _changes(last, at, identities, accounts, ids)
    finally:
        let_go(at)


def _changes(last: Remembered, at: dict[int, int], identities: Sequence[object], accounts: Sequence[str],
             ids: Sequence[str]) -> Changes | None:
    was = last.accounts
    before = [index if index is not None and was[index] == account else None
              for index, account in zip(map(at.get, map(id, identities)), accounts, strict=True)]
    fresh = [index for index, then in enumerate(before) if then is None]
    if len(fresh) > MOST * len(identities):
        return None
    after: list[int | None] = [None] * len(last.identities)
    for index, then in enumerate(before):
        if then is not None:
            if after[then] is not None:
                return None   # one customer listed twice
            after[then] = index
    # The last scan's records were each listed once (else it was not remembered): only a fresh one can repeat.
    members = {(accounts[index], ids[index]) for index in fresh}
    new_ids = {ids[index] for index in fresh}
    if len(members) < len(fresh) or any(
            (accounts[index], ids[index]) in members and before[index] is not None
            for start in range(0, len(ids), STEP)   # the few with a fresh one's id, picked out a step at a time
            for index in itertools.compress(range(start, start + STEP),
                                            map(new_ids.__contains__, ids[start:start + STEP]))):
        return None
    return Changes(before, after, fresh)


def carried(last: Remembered, moved: Changes, fresh: BlockingKeys) -> BlockingKeys:
    """The keys of every record now: the last scan's where it was seen, `fresh` (of `moved.fresh`) elsewhere."""
    def column(then: list[Any], new: list[Any]) -> list[Any]:
        out = [then[index] if index is not None else None for index in moved.before]
        for index, key in zip(moved.fresh, new, strict=True):
            out[index] = key
        return out

    old = last.keys
    several = {now: old.several[then] for then, now in enumerate(moved.after) if now is not None
               and then in old.several} if old.several else {}
    several.update((moved.fresh[index], found) for index, found in fresh.several.items())
    return BlockingKeys(column(old.emails, fresh.emails), column(old.phones, fresh.phones),
                        column(old.sounds, fresh.sounds), column(old.references, fresh.references), several,
                        column(old.names, fresh.names), column(old.postals, fresh.postals),
                        column(old.companies, fresh.companies))


def fresh_keys(keys: BlockingKeys, indexes: Sequence[int]) -> list[set[str | None]]:
    """Every key of the records at `indexes`, a set for each kind (emails, phones, sounds, references)."""
    kinds: list[set[str | None]] = [set(map(column.__getitem__, indexes))
                                    for column in (keys.emails, keys.phones, keys.sounds, keys.references)]
    for index in indexes:
        found = keys.several.get(index)
        if found is not None:
            kinds[0].update(found[0])
            kinds[1].update(found[1])
    return kinds


def kept_pairs(last: Remembered, moved: Changes) -> list[PairMatch]:
    """The last scan's pairs of records seen again, at their positions now (first < second)."""
    after, kept = moved.after, []
    for first, second, score in last.pairs:
        a, b = after[first], after[second]
        if a is not None and b is not None:
            kept.append(PairMatch(a, b, score) if a < b else PairMatch(b, a, score))
    return kept
