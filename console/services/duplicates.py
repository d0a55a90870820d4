"""Finding duplicates among customers of one or several accounts (issue 20), without Qt.

Only records sharing a blocking key are compared: the same normalised email, the same phone, the same
name sound-alike with the same postal code, or the same reference id, so the cost grows with the
records and their near-twins, never with all pairs. Pairs are scored by `duplicate_scoring`; those at
or above the threshold connect records into groups. A dismissed group's members are never connected
to each other again. `scan` keeps every scored pair, so a threshold slider regroups without rescanning.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from console.domain.customer import Customer
from console.domain.duplicate_groups import DuplicateGroup, Explain, MemberRef, PairMatch
from console.domain.gc_pause import gc_paused
from console.services.duplicate_blocking import blocking_keys
from console.services.duplicate_scoring import (
    DEFAULT_THRESHOLD,
    KeyMaker,
    RecordKeys,
    compare,
    reasons,
    weight_of,
)

Progress = Callable[[float], None]      # the share done, 0..1
Cancelled = Callable[[], bool]
_EVERY = 4096                           # records or blocks between progress reports and cancel checks
FLOOR = 0.2                             # pairs scoring below this are not kept (the slider's lowest)
FLOOR_WEIGHT = weight_of(FLOOR)

__all__ = ["DEFAULT_THRESHOLD", "FLOOR", "DuplicateScan", "Explainer", "ScanCancelledError", "candidate_pairs",
           "find_duplicates", "scan"]


class ScanCancelledError(Exception):
    """The scan was cancelled before it finished."""


class Explainer:
    """A scanned pair's reasons, made when asked from the two records' keys (the scan keeps no reasons:
    most of its pairs are never shown, and their words were a tenth of its time)."""

    def __init__(self, records: Sequence[tuple[str, Customer]], regions: Mapping[str, str] | None) -> None:
        self.records = records
        self.maker = KeyMaker(regions)

    def __call__(self, pair: PairMatch) -> tuple[str, ...]:
        keys = self.maker.keys
        return reasons(keys(*self.records[pair.first]), keys(*self.records[pair.second]))


@dataclass(frozen=True, slots=True)
class DuplicateScan:
    """Every candidate pair of one scan, scored; `groups` forms groups at any threshold."""

    accounts: tuple[str, ...]           # each scanned record's account and id, by position (two columns
    ids: tuple[str, ...]                # rather than a pair per record: no half a million tuples kept)
    pairs: tuple[PairMatch, ...]        # strongest first
    reasons: Explain                    # a pair's reasons

    def member(self, index: int) -> MemberRef:
        """The record at `index` as (account id, customer id)."""
        return self.accounts[index], self.ids[index]

    def groups(self, threshold: float = DEFAULT_THRESHOLD,
               dismissed: Iterable[Collection[MemberRef]] = ()) -> list[DuplicateGroup]:
        """The groups connected by pairs scoring at least `threshold`, strongest first."""
        dismissed_in: dict[MemberRef, set[int]] = {}
        for number, group in enumerate(dismissed):
            for member in group:
                dismissed_in.setdefault(member, set()).add(number)
        # Union-find whose root is always a component's lowest position (the union keeps the lower),
        # with paths halved as they are walked: a scan connects a hundred thousand pairs.
        parent: dict[int, int] = {}

        def root(i: int) -> int:
            while (up := parent.get(i, i)) != i:
                parent[i] = i = parent.get(up, up)
            return i

        kept: list[PairMatch] = []
        member_at, none = self.member, frozenset[int]()
        for pair in self.pairs:
            if pair.score < threshold:
                break
            first, second = pair.first, pair.second
            if dismissed_in and dismissed_in.get(member_at(first), none) & dismissed_in.get(member_at(second), none):
                continue   # staff said these are not one person
            kept.append(pair)
            ra, rb = root(first), root(second)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        by_root: dict[int, list[PairMatch]] = {}
        for pair in kept:
            by_root.setdefault(root(pair.first), []).append(pair)
        return [self._group(pairs) for pairs in by_root.values()]

    def _group(self, pairs: list[PairMatch]) -> DuplicateGroup:
        if len(pairs) == 1:   # most groups: two records, one pair (first < second)
            pair = pairs[0]
            return DuplicateGroup(indexes=(pair.first, pair.second),
                                  members=(self.member(pair.first), self.member(pair.second)),
                                  pairs=(pair,), explain=self.reasons)
        indexes = tuple(sorted({i for pair in pairs for i in (pair.first, pair.second)}))
        return DuplicateGroup(indexes=indexes, members=tuple(map(self.member, indexes)), pairs=tuple(pairs),
                              explain=self.reasons)


def _tick(done: int, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ScanCancelledError
    if progress is not None:
        progress(done / total if total else 1.0)


def scan(records: Sequence[tuple[str, Customer]], *, regions: Mapping[str, str] | None = None,
         progress: Progress | None = None, cancelled: Cancelled | None = None) -> DuplicateScan:
    """Score every pair of `records` ((account id, customer)) that shares a blocking key.

    National phone numbers are read in the account's country (`regions`: account id -> ISO code),
    else in the customer's own address country. Raises `ScanCancelledError` when `cancelled()` says so.
    """
    # Hundreds of thousands of small objects and no cycles: a collection would walk them all for nothing.
    with gc_paused():
        return _scan(records, regions, progress, cancelled)


Tick = Callable[[int], None]   # progress in records done (of twice their number) and a cancel check


def _repeats(accounts: Sequence[str], ids: Sequence[str], blocks: list[list[int]]) -> set[int]:
    """Later listings of a record listed twice, in each block it shares with an earlier listing."""
    counts = Counter(zip(accounts, ids, strict=True))
    if len(counts) == len(accounts):
        return set()   # the usual case: every record listed once
    members = list(zip(accounts, ids, strict=True))
    twice = {index for index, member in enumerate(members) if counts[member] > 1}
    repeats: set[int] = set()
    for block in blocks:
        if not twice.isdisjoint(block):
            first: dict[MemberRef, int] = {}
            for i in block:
                if first.setdefault(members[i], i) != i:
                    repeats.add(i)
    return repeats


def _candidates(accounts: Sequence[str], ids: Sequence[str], blocks: list[list[int]],
                tick: Tick) -> Iterator[list[tuple[int, int]]]:
    """Each pair (i < j) sharing a block, once, never a record with itself: a list per step of blocks."""
    n = len(accounts)
    # One record listed twice shares every block with itself: its later listings are left out.
    repeats = _repeats(accounts, ids, blocks)
    seen: set[int] = set()
    for start in range(0, len(blocks), _EVERY):
        tick(n + start * n // len(blocks))
        pairs: list[tuple[int, int]] = []
        for block in blocks[start:start + _EVERY]:
            if len(block) == 2 and not repeats:   # most blocks: two records, two different positions
                i, j = block
                if (code := i * n + j) not in seen:
                    seen.add(code)
                    pairs.append((i, j))
                continue
            for position, i in enumerate(block):
                for j in block[position + 1:]:
                    if (code := i * n + j) in seen:
                        continue   # already met in another block
                    seen.add(code)
                    if i != j and i not in repeats and j not in repeats:
                        pairs.append((i, j))
        yield pairs


def _columns(records: Sequence[tuple[str, Customer]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The records' accounts and customer ids."""
    return tuple(map(itemgetter(0), records)), tuple(map(attrgetter("id"), map(itemgetter(1), records)))


