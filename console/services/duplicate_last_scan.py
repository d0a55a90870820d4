"""The last whole duplicate scan of a set of accounts, kept in the workspace for the next session (issue 20).

A session's first scan of 500,000 customers makes every customer's keys and scores every candidate pair.
After a warm start the window's index holds most customers as the very documents the last scan saw; so
each scan keeps, for its set of accounts, its records (account, id and the checksum of the document it
read), their blocking keys and its scored pairs (`LastScan`, store/duplicate_scans.py). The next scan
(`rescan`) takes a record as seen when the index holds the document of that checksum, makes keys only for
the others (new, changed, or held decoded), and scores only the pairs that involve one of them: every pair
of two seen records is the one scored before, since a pair's score depends on its two records alone.

Kept compressed: the text's length (4 bytes), the text (a JSON header, then the ids and key columns, each
joined by ITEM, between SECTION), then the checksums and the pairs' positions and scores as 8-byte numbers,
little-endian (`array`: no text made or read for a number). A record whose id or key holds either separator
makes the scan not kept.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import operator
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Protocol

from console.domain.duplicate_groups import PairMatch
from console.domain.lock_steps import STEP, copied, split
from console.domain.scan_customer import Scanned
from console.services.duplicate_blocking import Blocking, BlockingKeys, blocking_keys
from console.services.duplicate_kept_keys import FORMAT as KEY_FORMAT
from console.services.duplicate_kept_keys import NO_DOCUMENT
from console.services.duplicate_memory import MOST
from console.services.duplicate_scoring import KeyMaker

log = logging.getLogger(__name__)

# Bump when what is kept changes, or when keys or scores are made otherwise: a kept scan of another
# format is not used (the key format is checked too).
FORMAT = "s1"
SECTION, ITEM = "\x1e", "\x1f"
_first, _second, _score = itemgetter(0), itemgetter(1), itemgetter(2)
_BIG_ENDIAN = sys.byteorder == "big"   # kept little-endian: a team's workspace is read by other machines


@dataclass(frozen=True, slots=True)
class LastScan:
    """A whole scan's records, their blocking keys and its scored pairs (positions in its records)."""

    accounts: tuple[str, ...]
    ids: tuple[str, ...]
    checksums: list[int]         # of the document the scan read for the record (record_checksums: NO_DOCUMENT)
    emails: list[str | None]     # the blocking keys, as `BlockingKeys` has them (read back: "" for none)
    phones: list[str | None]
    sounds: list[str | None]
    references: list[str | None]
    several: dict[int, Blocking]
    pairs: tuple[PairMatch, ...]


class ScanStore(Protocol):
    """Where the last scan of the scanned accounts is kept (duplicate_records.py `WorkspaceScans`)."""

    def read(self) -> LastScan | None:
        """The kept scan; None when there is none (waits: called on a scan's thread)."""

    def save(self, last: LastScan) -> None:
        """Keep `last` in place of the scan before (at once, or when the store's owner says)."""


def last_scan(accounts: tuple[str, ...], ids: tuple[str, ...], checksums: Sequence[int], keys: BlockingKeys,
              pairs: tuple[PairMatch, ...]) -> LastScan:
    """What to keep of a scan: its key columns copied (the scan lets go of its own)."""
    return LastScan(accounts, ids, copied(checksums),
                    copied(keys.emails), copied(keys.phones), copied(keys.sounds), copied(keys.references),
                    dict(keys.several), pairs)


# Encoded and decoded beside the window, which waits for Python's lock: each pass over the half a million
# records a step at a time (lock_steps.py).
def _joined(values: Sequence[str | None]) -> str:
    return ITEM.join([ITEM.join([value or "" for value in values[start:start + STEP]])
                      for start in range(0, len(values), STEP)])


def _split(text: str, count: int) -> list[str]:
    return split(text, ITEM) if count else []


def _numbers(kind: str, values: Sequence[Any], field: Callable[[Any], Any] | None = None) -> bytes:
    numbers = array(kind)
    for start in range(0, len(values), STEP):
        step = values[start:start + STEP]
        numbers.extend(step if field is None else map(field, step))
    if _BIG_ENDIAN:
        numbers.byteswap()
    return numbers.tobytes()


def _read_numbers(kind: str, data: memoryview) -> list[Any]:
    numbers = array(kind)
    numbers.frombytes(data)
    if _BIG_ENDIAN:
        numbers.byteswap()
    out: list[Any] = []
    for start in range(0, len(numbers), STEP):
        out += numbers[start:start + STEP].tolist()
    return out


def encode(last: LastScan) -> bytes | None:
    """The scan as kept; None when an id or key holds a separator."""
    counts = [[account, len(list(run))] for account, run in itertools.groupby(last.accounts)]
    header = json.dumps({"format": FORMAT, "keys": KEY_FORMAT, "accounts": counts, "pairs": len(last.pairs),
                         "several": [[index, list(emails), list(phones), sound, reference]
                                     for index, (emails, phones, sound, reference) in last.several.items()]})
    columns = [last.ids, last.emails, last.phones, last.sounds, last.references]
    sections = [header, *map(_joined, columns)]
    if any(section.count(ITEM) != max(len(last.ids) - 1, 0) for section in sections[1:]):
        return None   # json.dumps escapes both separators, so the header cannot hold one
    text = SECTION.join(sections).encode()
    return zlib.compress(b"".join((len(text).to_bytes(4, "little"), text, _numbers("q", last.checksums),
                                   _numbers("q", last.pairs, _first), _numbers("q", last.pairs, _second),
                                   _numbers("d", last.pairs, _score))), 1)


