"""Every record's blocking keys, made a column at a time, the blocks of records sharing one, and the
candidate pairs within them (issue 20).

A scan makes these keys for every record (500,000 in P17), so the columns are made with map() over
attribute getters and memoised look-ups (names and postal codes repeat, emails and phones mostly do
not), and the keys are counted in C by Counter: only the few met twice or more are gathered into
blocks in Python. The keys are the same as `KeyMaker.blocking` makes record by record.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from console.domain.customer import Customer
from console.domain.duplicate_groups import MemberRef
from console.domain.duplicate_keys import email_key, phone_key, reference_key
from console.services.duplicate_scoring import Blocking, Contacts, KeyMaker

CHUNK = 16_384   # records per step: progress and cancel are checked between steps
STEP = 4096      # blocks per step of candidate pairs

_address, _postal_code = attrgetter("address"), attrgetter("postal_code")
_given, _family, _sound = attrgetter("given_name"), attrgetter("family_name"), attrgetter("sound")


@dataclass(frozen=True, slots=True)
class BlockingKeys:
    """Each record's blocking keys by kind, one list per kind in record order."""

    emails: list[str | None]        # the record's email key
    phones: list[str | None]
    sounds: list[str | None]        # "sound-alike|postal code"
    references: list[str | None]
    several: dict[int, Blocking]    # records with more than one email or phone: all their keys

    def contacts(self, index: int) -> Contacts:
        """Record `index`'s emails, phones and reference, as `KeyMaker.blocking` gives them."""
        found = self.several.get(index)
        if found is not None:
            return found[0], found[1], found[3]
        email, phone = self.emails[index], self.phones[index]
        return (email,) if email else (), (phone,) if phone else (), self.references[index]

    def clear(self) -> None:
        """Let go of every key."""
        for kind in (self.emails, self.phones, self.sounds, self.references):
            kind.clear()
        self.several.clear()

    def blocks(self, only: Sequence[Collection[str | None]] | None = None) -> list[list[int]]:
        """The blocks of two or more records (positions, ascending), one kind of key at a time;
        `only`: of these keys alone, a collection for each kind (emails, phones, sounds, references)."""
        several = self.several
        blocks: list[list[int]] = []
        for column, kind in enumerate((self.emails, self.phones, self.sounds, self.references)):
            if only is None:
                counts = Counter(kind)
                for emails, phones, sound, reference in several.values():
                    counts.update((emails, phones, (sound,), (reference,))[column])
                counts.pop(None, None)
                shared: dict[Any, list[int]] = {key: [] for key in itertools.compress(counts, map((1).__lt__,
                                                                                               counts.values()))}
            else:
                shared = {key: [] for key in only[column] if key is not None}
            if not shared:
                continue
            # The few records whose key is shared, picked out in C: a Python loop over every record took long.
            for index in itertools.compress(range(len(kind)), map(shared.__contains__, kind)):
                shared[kind[index]].append(index)
            if several and column < 2:
                for index, (emails, phones, _, _) in several.items():
                    for key in (emails, phones)[column]:
                        if key in shared:
                            shared[key].append(index)
                for members in shared.values():
                    members.sort()
            blocks += shared.values() if only is None else (block for block in shared.values() if len(block) > 1)
        return blocks


def blocking_keys(records: Sequence[tuple[str, Customer]], maker: KeyMaker,
                  tick: Callable[[int], None]) -> BlockingKeys:
    """The blocking keys of every record, `tick(records done)` between steps."""
    keys = BlockingKeys([], [], [], [], {})
    for start in range(0, len(records), CHUNK):
        tick(start)
        _add(records[start:start + CHUNK], start, maker, keys)
    return keys


def _add(records: Sequence[tuple[str, Customer]], start: int, maker: KeyMaker, keys: BlockingKeys) -> None:
    customers = list(map(itemgetter(1), records))
    addresses = list(map(_address, customers))
    postals = [maker.postal_of[address.postal_code] if address is not None else None for address in addresses]
    names = zip(map(_given, customers), map(_family, customers), strict=True)
    sounds = map(_sound, map(maker.names_of.__getitem__, names))
    keys.sounds.extend([(f"{sound}|{postal}" if sound else None) if postal else None
                        for sound, postal in zip(sounds, postals, strict=True)])
    keys.references.extend(map(reference_key, map(attrgetter("reference_id"), customers)))
    keys.emails.extend([email_key(email) if email else None for email in map(attrgetter("email"), customers)])
    region = maker.region
    keys.phones.extend([phone_key(phone, region(account, customer)) if phone else None
                        for (account, customer), phone in zip(records, map(attrgetter("phone"), customers),
                                                              strict=True)])
    offsets = range(len(customers))
    lists = set(itertools.compress(offsets, map(attrgetter("emails"), customers)))
    lists.update(itertools.compress(offsets, map(attrgetter("phones"), customers)))
    for offset in sorted(lists):   # rare: records with lists of emails or phones, made one by one
        index = start + offset
        keys.several[index] = found = maker.blocking(*records[offset])
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
