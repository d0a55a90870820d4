"""Each customer's duplicate keys, kept beside its document in the workspace (issue 20).

A scan makes every customer's keys (2 s of 500,000 in P17), and after a warm start, when the window's
index holds the kept documents, reads each document's fields to make them (3 s more). So a save writes
beside each document the keys a scan makes of it (`kept_scan_keys`; the store stamps them with the
document's checksum), and a scan reads them back (`AccountCopy.read_scan_keys`) for each customer the
index holds as that very document (`kept_columns`). A customer changed since, here or by another
console, has another document, and its keys are made afresh.

A kept value: FORMAT, then the normalised email, phone, folded given and family name, postal code,
folded company and reference id, between SEP ("" for none). Keys are made as a scan without the
account's country makes them (national phone numbers read in the customer's own address country); a
scan told an account's country makes that account's afresh. Customers with several emails or phones
(Clover's lists) keep none.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from console.domain.customer import Customer
from console.domain.lock_steps import STEP, let_go, mapped, same_items, split_joined, strided
from console.domain.scan_customer import Scanned
from console.services.duplicate_scoring import KeyMaker, NameKeys
from console.store.documents import checksums, crc_texts, crc_texts_joined

# Bump when keys are made otherwise: every kept value is then ignored and made afresh.
FORMAT = "d1"
SEP = "\x1f"
FIELDS = 8            # FORMAT and the seven keys
_STAMP = 8            # the document's checksum before FORMAT (store/customers.py `_stamped`)


def kept_value(maker: KeyMaker, account: str, customer: Scanned) -> str | None:
    """The keys to keep of `customer`, or None when it has several emails or phones, or a key holding SEP."""
    if customer.emails or customer.phones:
        return None
    emails, phones, _, reference = maker.blocking(account, customer)
    names = maker.names_of[customer.given_name, customer.family_name]
    address = customer.address
    postal = maker.postal_of[address.postal_code] if address is not None else None
    value = SEP.join((FORMAT, emails[0] if emails else "", phones[0] if phones else "", names.given, names.family,
                      postal or "", maker.company_of[customer.company] or "", reference or ""))
    return value if value.count(SEP) == FIELDS - 1 else None


def kept_scan_keys(page: Sequence[Customer]) -> list[str | None]:
    """What to keep beside each customer of `page` (its keys, or None), as a save writes them."""
    maker = KeyMaker()
    return [kept_value(maker, "", customer) for customer in page]


@dataclass(frozen=True, slots=True)
class KeptColumns:
    """The kept keys of every record of a scan, a column each in record order, as the scan's blocking keys
    hold them (None for none; names as `KeyMaker.folded_names_of` gives them); the records at `missing` have
    none that serve (None, and NO_NAMES), and have their keys made."""

    emails: list[str | None]
    phones: list[str | None]
    names: list[NameKeys]
    postals: list[str | None]
    companies: list[str | None]
    references: list[str | None]
    missing: list[int]   # ascending


NO_NAMES = NameKeys("", "", "", None)   # a record's names until its keys are made
_NONE_FOR_BLANK = {"": None}.get        # map(_NONE_FOR_BLANK, keys, keys): "" -> None, a key -> itself, in C
_JOINED = "\x1e"   # between stamps compared all at once: in no stamp (the values were read apart on it)


# The checksum of a customer held decoded: no document's (a CRC-32 is never negative; written in hex, as
# `documents.crc_texts` writes it, it is "-0000001", which no kept stamp starts with).
NO_DOCUMENT = -1
_DOCUMENTS_STEP = STEP // 4   # documents are a kilobyte or two: fewer a step than short texts


def record_checksums(items: Sequence[object]) -> list[int]:
    """The checksum of each held document (`documents.checksums`); NO_DOCUMENT for a customer held decoded.
    Made a step at a time (lock_steps.py): half a million in one pass held Python's lock for a third of a second."""
    found: list[int] = []
    for start in range(0, len(items), _DOCUMENTS_STEP):
        step = items[start:start + _DOCUMENTS_STEP]
        found += checksums([item if type(item) is str else "" for item in step])
        for index in itertools.compress(itertools.count(start),
                                        map(operator.is_not, map(type, step), itertools.repeat(str))):
            found[index] = NO_DOCUMENT
    return found


KeptOfAccount = tuple[list[str], list[str]]   # an account's ids and kept values, as read (`read_scan_keys`)


class KeptByAccount(Protocol):
    """Each account's kept keys, taken out one account at a time (a dict, or keys still being read)."""

    def pop(self, account: str, default: KeptOfAccount, /) -> KeptOfAccount: ...


