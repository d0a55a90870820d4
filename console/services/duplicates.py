"""Finding duplicates among customers of one or several accounts (issue 20), without Qt.

Only records sharing a blocking key are compared: the same normalised email, the same phone, the same
name sound-alike with the same postal code, or the same reference id, so the cost grows with the
records and their near-twins, never with all pairs. Pairs are scored by `duplicate_scoring`; those at
or above the threshold connect records into groups. A dismissed group's members are never connected
to each other again. `scan` keeps every scored pair, so a threshold slider regroups without rescanning.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from console.domain.duplicate_groups import DuplicateGroup, MemberRef, PairMatch
from console.domain.gc_pause import gc_paused
from console.domain.lock_steps import STEP, Leftovers, copied, let_go, mapped, sorted_by_score
from console.domain.scan_customer import Scanned
from console.services.duplicate_blocking import blocking_keys, candidates, repeats
from console.services.duplicate_kept_keys import KeptColumns
from console.services.duplicate_last_scan import ScanStore, last_scan, rescan
from console.services.duplicate_memory import Remembered, ScanMemory, carried, changes, fresh_keys, kept_pairs
from console.services.duplicate_scoring import (
    DEFAULT_THRESHOLD,
    KeyMaker,
    RecordKeys,
    compare,
    reasons,
    score_of,
    weight_of,
)

Progress = Callable[[float], None]      # the share done, 0..1
Cancelled = Callable[[], bool]
FLOOR = 0.2                             # pairs scoring below this are not kept (the slider's lowest)
FLOOR_WEIGHT = weight_of(FLOOR)
_first, _second, _weight, _score = itemgetter(0), itemgetter(1), itemgetter(0), itemgetter(2)

__all__ = ["DEFAULT_THRESHOLD", "FLOOR", "DuplicateScan", "Explainer", "ScanCancelledError", "ScanMemory",
           "candidate_pairs", "find_duplicates", "scan"]


class ScanCancelledError(Exception):
    """The scan was cancelled before it finished."""


def _minus_score(pair: PairMatch) -> float:
    return -pair.score


class Explainer:
    """A scanned pair's reasons, made when asked from the two records' keys (the scan keeps no reasons:
    most of its pairs are never shown, and their words were a tenth of its time)."""

    def __init__(self, records: Sequence[tuple[str, Scanned]], regions: Mapping[str, str] | None) -> None:
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
    reasons: Explainer                  # a pair's reasons

    def member(self, index: int) -> MemberRef:
        """The record at `index` as (account id, customer id)."""
        return self.accounts[index], self.ids[index]

    def groups(self, threshold: float = DEFAULT_THRESHOLD,
               dismissed: Iterable[Collection[MemberRef]] = ()) -> list[DuplicateGroup]:
        """The groups connected by pairs scoring at least `threshold`, strongest first."""
        # Tens of thousands of groups and no cycles: with the collector on, forming them beside 500,000 loaded
        # customers took three times as long (the window regroups on its event loop, at every slider move).
        # They live as long as the window shows them: frozen, not walked after the pause.
        with gc_paused(keep=True):
            return self._groups(threshold, dismissed)

    def _groups(self, threshold: float, dismissed: Iterable[Collection[MemberRef]]) -> list[DuplicateGroup]:
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

        # The pairs at the threshold: a prefix, the pairs being sorted by score (strongest first).
        kept = list(self.pairs[:bisect.bisect_right(self.pairs, -threshold, key=_minus_score)])
        if dismissed_in:
            member_at, none = self.member, frozenset[int]()
            kept = [pair for pair in kept   # leaving out those staff said are not one person
                    if not dismissed_in.get(member_at(pair.first), none) & dismissed_in.get(member_at(pair.second),
                                                                                           none)]
        for first, second, _ in kept:
            # A position not in `parent` is a root: most are, and need no call.
            ra = root(first) if first in parent else first
            rb = root(second) if second in parent else second
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        by_root: dict[int, list[PairMatch]] = {}
        for pair in kept:
            first = pair.first
            by_root.setdefault(root(first) if first in parent else first, []).append(pair)
        groups = [self._group(pairs) for pairs in by_root.values()]
        let_go(by_root, parent, kept)   # a hundred thousand entries each: a step at a time (lock_steps.py)
        return groups

    def _group(self, pairs: list[PairMatch]) -> DuplicateGroup:
        if len(pairs) == 1:   # most groups: two records, one pair (first < second)
            pair = pairs[0]
            return DuplicateGroup((pair.first, pair.second), (pair,), self)
        return DuplicateGroup(tuple(sorted({i for pair in pairs for i in (pair.first, pair.second)})), tuple(pairs),
                              self)


def _tick(done: int, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ScanCancelledError
    if progress is not None:
        progress(done / total if total else 1.0)


def scan(records: Sequence[tuple[str, Scanned]], *, regions: Mapping[str, str] | None = None,
         progress: Progress | None = None, cancelled: Cancelled | None = None,
         memory: ScanMemory | None = None, identities: Sequence[object] | None = None,
         members: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
         kept: Callable[[Callable[[], None], KeyMaker], KeptColumns | None] | None = None,
         scans: ScanStore | None = None, checksums: Sequence[int] | None = None,
         listed_once: bool = False, leftovers: Leftovers | None = None) -> DuplicateScan:
    """Score every pair of `records` ((account id, customer)) that shares a blocking key.

    National phone numbers are read in the account's country (`regions`: account id -> ISO code),
    else in the customer's own address country. Raises `ScanCancelledError` when `cancelled()` says so.
    `memory`: what the last scan kept, so that only customers new since then have keys made; this scan's
    is kept there in turn. `identities`: what stands for each record there (duplicate_memory.py; by
    default the customer objects). `members`: the records' accounts and ids, when known without reading
    the records (duplicate_records.py: the records are then each read once, for their keys). `kept`:
    gives the records' keys as the workspace kept them (duplicate_kept_keys.py) through the scan's
    `KeyMaker`, calling the function it is given now and then (it raises `ScanCancelledError` when
    cancelled); called by a whole scan only (one after `memory` makes only new records' keys), and not
    when `regions` are given (kept keys are made without accounts' countries). `scans`: where the last
    whole scan of these accounts is kept (duplicate_last_scan.py), with `checksums`, that of each
    record's document (`record_checksums`): a scan the memory does not serve starts from it when it
    can, and each scan without `regions` is kept there. `listed_once`: every (account, id) is known to be
    listed once (indexes' customers), else it is checked. `leftovers`: where the scan leaves what it is done
    with, for the caller to let go of once the groups are shown (0.17 s of a scan of 500,000 customers);
    without it, that is let go of before the scan returns.
    """
    # Hundreds of thousands of small objects and no cycles: a collection would walk them all for nothing,
    # during the scan and after it (the pairs and the memory live on: frozen, not walked, as the pause ends).
    later = leftovers if leftovers is not None else Leftovers()
    with gc_paused(keep=True):
        try:
            found = _scan(records, regions, progress, cancelled, memory,
                          identities if identities is not None else mapped(itemgetter(1), records),
                          members or _columns(records), kept,
                          scans if checksums is not None and not regions else None, checksums, listed_once, later)
        except BaseException:
            later.let_go()   # a cancelled scan's: not left for a caller that gets no scan
            raise
    if leftovers is None:
        later.let_go()
    return found


def _columns(records: Sequence[tuple[str, Scanned]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The records' accounts and customer ids."""
    return tuple(mapped(itemgetter(0), records)), tuple(mapped(attrgetter("id"), mapped(itemgetter(1), records)))


def candidate_pairs(records: Sequence[tuple[str, Scanned]], *,
                    regions: Mapping[str, str] | None = None) -> set[tuple[int, int]]:
    """The pairs the scan compares (positions, i < j): those sharing a blocking key."""
    blocks = blocking_keys(records, KeyMaker(regions), lambda done: None).blocks()
    accounts, ids = _columns(records)
    return set(itertools.chain.from_iterable(candidates(len(records), blocks, repeats(accounts, ids, blocks),
                                                        lambda done: None)))


def _listed_once(accounts: Sequence[str], ids: Sequence[str]) -> bool:
    """Whether every (account, id) is listed once."""
    # Ids are usually unique across accounts too, and then so are the pairs: a set of the ids is built much
    # faster than one of half a million (account, id) tuples. Either a step at a time (lock_steps.py).
    seen: set[object] = set()
    for start in range(0, len(ids), STEP):
        seen.update(ids[start:start + STEP])
    once = len(seen) == len(ids)
    let_go(seen)
    if once:
        return True
    for start in range(0, len(ids), STEP):
        seen.update(zip(accounts[start:start + STEP], ids[start:start + STEP], strict=True))
    once = len(seen) == len(ids)
    let_go(seen)
    return once


def _scan(records: Sequence[tuple[str, Scanned]], regions: Mapping[str, str] | None, progress: Progress | None,
          cancelled: Cancelled | None, memory: ScanMemory | None, identities: Sequence[object],
          members: tuple[tuple[str, ...], tuple[str, ...]],
          kept_keys: Callable[[Callable[[], None], KeyMaker], KeptColumns | None] | None, scans: ScanStore | None,
          checksums: Sequence[int] | None, listed_once: bool, later: Leftovers) -> DuplicateScan:
    maker = KeyMaker(regions)
    total = len(records) * 2   # blocking, then comparing: about as long each

    def tick(done: int) -> None:
        _tick(done, total, progress, cancelled)

    accounts, ids = members
    last = memory.last if memory is not None else None
    moved = changes(last, identities, accounts, ids, regions) if last is not None else None
    prior = scans.read() if scans is not None and moved is None else None
    # Every record listed once, as usual? A record listed twice shares every block with itself: its later
    # listings are left out, which a later scan would need to work out again, so such a scan is not remembered
    # (nor kept: one the same records were kept of was listed once).
    once = listed_once or moved is not None or (prior is not None and prior.ids == ids and prior.accounts == accounts) \
        or _listed_once(accounts, ids)
    kept: list[PairMatch] = []
    again = rescan(prior, records, accounts, ids, checksums or (), maker, tick) if prior is not None and once else None
    if last is not None and moved is not None:
        # Keys only for the records not seen, pairs scored only where one of them is.
        fresh = blocking_keys([records[i] for i in moved.fresh], maker, tick)
        blocked = carried(last, moved, fresh)
        tick(len(records))
        blocks = blocked.blocks(fresh_keys(blocked, moved.fresh))
        twice, only = set[int](), set(moved.fresh)
        kept = kept_pairs(last, moved)
    elif again is not None:
        # Keys only for the records changed since the kept scan, pairs scored only where one of them is.
        blocked, kept, only, twice = again.keys, again.kept, set(again.fresh), set()
        tick(len(records))
        blocks = blocked.blocks(fresh_keys(blocked, again.fresh))
    else:
        def check() -> None:
            tick(0)

        blocked = blocking_keys(records, maker, tick,
                                kept_keys(check, maker) if kept_keys is not None and not regions else None)
        blocks = blocked.blocks()
        twice, only = set() if once else repeats(accounts, ids, blocks), None
    if memory is None and scans is None:
        blocked.sounds.clear()   # only blocks by sound-alike: its half a million keys need not outlive them
    if again is None:
        record_keys = functools.partial(blocked.record_keys, accounts, maker=maker)
    else:   # a pair's records have their scoring keys made as it is scored: the kept scan has none
        record_keys = functools.partial(_keys_of, records, maker)
    pairs = _scored(record_keys, candidates(len(records), blocks, twice, tick), only, later)
    tick(total)
    pairs += kept
    found = tuple(sorted_by_score(pairs, _score))   # strongest first, then by position
    later.add(pairs)
    if scans is not None and checksums is not None and once:
        scans.save(last_scan(accounts, ids, checksums, blocked, found))
    if memory is not None:
        if last is not None:   # what the last scan kept, let go of a step at a time (what is carried stays)
            later.call(last.let_go)
        # A scan from the kept one has no scoring keys to remember: the next starts from the kept one again.
        memory.last = Remembered(dict(regions or {}), copied(identities), accounts, blocked,
                                 found) if once and again is None else None
    else:
        # The keys let go of rather than with this frame, should a reference cycle keep the frame (phonenumbers
        # made one for some numbers it cannot read, until validation.parse_phone broke it).
        later.call(blocked.clear)
    later.add(blocks)
    later.call(maker.let_go)   # its memos, rather than with this frame
    return DuplicateScan(accounts=accounts, ids=ids, pairs=found, reasons=Explainer(records, regions))


def _keys_of(records: Sequence[tuple[str, Scanned]], maker: KeyMaker, indexes: list[int]) -> list[RecordKeys]:
    """The scoring keys of the records at `indexes`, made of the records."""
    return [maker.keys(*records[index]) for index in indexes]


def _scored(record_keys: Callable[[list[int]], list[RecordKeys]], steps: Iterable[list[tuple[int, int]]],
            only: set[int] | None, later: Leftovers) -> list[PairMatch]:
    """The candidate pairs of `steps` scoring at least the floor; `only`: those with one of these records;
    `record_keys`: the scoring keys of the records at the positions given (left in `later` once scored)."""
    made: dict[int, RecordKeys] = {}   # full keys only for records that share a block with another
    pairs: list[PairMatch] = []
    for step in steps:
        if only is not None:
            step = [(i, j) for i, j in step if i in only or j in only]
        new = sorted(set(itertools.chain.from_iterable(step)).difference(made))
        made.update(zip(new, record_keys(new), strict=True))
        # Compared in C's loops (map), the few above the floor kept in Python's.
        weights = list(map(_weight, map(compare, map(made.__getitem__, map(_first, step)),
                                        map(made.__getitem__, map(_second, step)))))
        above = map(FLOOR_WEIGHT.__le__, weights)
        pairs += [PairMatch(i, j, score_of(weight))
                  for (i, j), weight in itertools.compress(zip(step, weights, strict=True), above)]
    later.add(made)
    return pairs


def find_duplicates(records: Sequence[tuple[str, Scanned]], *, threshold: float = DEFAULT_THRESHOLD,
                    dismissed: Iterable[Collection[MemberRef]] = (), regions: Mapping[str, str] | None = None,
                    progress: Progress | None = None, cancelled: Cancelled | None = None,
                    memory: ScanMemory | None = None) -> list[DuplicateGroup]:
    """The groups of `records` that look like one person at `threshold`, strongest first.

    `dismissed`: member sets staff said are not one person; none of them is connected again.
    """
    # The scan and tens of thousands of groups in one pause (each freezes what it keeps as it ends).
    with gc_paused():
        return scan(records, regions=regions, progress=progress, cancelled=cancelled,
                    memory=memory).groups(threshold, dismissed)
