"""Finding duplicates among customers of one or several accounts (issue 20), without Qt.

Only records sharing a blocking key are compared: the same normalised email, the same phone, the same
name sound-alike with the same postal code, or the same reference id, so the cost grows with the
records and their near-twins, never with all pairs. Pairs are scored by `duplicate_scoring`; those at
or above the threshold connect records into groups. A dismissed group's members are never connected
to each other again. `scan` keeps every scored pair, so a threshold slider regroups without rescanning.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from console.domain.customer import Customer
from console.domain.duplicate_groups import DuplicateGroup, MemberRef, PairMatch
from console.domain.gc_pause import gc_paused
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

__all__ = ["DEFAULT_THRESHOLD", "FLOOR", "DuplicateScan", "ScanCancelledError", "candidate_pairs", "find_duplicates",
           "scan"]


class ScanCancelledError(Exception):
    """The scan was cancelled before it finished."""


@dataclass(frozen=True, slots=True)
class DuplicateScan:
    """Every candidate pair of one scan, scored; `groups` forms groups at any threshold."""

    members: tuple[MemberRef, ...]
    pairs: tuple[PairMatch, ...]        # strongest first

    def groups(self, threshold: float = DEFAULT_THRESHOLD,
               dismissed: Iterable[Collection[MemberRef]] = ()) -> list[DuplicateGroup]:
        """The groups connected by pairs scoring at least `threshold`, strongest first."""
        dismissed_in: dict[MemberRef, set[int]] = {}
        for number, group in enumerate(dismissed):
            for member in group:
                dismissed_in.setdefault(member, set()).add(number)
        parent: dict[int, int] = {}

        def root(i: int) -> int:
            while parent.get(i, i) != i:
                i = parent[i]
            return i

        kept: list[PairMatch] = []
        for pair in self.pairs:
            if pair.score < threshold:
                break
            a, b = self.members[pair.first], self.members[pair.second]
            if dismissed_in.get(a, set()) & dismissed_in.get(b, set()):
                continue   # staff said these are not one person
            kept.append(pair)
            ra, rb = root(pair.first), root(pair.second)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        by_root: dict[int, list[PairMatch]] = {}
        for pair in kept:
            by_root.setdefault(root(pair.first), []).append(pair)
        return [self._group(pairs) for pairs in by_root.values()]

    def _group(self, pairs: list[PairMatch]) -> DuplicateGroup:
        indexes = tuple(sorted({i for pair in pairs for i in (pair.first, pair.second)}))
        said = tuple(dict.fromkeys(reason for pair in pairs for reason in pair.reasons))
        return DuplicateGroup(indexes=indexes, members=tuple(self.members[i] for i in indexes),
                              pairs=tuple(pairs), reasons=said)


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
        return _scan(records, KeyMaker(regions), progress, cancelled)


Tick = Callable[[int], None]   # progress in records done (of twice their number) and a cancel check


def _blocks(records: Sequence[tuple[str, Customer]], maker: KeyMaker, tick: Tick) -> list[list[int]]:
    """The blocks of two or more records (their positions)."""
    # One dict per kind of key (no tuple per key; an email never meets a reference id). A key seen once
    # holds its record's position, a list only from the second: most keys are one record's.
    kinds: tuple[dict[str, Any], ...] = ({}, {}, {}, {})
    emails, phones, sounds, references = kinds
    for index, (account, customer) in enumerate(records):
        if index % _EVERY == 0:
            tick(index)
        record_emails, record_phones, sound, reference = maker.blocking(account, customer)
        # Inlined rather than a helper per key: this loop runs for every record of every account.
        for key in record_emails:
            if (members := emails.get(key)) is None:
                emails[key] = index
            elif members.__class__ is int:
                emails[key] = [members, index]
            else:
                members.append(index)
        for key in record_phones:
            if (members := phones.get(key)) is None:
                phones[key] = index
            elif members.__class__ is int:
                phones[key] = [members, index]
            else:
                members.append(index)
        if sound is not None:
            if (members := sounds.get(sound)) is None:
                sounds[sound] = index
            elif members.__class__ is int:
                sounds[sound] = [members, index]
            else:
                members.append(index)
        if reference is not None:
            if (members := references.get(reference)) is None:
                references[reference] = index
            elif members.__class__ is int:
                references[reference] = [members, index]
            else:
                members.append(index)
    return [members for kind in kinds for members in kind.values() if members.__class__ is list]


def _candidates(records: Sequence[tuple[str, Customer]], blocks: list[list[int]],
                tick: Tick) -> Iterator[tuple[int, int]]:
    """Each pair (i < j) sharing a block, once, never a record with itself."""
    n = len(records)
    # One record listed twice shares every block with itself: its later listings are left out.
    repeats: set[int] = set()
    for members in blocks:
        first: dict[tuple[str, str], int] = {}
        for i in members:
            if first.setdefault((records[i][0], records[i][1].id), i) != i:
                repeats.add(i)
    seen: set[int] = set()
    for number, members in enumerate(blocks):
        if number % _EVERY == 0:
            tick(n + number * n // len(blocks))
        for position, i in enumerate(members):
            for j in members[position + 1:]:
                if (code := i * n + j) in seen:
                    continue   # already met in another block
                seen.add(code)
                if i != j and i not in repeats and j not in repeats:
                    yield i, j


def candidate_pairs(records: Sequence[tuple[str, Customer]], *,
                    regions: Mapping[str, str] | None = None) -> set[tuple[int, int]]:
    """The pairs the scan compares (positions, i < j): those sharing a blocking key."""
    blocks = _blocks(records, KeyMaker(regions), lambda done: None)
    return set(_candidates(records, blocks, lambda done: None))


def _scan(records: Sequence[tuple[str, Customer]], maker: KeyMaker, progress: Progress | None,
          cancelled: Cancelled | None) -> DuplicateScan:
    total = len(records) * 2   # blocking, then comparing: about as long each

    def tick(done: int) -> None:
        _tick(done, total, progress, cancelled)

    blocks = _blocks(records, maker, tick)
    made: dict[int, RecordKeys] = {}   # full keys only for records that share a block with another

    def keys_of(index: int) -> RecordKeys:
        found = made.get(index)
        if found is None:
            account, customer = records[index]
            found = made[index] = maker.keys(account, customer)   # again: cheaper than keeping every record's
        return found

    pairs: list[PairMatch] = []
    for i, j in _candidates(records, blocks, tick):
        a, b = keys_of(i), keys_of(j)
        compared = compare(a, b)
        if compared.weight >= FLOOR_WEIGHT:
            pairs.append(PairMatch(i, j, compared.score, reasons(a, b, compared)))
    tick(total)
    pairs.sort(key=lambda pair: (-pair.score, pair.first, pair.second))
    return DuplicateScan(members=tuple((account, customer.id) for account, customer in records), pairs=tuple(pairs))


def find_duplicates(records: Sequence[tuple[str, Customer]], *, threshold: float = DEFAULT_THRESHOLD,
                    dismissed: Iterable[Collection[MemberRef]] = (), regions: Mapping[str, str] | None = None,
                    progress: Progress | None = None, cancelled: Cancelled | None = None) -> list[DuplicateGroup]:
    """The groups of `records` that look like one person at `threshold`, strongest first.

    `dismissed`: member sets staff said are not one person; none of them is connected again.
    """
    found = scan(records, regions=regions, progress=progress, cancelled=cancelled)
    with gc_paused():   # tens of thousands of groups: no collection walking the loaded customers meanwhile
        return found.groups(threshold, dismissed)
