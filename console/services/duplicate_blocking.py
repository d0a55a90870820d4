"""Every record's blocking keys, made a column at a time, the blocks of records sharing one, and the
candidate pairs within them (issue 20).

A scan makes these keys for every record (500,000 in P17), so the columns are made with map() over
attribute getters and memoised look-ups (names and postal codes repeat, emails and phones mostly do
not), and each record's key is matched to its first holder in C (one dict pass a kind): only the few
records after a first holder are gathered into blocks in Python. The keys are the same as
`KeyMaker.blocking` makes record by record; the name and postal code keys are kept for scoring.
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from console.domain.duplicate_groups import MemberRef
from console.domain.duplicate_keys import email_key, phone_key, reference_key
from console.domain.lock_steps import copied, let_go, mapped
from console.domain.scan_customer import Scanned
from console.services.duplicate_kept_keys import KeptColumns
from console.services.duplicate_scoring import Blocking, KeyMaker, NameKeys, RecordKeys

CHUNK = 16_384   # records per step: progress and cancel are checked between steps
STEP = 4096      # blocks per step of candidate pairs
RUN = 256        # records without kept keys in a row: made a column at a time from this many

_address = attrgetter("address")
_given, _family, _sound = attrgetter("given_name"), attrgetter("family_name"), attrgetter("sound")
_company = attrgetter("company")


@dataclass(frozen=True, slots=True)
class BlockingKeys:
    """Each record's blocking keys by kind, one list per kind in record order."""

    emails: list[str | None]        # the record's email key
    phones: list[str | None]
    sounds: list[str | None]        # "sound-alike|postal code"
    references: list[str | None]
    several: dict[int, Blocking]    # records with more than one email or phone: all their keys
    # What the keys were made of that scoring needs again (kept, not made twice): each record's name keys
    # and postal code key.
    names: list[NameKeys]
    postals: list[str | None]
    companies: list[str | None]     # the company's folded words (`KeyMaker.company_of`)

    def clear(self) -> None:
        """Let go of every key."""
        let_go(self.emails, self.phones, self.sounds, self.references, self.names, self.postals, self.companies,
               self.several)

    def blocks(self, only: Sequence[Collection[str | None]] | None = None) -> list[list[int]]:
        """The blocks of two or more records (positions, ascending), one kind of key at a time;
        `only`: of these keys alone, a collection for each kind (emails, phones, sounds, references)."""
        columns = (self.emails, self.phones, self.sounds, self.references)
        if only is None:
            # One int object per position for the four columns' passes, rather than four made by each (range's).
            positions = copied(range(len(self.emails)))
            every = [block for column, kind in enumerate(columns)
                     for block in self._shared(kind, column, positions).values()]
            let_go(positions)
            return every
        blocks: list[list[int]] = []
        for column, kind in enumerate(columns):
            shared: dict[Any, list[int]] = {key: [] for key in only[column] if key is not None}
            if not shared:
                continue
            # The few records whose key is shared, picked out in C: a Python loop over every record took long.
            for index in itertools.compress(range(len(kind)), map(shared.__contains__, kind)):
                shared[kind[index]].append(index)
            if self.several and column < 2:
                for index, found in self.several.items():
                    for key in found[0] if column == 0 else found[1]:
                        if key in shared:
                            shared[key].append(index)
                for members in shared.values():
                    members.sort()
            blocks += (block for block in shared.values() if len(block) > 1)
        return blocks

    def _shared(self, kind: list[str | None], column: int, positions: list[int]) -> dict[str | None, list[int]]:
        """Every key of `kind` (the column number `column`) that two or more records share, with their positions
        (`positions`: `list(range(len(kind)))`)."""
        n = len(kind)
        # Each record's first holder of its key, in one pass in C (None: past the end, so never before a record);
        # the records after their key's first holder are the few in blocks, gathered in Python.
        first: dict[str | None, int] = {None: n}
        holders = mapped(first.setdefault, kind, positions)
        shared: dict[str | None, list[int]] = {}
        for index in itertools.compress(positions, map(operator.gt, positions, holders)):
            key = kind[index]
            block = shared.get(key)
            if block is None:
                shared[key] = [holders[index], index]
            else:
                block.append(index)
        if column < 2 and self.several:   # the records with several emails or phones: theirs too
            touched: set[str] = set()
            for index, found in self.several.items():
                for key in found[0] if column == 0 else found[1]:
                    holder = first.setdefault(key, index)
                    if holder != index:
                        block = shared.get(key)
                        if block is None:
                            shared[key] = [holder, index]
                        else:
                            block.append(index)
                        touched.add(key)
            for key in touched:
                shared[key].sort()
        return shared

    def record_keys(self, accounts: Sequence[str], indexes: Sequence[int], maker: KeyMaker) -> list[RecordKeys]:
        """The keys for scoring of the records at `indexes` (`KeyMaker.keys_of_many`), from these columns
        and the records' `accounts` (the records themselves are not read again)."""
        emails: list[tuple[str, ...]] = [(key,) if key else () for key in map(self.emails.__getitem__, indexes)]
        phones: list[tuple[str, ...]] = [(key,) if key else () for key in map(self.phones.__getitem__, indexes)]
        several = self.several
        if several:
            for position in itertools.compress(range(len(indexes)), map(several.__contains__, indexes)):
                emails[position], phones[position] = several[indexes[position]][:2]
        return maker.keys_of_many(map(accounts.__getitem__, indexes), map(self.names.__getitem__, indexes),
                                  emails, phones, map(self.postals.__getitem__, indexes),
                                  map(self.companies.__getitem__, indexes), map(self.references.__getitem__, indexes))


