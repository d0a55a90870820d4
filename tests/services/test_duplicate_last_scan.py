"""A session's first duplicate scan starts from the last scan the workspace kept: it finds exactly what a
whole scan finds, makes keys only for the customers changed since, and falls back to a whole scan when most
changed or the kept scan cannot be used (issue 20)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import zlib
from collections.abc import Callable

import pytest

from console.domain.customer import Customer
from console.services import duplicate_last_scan, duplicate_records
from console.services.accounts import DEMO_PREFIX
from console.services.duplicate_last_scan import ITEM, LastScan, decode, encode
from console.services.duplicate_records import Held, WorkspaceScans, scan_accounts, scan_held
from console.services.duplicates import DuplicateScan, ScanCancelledError, ScanMemory, scan
from console.services.journal import Journal
from console.services.workspace import AccountCopy
from console.store.documents import encode as encode_document
from tests.services.test_duplicate_kept_keys import _kept
from tests.services.test_duplicate_records import _customers, _held


class KeptScans:
    """A workspace's kept scan, as saved and read back (encoded and decoded)."""

    def __init__(self) -> None:
        self.payload: bytes | None = None
        self.reads = 0

    def read(self) -> LastScan | None:
        self.reads += 1
        return decode(self.payload) if self.payload is not None else None

    def save(self, last: LastScan) -> None:
        self.payload = encode(last)


def _outcome(found: DuplicateScan) -> tuple[object, ...]:
    """The pairs by their members (positions differ when the index's order does), and the groups."""
    pairs = sorted((found.accounts[p.first], found.ids[p.first], found.accounts[p.second], found.ids[p.second],
                    p.score) for p in found.pairs)
    pairs = [(*sorted([(a, i), (b, j)]), score) for a, i, b, j, score in pairs]
    return sorted(pairs), sorted((sorted(g.members), g.reasons) for g in found.groups())


def _scan(held: list[Held], records: list[tuple[str, Customer]], scans: KeptScans | None,
          asked: list[bool] | None = None) -> DuplicateScan:
    kept = _kept(held, records)

    def read_kept(check: Callable[[], None]) -> dict[str, tuple[list[str], list[str]]]:
        if asked is not None:
            asked.append(True)
        return kept
    return scan_held(held, memory=ScanMemory(), kept=lambda: read_kept, scans=scans)


def _edited(customer: Customer) -> Customer:
    return dataclasses.replace(customer, email=None, phone="+1 415 555 0199")


def _changed(held: list[Held], records: list[tuple[str, Customer]]) -> tuple[list[Held], list[tuple[str, Customer]]]:
    """A later session's index: a few customers edited (some kept as their new document, some decoded), one
    removed and one added at the end of its account, and the accounts in another order."""
    by_key = {(a, c.id): c for a, c in records}
    out: list[Held] = []
    now: list[tuple[str, Customer]] = []
    for account, (ids, items) in reversed(held):
        ids, items = list(ids), list(items)
        for n in range(3, len(ids), 40):
            customer = _edited(by_key[account, ids[n]])
            by_key[account, ids[n]] = customer
            items[n] = encode_document(customer) if n % 80 == 3 else customer
        del ids[1], items[1]
        twin = dataclasses.replace(by_key[account, ids[2]], id=f"new-{account}")
        by_key[account, twin.id] = twin
        ids.append(twin.id)
        items.append(encode_document(twin))
        out.append((account, (ids, items)))
        now += [(account, by_key[account, i]) for i in ids]
    return out, now


def test_a_scan_from_the_kept_one_finds_what_a_whole_scan_finds() -> None:
    records = _customers()
    held = _held(records)
    scans = KeptScans()
    first = _scan(held, records, scans)
    assert scans.payload is not None and scans.reads == 1   # nothing kept yet: a whole scan, then kept
    # The next session, nothing changed: nothing read but the kept scan (the decoded fifth's keys are made).
    asked: list[bool] = []
    again = _scan(held, records, scans, asked)
    assert not asked
    assert _outcome(again) == _outcome(first)
    # Later sessions: some customers changed, one removed, one new, the accounts listed in another order.
    later, now = _changed(held, records)
    found = _scan(later, now, scans, asked)
    assert not asked
    assert _outcome(found) == _outcome(_scan(later, now, None))
    assert any("new-" in pair[0][1] or "new-" in pair[1][1] for pair in _outcome(found)[0])   # the new twins
    # The scan it kept in turn serves the next.
    assert _outcome(_scan(later, now, scans, asked)) == _outcome(found) and not asked


def test_when_most_customers_changed_the_scan_is_a_whole_one() -> None:
    records = _customers()
    scans = KeptScans()
    _scan(_held(records), records, scans)
    edited = [(account, _edited(customer)) for account, customer in records]
    changed: list[Held] = [(account, (ids, [encode_document(c) for a, c in edited if a == account]))
                           for account, (ids, _) in _held(records)]
    asked: list[bool] = []
    found = _scan(changed, edited, scans, asked)   # every customer held as a new document
    assert asked and scans.reads == 2
    assert _outcome(found) == _outcome(_scan(changed, edited, None))


