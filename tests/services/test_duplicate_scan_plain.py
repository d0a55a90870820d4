"""The scan's fast paths (columns of keys, memos, counted blocks, the phone fast path) give exactly what
the plain reading of the rules gives: every record's keys made one by one from the key functions, every
pair sharing a key scored, the pairs connected into groups (issue 20, P17)."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest

from console.domain.customer import ContactPoint, Customer
from console.domain.duplicate_groups import PairMatch
from console.domain.duplicate_keys import email_key, name_parts, postal_key, reference_key, soundex
from console.domain.validation import to_e164
from console.sandbox.duplicate_data import labelled_customers
from console.services.duplicate_scoring import RecordKeys, compare, reasons
from console.services.duplicates import DEFAULT_THRESHOLD, FLOOR, scan
from console.services.phone_display import phone_region

Records = list[tuple[str, Customer]]
Said = dict[tuple[int, int], tuple[str, ...]]


def _plain_keys(account: str, customer: Customer, region: str) -> RecordKeys:
    emails = (customer.email, *(point.value for point in customer.emails))
    phones = (customer.phone, *(point.value for point in customer.phones))
    given, family = (" ".join(name_parts(text, None)) for text in (customer.given_name, customer.family_name))
    words = f"{given} {family}".split()
    address = customer.address
    return RecordKeys(
        account, customer.full_name, given, family, " ".join(sorted(words)),
        " ".join(sorted(soundex(word) for word in words)) or None,
        tuple(dict.fromkeys(key for key in map(email_key, emails) if key)),
        tuple(dict.fromkeys(key for text in phones if text and text.strip() and (key := to_e164(text, region)))),
        postal_key(address.postal_code) if address is not None else None,
        " ".join(name_parts(customer.company, None)) or None if customer.company else None, customer.company or "",
        reference_key(customer.reference_id))


def _plain_pairs(records: Records, regions: dict[str, str]) -> tuple[list[PairMatch], Said]:
    """Every pair sharing a key, scored, strongest first; and each pair's reasons."""
    keys = [_plain_keys(account, customer, regions.get(account) or phone_region(customer))
            for account, customer in records]
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, k in enumerate(keys):
        for kind, values in (("email", k.emails), ("phone", k.phones), ("reference", (k.reference,)),
                             ("sound", (f"{k.sound}|{k.postal}" if k.sound and k.postal else None,))):
            for value in values:
                if value:
                    blocks[kind, value].append(index)
    members = [(account, customer.id) for account, customer in records]
    later = {i for i, member in enumerate(members) if member in members[:i]}   # a record listed again
    candidates = {(i, j) for block in blocks.values() for i, j in itertools.combinations(block, 2)
                  if i not in later and j not in later}
    pairs = [PairMatch(i, j, compare(keys[i], keys[j]).score) for i, j in candidates]
    said = {(i, j): reasons(keys[i], keys[j]) for i, j in candidates}
    return sorted((p for p in pairs if p.score >= FLOOR - 1e-9), key=lambda p: (-p.score, p.first, p.second)), said


def _records(seed: int) -> Records:
    records = [(r.account, r.customer) for r in labelled_customers(seed, 1_500).records]
    # Records with lists of emails and phones (Clover's), and one record listed twice.
    for n, (_, customer) in enumerate(records[:40:4]):
        records.append(("clover", Customer(
            id=f"list-{n}", given_name=customer.family_name, family_name=customer.given_name,
            emails=(ContactPoint(id="e", value=(customer.email or "x@example.com").upper()),),
            phones=(ContactPoint(id="p", value=customer.phone or "+1 206 555 0100"),
                    ContactPoint(id="q", value="(206) 555-0100")))))
    return [*records, records[7]]


@pytest.mark.parametrize(("seed", "regions"), [(31, {}), (32, {"clover": "GB", "square": "US"})])
def test_the_scan_finds_what_the_plain_rules_find(seed: int, regions: dict[str, str]) -> None:
    records = _records(seed)
    found = scan(records, regions=regions)
    plain, said = _plain_pairs(records, regions)
    assert len(plain) > 300
    assert [(p.first, p.second, found.reasons(p)) for p in found.pairs] == [(p.first, p.second, said[p[:2]])
                                                                            for p in plain]
    assert [p.score for p in found.pairs] == [p.score for p in plain]   # exactly: the same sums in the same order
    # The groups: records connected by pairs at the threshold, each pair and reason once.
    kept = [p for p in plain if p.score >= DEFAULT_THRESHOLD]
    component = {i: {i} for p in kept for i in (p.first, p.second)}
    for p in kept:
        joined = component[p.first] | component[p.second]
        for i in joined:
            component[i] = joined
    groups = found.groups()
    assert sorted(g.indexes for g in groups) == sorted({tuple(sorted(c)) for c in component.values()})
    for group in groups:
        inside = [p for p in kept if p.first in group.indexes]
        assert group.pairs == tuple(inside)
        assert group.members == tuple((records[i][0], records[i][1].id) for i in group.indexes)
        assert group.reasons == tuple(dict.fromkeys(r for p in inside for r in said[p[:2]]))