def blocking_keys(records: Sequence[tuple[str, Scanned]], maker: KeyMaker,
                  tick: Callable[[int], None], kept: KeptColumns | None = None) -> BlockingKeys:
    """The blocking keys of every record, `tick(records done)` between steps. `kept`: the records' keys as
    the workspace kept them (duplicate_kept_keys.py), taken as they are (its columns become the keys') and
    made only where they do not serve."""
    if kept is not None:
        return _with_kept(records, maker, tick, kept)
    keys = BlockingKeys([], [], [], [], {}, [], [], [])
    for start in range(0, len(records), CHUNK):
        tick(start)
        _add(records[start:min(start + CHUNK, len(records))], start, maker, keys)
    return keys


def _with_kept(records: Sequence[tuple[str, Scanned]], maker: KeyMaker, tick: Callable[[int], None],
               kept: KeptColumns) -> BlockingKeys:
    """`blocking_keys` from `kept`'s columns, the keys of the records at `kept.missing` made: a column at a time
    for each run of RUN or more (an account whose customers are held decoded has none that serve), else one by one."""
    keys = BlockingKeys(kept.emails, kept.phones, [], kept.references, {}, kept.names, kept.postals, kept.companies)
    odd: list[tuple[int, Blocking]] = []   # several emails or phones: their keys kept aside, as `_add` does
    lone: list[int] = []
    for first, end in _runs(kept.missing):
        if end - first < RUN:
            lone += range(first, end)
            continue
        for start in range(first, end, CHUNK):
            tick(start)
            stop = min(start + CHUNK, end)
            part = BlockingKeys([], [], [], [], {}, [], [], [])
            _add(records[start:stop], 0, maker, part, sounds=False)
            keys.emails[start:stop], keys.phones[start:stop] = part.emails, part.phones
            keys.names[start:stop], keys.postals[start:stop] = part.names, part.postals
            keys.companies[start:stop], keys.references[start:stop] = part.companies, part.references
            odd += ((start + offset, found) for offset, found in part.several.items())
    for n, index in enumerate(lone):
        if n % CHUNK == 0:
            tick(index)
        account, customer = records[index]
        address = customer.address
        keys.postals[index] = maker.postal_of[address.postal_code] if address is not None else None
        keys.names[index] = maker.names_of[customer.given_name, customer.family_name]
        keys.companies[index] = maker.company_of[customer.company]
        found = maker.blocking(account, customer)
        if customer.emails or customer.phones:
            odd.append((index, found))
        else:
            emails, phones, _, keys.references[index] = found
            keys.emails[index] = emails[0] if emails else None
            keys.phones[index] = phones[0] if phones else None
    tick(len(records))
    keys.sounds.extend(_sounds(keys.names, keys.postals))
    for index, found in odd:
        _several(keys, index, found)
    return keys