def decode(payload: bytes) -> LastScan | None:
    """A kept scan; None when it is of another format, or not whole."""
    try:
        raw = memoryview(zlib.decompress(payload))
        size = int.from_bytes(raw[:4], "little")
        # A section at a time (a megabyte or more each): SECTION is one byte in UTF-8, in no other character's.
        sections = [str(section, "utf-8") for section in bytes(raw[4:4 + size]).split(SECTION.encode())]
        header: dict[str, Any] = json.loads(sections[0])
        if header.get("format") != FORMAT or header.get("keys") != KEY_FORMAT or len(sections) != 6:
            return None
        accounts = tuple(itertools.chain.from_iterable(itertools.repeat(a, n) for a, n in header["accounts"]))
        count, paired = len(accounts), header["pairs"]
        numbers = raw[4 + size:]
        if len(numbers) != 8 * (count + 3 * paired):
            return None

        def take(section: int) -> list[str]:   # each section let go of once split: tens of MB each
            split, sections[section] = _split(sections[section], count), ""
            return split
        ids, emails, phones, sounds, references = (take(section) for section in range(1, 6))
        if {len(ids), len(emails), len(phones), len(sounds), len(references)} != {count}:
            return None
        checksums = _read_numbers("q", numbers[:8 * count])
        ends = [8 * (count + paired * n) for n in range(4)]
        firsts, seconds, scores = (_read_numbers(kind, numbers[ends[n]:ends[n + 1]]) for n, kind in enumerate("qqd"))
        if not len(firsts) == len(seconds) == len(scores):
            return None
        made: list[PairMatch] = []
        for start in range(0, len(firsts), STEP):
            made += map(_new_pair, zip(firsts[start:start + STEP], seconds[start:start + STEP],
                                       scores[start:start + STEP], strict=True))
        pairs = tuple(made)
        del raw, numbers
        several = {int(index): (tuple(found_emails), tuple(found_phones), sound, reference)
                   for index, found_emails, found_phones, sound, reference in header["several"]}
    except (ValueError, TypeError, KeyError, zlib.error):
        log.warning("duplicates: the kept scan could not be read; a whole scan instead", exc_info=True)
        return None
    # "" stands for none, as None would: no key is "", and a fresh record's keys replace its own.
    return LastScan(accounts, tuple(ids), checksums, copied(emails), copied(phones), copied(sounds),
                    copied(references), several, pairs)


_new_pair = functools.partial(tuple.__new__, PairMatch)   # a PairMatch of a tuple of its fields, in C


@dataclass(frozen=True, slots=True)
class Rescan:
    """A scan started from the last: every record's blocking keys (no name, postal code or company keys),
    the records not seen then, and the pairs of two seen records, at their positions now."""

    keys: BlockingKeys
    fresh: list[int]
    kept: list[PairMatch]


def rescan(last: LastScan, records: Sequence[tuple[str, Scanned]], accounts: tuple[str, ...], ids: tuple[str, ...],
           checksums: Sequence[int], maker: KeyMaker, tick: Callable[[int], None]) -> Rescan | None:
    """How `records` (with their `accounts`, `ids` and documents' `checksums`) stand to `last`: keys made for
    the records not seen (`tick(records done)` between steps); None when more than a quarter of them are new or
    changed (a whole scan is as quick)."""
    if last.accounts == accounts and last.ids == ids:   # the usual case: the index holds them in the same order
        before: list[int | None] | None = None
        # A record held decoded (NO_DOCUMENT), now or then, is never seen.
        fresh = list(itertools.compress(itertools.count(), map(operator.or_, map(
            operator.ne, checksums, last.checksums), map(NO_DOCUMENT.__eq__, checksums))))
    else:
        at = dict(zip(zip(last.accounts, last.ids, strict=True), itertools.count(), strict=False))
        then = last.checksums
        before = [index if index is not None and then[index] == checksum != NO_DOCUMENT else None
                  for index, checksum in zip(map(at.get, zip(accounts, ids, strict=True)), checksums, strict=True)]
        del at
        fresh = [index for index, was in enumerate(before) if was is None]
    if len(fresh) > MOST * len(ids):
        return None
    made = blocking_keys([records[index] for index in fresh], maker, tick)
    columns: list[list[Any]] = []
    for old, new in ((last.emails, made.emails), (last.phones, made.phones), (last.sounds, made.sounds),
                     (last.references, made.references)):
        column = list(old) if before is None else [old[index] if index is not None else None for index in before]
        for index, key in zip(fresh, new, strict=True):
            column[index] = key
        columns.append(column)
    if before is None:   # the same positions: the pairs and lists of the records not fresh, as they were
        gone = set(fresh)
        several = {index: found for index, found in last.several.items() if index not in gone}
        kept = list(itertools.compress(last.pairs, map(operator.not_, map(
            operator.or_, map(gone.__contains__, map(_first, last.pairs)),
            map(gone.__contains__, map(_second, last.pairs)))))) if gone else list(last.pairs)
    else:
        after = _after(before, len(last.ids))
        several = {now: found for then, found in last.several.items() if (now := after[then]) is not None}
        kept = [PairMatch(a, b, score) if a < b else PairMatch(b, a, score)
                for first, second, score in last.pairs
                if (a := after[first]) is not None and (b := after[second]) is not None]
    several.update((fresh[index], found) for index, found in made.several.items())
    emails, phones, sounds, references = columns
    return Rescan(BlockingKeys(emails, phones, sounds, references, several, [], [], []), fresh, kept)


def _after(before: list[int | None], size: int) -> list[int | None]:
    """By position in the last scan: the position now of a record seen again (None: gone or changed)."""
    after: list[int | None] = [None] * size
    for now, then in enumerate(before):
        if then is not None:
            after[then] = now
    return after
