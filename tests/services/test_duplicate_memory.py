"""A scan that starts from the last one's keys and pairs (issue 20, P17) finds what a whole scan finds:
changed customers get new keys, unchanged ones keep theirs, gone ones leave their pairs behind."""

from __future__ import annotations

import dataclasses

from console.domain.customer import ContactPoint, Customer
from console.sandbox.duplicate_data import labelled_customers
from console.services.duplicates import DuplicateScan, ScanMemory, scan

Records = list[tuple[str, Customer]]


def _records(seed: int) -> Records:
    records = [(r.account, r.customer) for r in labelled_customers(seed, 400).records]
    for n, (_, customer) in enumerate(records[:24:4]):   # Clover's lists of emails and phones
        records.append(("clover", Customer(
            id=f"list-{n}", given_name=customer.given_name, family_name=customer.family_name,
            emails=(ContactPoint(id="e", value=customer.email or "x@example.com"),),
            phones=(ContactPoint(id="p", value="(206) 555-0100"),))))
    return records


def _same(found: DuplicateScan, whole: DuplicateScan) -> None:
    assert found.pairs == whole.pairs
    assert (found.accounts, found.ids) == (whole.accounts, whole.ids)
    assert [(g.members, g.reasons) for g in found.groups()] == [(g.members, g.reasons) for g in whole.groups()]


def _edited(records: Records) -> Records:
    """Some customers changed, one gone, one new, and the order shuffled a little."""
    edited = list(records)
    account, target = edited[10]
    edited[3] = (edited[3][0], dataclasses.replace(edited[3][1], email=target.email, phone=target.phone,
                                                   given_name=target.given_name, family_name=target.family_name))
    edited[20] = (edited[20][0], dataclasses.replace(edited[20][1], email="someone.else@example.org", phone=None))
    edited[-1] = (edited[-1][0], dataclasses.replace(edited[-1][1], phones=()))   # one of the listed
    del edited[30]
    edited.insert(5, (account, dataclasses.replace(target, id="new-twin")))
    edited[40], edited[41] = edited[41], edited[40]
    return edited


def test_a_scan_from_memory_finds_what_a_whole_scan_finds() -> None:
    records = _records(41)
    memory = ScanMemory()
    _same(scan(records, memory=memory), scan(records))
    assert memory.last is not None
    edited = _edited(records)
    found = scan(edited, memory=memory)
    _same(found, scan(edited))
    twin = found.ids.index("new-twin")
    assert any(twin in g.indexes and len(g.indexes) >= 2 for g in found.groups())
    _same(scan(edited, memory=memory), scan(edited))   # and again, nothing changed


def test_an_unchanged_customer_keeps_its_keys_and_a_changed_one_gets_new_ones() -> None:
    records = _records(42)
    memory = ScanMemory()
    before = scan(records, memory=memory).pairs
    twin = records[10][1]
    # The same object altered behind the frozen dataclass's back: a scan from memory does not look at it again...
    for name in ("email", "phone", "given_name", "family_name"):
        object.__setattr__(records[3][1], name, getattr(twin, name))
    assert scan(records, memory=memory).pairs == before != scan(records).pairs
    # ...whereas a changed customer is a new object (customers are frozen), and is keyed again.
    changed = [*records[:3], (records[3][0], dataclasses.replace(records[3][1])), *records[4:]]
    _same(scan(changed, memory=memory), scan(changed))


def test_other_regions_or_a_record_listed_twice_scan_everything_again() -> None:
    records = _records(43)
    memory = ScanMemory()
    scan(records, memory=memory)
    regions = {"clover": "GB"}
    _same(scan(records, regions=regions, memory=memory), scan(records, regions=regions))
    scan(records, memory=memory)
    twice = [*records, records[7]]
    _same(scan(twice, memory=memory), scan(twice))
    assert memory.last is None   # which record repeats where is not kept
    scan(records, memory=memory)
    account, customer = records[7]
    stale = [*records, (account, dataclasses.replace(customer, email="other@example.org"))]   # a new copy of one
    _same(scan(stale, memory=memory), scan(stale))
    assert memory.last is None
    _same(scan(records, memory=memory), scan(records))
    assert memory.last is not None