def kept_columns(held: Sequence[tuple[str, tuple[Sequence[str], Sequence[object]]]],
                 kept: KeptByAccount, maker: KeyMaker,
                 check: Callable[[], None] = lambda: None, held_checksums: Sequence[int] | None = None) -> KeptColumns:
    """The kept keys of the customers of `held` (each account's ids and what its index holds), from `kept`
    (each account's ids and kept values, as read: store/customers.py `read_scan_keys`), each used only where
    it was made of the document the index holds (`held_checksums`: `record_checksums` of them all, when known);
    names, postal codes and companies through `maker`'s memos, as a scan making them would hold them. Each
    account's taken out of `kept` as it is used (so one still being read is waited for only then) and emptied once
    used, `check()` called before each."""
    out = KeptColumns([], [], [], [], [], [], [])
    for account, (ids, items) in held:
        check()
        start = len(out.emails)
        made = (record_checksums(items) if held_checksums is None else
                held_checksums[start:start + len(items)])
        kept_ids, values = given = kept.pop(account, ([], []))
        # Every value's fields in one flat list, made in C: a field a record is the column's slice.
        flat = split_joined(values, SEP, STEP // FIELDS)
        if len(flat) != FIELDS * len(values):   # a value of another shape (a later format): those left out
            shaped = [n for n, value in enumerate(values) if value.count(SEP) == FIELDS - 1]
            kept_ids, values = [kept_ids[n] for n in shaped], [values[n] for n in shaped]
            flat = split_joined(values, SEP, STEP // FIELDS)
        del values
        heads = strided(flat, 0, FIELDS)   # each value's stamp and FORMAT
        # What each customer's value must start with: the checksum of the document the index holds.
        if same_items(kept_ids, ids):   # the usual order: a warm start's
            fields = [strided(flat, field, FIELDS) for field in range(1, FIELDS)]
            # As a rule every one was made of the document held: compared all at once first.
            usable: list[bool] | None = (
                None if all(_JOINED.join(heads[at:at + STEP]) == crc_texts_joined(made[at:at + STEP], FORMAT, _JOINED)
                            for at in range(0, len(heads), STEP))
                else list(map(operator.eq, heads, crc_texts(made, FORMAT))))
        else:
            wanted = list(crc_texts(made, FORMAT))
            none = len(kept_ids)   # the position of a record of no keys, appended to each column
            at = dict(zip(kept_ids, range(none), strict=True))
            heads.append("")
            places = [none if j is None else j for j in map(at.get, ids)]
            usable = list(map(operator.eq, map(heads.__getitem__, places), wanted))
            take = [place if ok else none for place, ok in zip(places, usable, strict=True)]
            del at, places
            fields = [list(map([*flat[field::FIELDS], ""].__getitem__, take)) for field in range(1, FIELDS)]
        del flat, heads
        # What was read, let go of now, a step at a time (lock_steps.py): whatever read it may still hold it (a future
        # its result), and half a million texts then went at once as the scan returned, holding Python's lock 20 ms.
        let_go(*given)
        _append(out, fields, maker)
        unusable = [] if usable is None else list(itertools.compress(itertools.count(start),
                                                                     map(operator.not_, usable)))
        out.missing.extend(unusable)   # the accounts in order: ascending
        for index in unusable:   # another document's keys, or none: not the scan's
            out.emails[index] = out.phones[index] = out.postals[index] = out.companies[index] = None
            out.references[index], out.names[index] = None, NO_NAMES
    return out


def _append(out: KeptColumns, fields: list[list[str]], maker: KeyMaker) -> None:
    """The seven kept `fields` columns after `out`'s, as the scan holds them: "" as None, names as NameKeys, one
    string for each postal code and company (they repeat)."""
    emails, phones, givens, families, postals, companies, references = fields
    # A step at a time (lock_steps.py), as each column is a hundred thousand values.
    out.emails.extend(mapped(_NONE_FOR_BLANK, emails, emails))
    out.phones.extend(mapped(_NONE_FOR_BLANK, phones, phones))
    out.references.extend(mapped(_NONE_FOR_BLANK, references, references))
    names_of = maker.folded_names_of.__getitem__
    for at in range(0, len(givens), STEP):
        out.names.extend(map(names_of, zip(givens[at:at + STEP], families[at:at + STEP], strict=True)))
    out.postals.extend(mapped(maker.kept_text.__getitem__, postals))
    out.companies.extend(mapped(maker.kept_text.__getitem__, companies))


# What the workspace reads for a customer without kept keys (store/customers.py `read_scan_keys`): no
# stamp, so never used.
NONE = SEP * (FIELDS - 1)