def candidate_pairs(records: Sequence[tuple[str, Customer]], *,
                    regions: Mapping[str, str] | None = None) -> set[tuple[int, int]]:
    """The pairs the scan compares (positions, i < j): those sharing a blocking key."""
    blocks = blocking_keys(records, KeyMaker(regions), lambda done: None).blocks()
    return set(itertools.chain.from_iterable(_candidates(*_columns(records), blocks, lambda done: None)))


def _scan(records: Sequence[tuple[str, Customer]], regions: Mapping[str, str] | None, progress: Progress | None,
          cancelled: Cancelled | None) -> DuplicateScan:
    maker = KeyMaker(regions)
    total = len(records) * 2   # blocking, then comparing: about as long each

    def tick(done: int) -> None:
        _tick(done, total, progress, cancelled)

    blocked = blocking_keys(records, maker, tick)
    blocks = blocked.blocks()
    blocked.sounds.clear()   # only blocks by sound-alike: its half a million keys need not outlive them
    accounts, ids = _columns(records)
    made: dict[int, RecordKeys] = {}   # full keys only for records that share a block with another
    pairs: list[PairMatch] = []
    for step in _candidates(accounts, ids, blocks, tick):
        new = sorted({i for pair in step for i in pair}.difference(made))
        made.update(zip(new, maker.keys_of_many([records[i] for i in new], map(blocked.contacts, new)), strict=True))
        for i, j in step:
            compared = compare(made[i], made[j])
            if compared.weight >= FLOOR_WEIGHT:
                pairs.append(PairMatch(i, j, compared.score))
    tick(total)
    pairs.sort(key=lambda pair: (-pair.score, pair.first, pair.second))
    # The keys let go of now rather than with this frame: a traceback kept in a reference cycle (phonenumbers
    # keeps one for some numbers it cannot read) keeps the frames below it, and their locals, until a collection.
    blocked.clear()
    blocks.clear()
    made.clear()
    return DuplicateScan(accounts=accounts, ids=ids, pairs=tuple(pairs), reasons=Explainer(records, regions))


def find_duplicates(records: Sequence[tuple[str, Customer]], *, threshold: float = DEFAULT_THRESHOLD,
                    dismissed: Iterable[Collection[MemberRef]] = (), regions: Mapping[str, str] | None = None,
                    progress: Progress | None = None, cancelled: Cancelled | None = None) -> list[DuplicateGroup]:
    """The groups of `records` that look like one person at `threshold`, strongest first.

    `dismissed`: member sets staff said are not one person; none of them is connected again.
    """
    # The scan and tens of thousands of groups in one pause: one collection after both, not one after each.
    with gc_paused():
        return scan(records, regions=regions, progress=progress, cancelled=cancelled).groups(threshold, dismissed)