def _runs(indexes: list[int]) -> Iterator[tuple[int, int]]:
    """The runs of consecutive numbers in `indexes` (ascending), each as (first, last + 1)."""
    # A run ends before each number more than one past the one before it (found in C's loops, a step at a time).
    gaps = mapped(operator.sub, indexes[1:], indexes)
    begin = 0
    for end in itertools.chain(itertools.compress(range(1, len(indexes)), map((1).__ne__, gaps)), [len(indexes)]):
        if end > begin:
            yield indexes[begin], indexes[end - 1] + 1
        begin = end


def _add(records: Sequence[tuple[str, Scanned]], start: int, maker: KeyMaker, keys: BlockingKeys, *,
         sounds: bool = True) -> None:
    """The keys of `records` (from position `start`) after those in `keys`; `sounds`: their sound-alike keys too."""
    customers = list(map(itemgetter(1), records))
    addresses = list(map(_address, customers))
    postals = [maker.postal_of[address.postal_code] if address is not None else None for address in addresses]
    names = list(map(maker.names_of.__getitem__, zip(map(_given, customers), map(_family, customers), strict=True)))
    _extend(keys, names, postals, map(maker.company_of.__getitem__, map(_company, customers)), sounds)
    keys.references.extend(map(reference_key, map(attrgetter("reference_id"), customers)))
    keys.emails.extend([email_key(email) if email else None for email in map(attrgetter("email"), customers)])
    regions = maker.regions_of(map(itemgetter(0), records), addresses)
    keys.phones.extend([phone_key(phone, region) if phone else None
                        for phone, region in zip(map(attrgetter("phone"), customers), regions, strict=True)])
    offsets = range(len(customers))
    lists = set(itertools.compress(offsets, map(attrgetter("emails"), customers)))
    lists.update(itertools.compress(offsets, map(attrgetter("phones"), customers)))
    for offset in sorted(lists):   # rare: records with lists of emails or phones, made one by one
        found = maker.blocking(*records[offset])
        if sounds:
            _several(keys, start + offset, found)
        else:   # only kept aside: the caller applies them once the sound-alike keys are made
            keys.several[start + offset] = found


def _extend(keys: BlockingKeys, names: list[NameKeys], postals: list[str | None],
            companies: Iterable[str | None], sounds: bool) -> None:
    """The next records' name, postal code and company keys, and (`sounds`) their sound-alike keys made of these."""
    keys.names.extend(names)
    keys.postals.extend(postals)
    keys.companies.extend(companies)
    if sounds:
        keys.sounds.extend(_sounds(names, postals))


def _sounds(names: list[NameKeys], postals: list[str | None]) -> list[str | None]:
    """Each record's "sound-alike|postal code" key, None without either."""
    return [(f"{sound}|{postal}" if sound else None) if postal else None
            for sound, postal in zip(map(_sound, names), postals, strict=True)]


def _several(keys: BlockingKeys, index: int, found: Blocking) -> None:
    """The record at `index` has several emails or phones: all its keys (`found`) kept aside."""
    keys.several[index] = found
    keys.emails[index] = keys.phones[index] = None
    keys.sounds[index], keys.references[index] = found[2], found[3]


def repeats(accounts: Sequence[str], ids: Sequence[str], blocks: list[list[int]]) -> set[int]:
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


def candidates(n: int, blocks: list[list[int]], repeats: set[int],
               tick: Callable[[int], None]) -> Iterator[list[tuple[int, int]]]:
    """Each pair (i < j) of the `n` records sharing a block, once, never a record with itself, nor one of
    `repeats` (a record listed twice shares every block with itself): a list per step of blocks."""
    seen: set[int] = set()
    for start in range(0, len(blocks), STEP):
        tick(n + start * n // len(blocks))
        pairs: list[tuple[int, int]] = []
        for block in blocks[start:start + STEP]:
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