def test_customers_all_held_decoded_take_nothing_the_workspace_keeps_and_keep_nothing() -> None:
    # What the workspace keeps is checked against the documents held: a scan of none (a first session, or after a
    # refresh) neither reads it nor keeps a scan no later session could use.
    records = _customers()
    scans = KeptScans()
    _scan(_held(records), records, scans)
    kept_before = scans.payload
    decoded: list[Held] = [(account, (ids, [c for a, c in records if a == account]))
                           for account, (ids, _) in _held(records)]
    asked: list[bool] = []
    found = _scan(decoded, records, scans, asked)
    assert not asked and scans.reads == 1 and scans.payload is kept_before
    assert _outcome(found) == _outcome(scan([(account, customer) for account, (_, items) in decoded
                                             for customer in items]))


def test_a_kept_scan_round_trips_and_one_of_another_format_or_damaged_is_not_used(
        caplog: pytest.LogCaptureFixture) -> None:
    records = _customers()
    scans = KeptScans()
    _scan(_held(records), records, scans)
    assert scans.payload is not None
    last = decode(scans.payload)
    assert last is not None and encode(last) == scans.payload
    assert last.several   # Clover's lists of emails and phones are kept too
    other = zlib.compress(zlib.decompress(scans.payload).replace(b'"s1"', b'"s0"', 1), 1)
    assert decode(other) is None
    with caplog.at_level(logging.WARNING):
        assert decode(scans.payload[:-40]) is None
    assert "could not be read" in caplog.text
    # An id holding a separator: the scan works, and is not kept.
    odd = [(a, dataclasses.replace(c, id=f"odd{ITEM}{c.id}") if n == 7 else c) for n, (a, c) in enumerate(records)]
    scans = KeptScans()
    _scan(_held(odd), odd, scans)
    assert scans.payload is None


def test_more_than_a_quarter_is_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    records = _customers()
    scans = KeptScans()
    _scan(_held(records), records, scans)
    monkeypatch.setattr(duplicate_last_scan, "MOST", 0.1)   # a fifth is held decoded: too many now
    asked: list[bool] = []
    _scan(_held(records), records, scans, asked)
    assert asked


def test_a_scan_from_the_kept_one_hears_cancel_and_keeps_nothing() -> None:
    records = _customers()
    held = _held(records)
    scans = KeptScans()
    _scan(held, records, scans)
    before = scans.payload
    scans.reads = 0
    later, now = _changed(held, records)
    with pytest.raises(ScanCancelledError):   # cancelled once the kept scan is read
        scan_held(later, memory=ScanMemory(), kept=lambda: lambda check: _kept(later, now), scans=scans,
                  cancelled=lambda: scans.reads > 0)
    assert scans.reads == 1 and scans.payload == before


async def test_the_workspace_keeps_a_scan_for_its_accounts_but_not_a_demo_accounts_in_a_team_one(
        journal: Journal) -> None:
    workspace = journal.workspace   # this computer's file, or a team database
    records = _customers()
    held = _held(records)
    accounts = [account for account, _ in held]
    scans = WorkspaceScans(workspace, accounts)
    found = await asyncio.to_thread(scan_held, held, memory=ScanMemory(), scans=scans)
    scans.keep()   # written on the workspace's thread, after which it is read
    last = await asyncio.to_thread(WorkspaceScans(workspace, reversed(accounts)).read)
    assert last is not None and last.pairs == found.pairs and last.ids == found.ids
    with_demo = WorkspaceScans(workspace, [DEMO_PREFIX + "square", *accounts])
    with_demo.save(last)
    with_demo.keep()
    kept = await asyncio.to_thread(with_demo.read)
    assert (kept is None) == (workspace.team is not None)


async def test_a_scan_cancelled_as_it_ended_is_kept_and_let_go_of_all_the_same(
        journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    # The window that asked for it closed as it ended: no one shows its groups, which is when a scan is kept and
    # what it left let go of (on a thread of its own, not at once wherever its answer is dropped).
    workspace = journal.workspace
    held = _held(_customers())
    copies: dict[str, AccountCopy | None] = {account: None for account, _ in held}
    checks: list[bool] = []
    await asyncio.to_thread(scan_accounts, held, copies, workspace, cancelled=lambda: checks.append(True) and False)
    assert await asyncio.to_thread(WorkspaceScans(workspace, copies).read) is None   # not shown: not kept
    asked, threads = iter(range(len(checks))), []
    let_go = duplicate_records.let_go_elsewhere
    monkeypatch.setattr(duplicate_records, "let_go_elsewhere", lambda leftovers: threads.append(let_go(leftovers)))
    monkeypatch.setattr(duplicate_records, "LET_GO_HERE", 0)   # as for a large scan
    found, shown = await asyncio.to_thread(scan_accounts, held, copies, workspace,   # cancelled at the last check
                                           cancelled=lambda: next(asked) >= len(checks) - 1)
    assert len(threads) == 1
    threads[0].join(30)
    last = await asyncio.to_thread(WorkspaceScans(workspace, copies).read)
    assert last is not None and last.pairs == found.pairs
    shown()   # as the window would, had it shown the groups meanwhile: nothing left to let go of, nor to keep
    assert len(threads) == 2
    threads[1].join(30)
