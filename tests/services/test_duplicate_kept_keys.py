"""A duplicate scan after a warm start reads each customer's keys as the workspace kept them beside its
document, and finds exactly what making the keys finds; a kept value made of another document, or of
another format, is not used (issue 20)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from console.domain.customer import Customer
from console.services import duplicate_blocking, duplicate_records
from console.services.duplicate_blocking import _runs
from console.services.duplicate_kept_keys import (
    FORMAT,
    NO_NAMES,
    NONE,
    SEP,
    kept_columns,
    kept_scan_keys,
    kept_value,
)
from console.services.duplicate_records import ArrivingKeys, Held, scan_held
from console.services.duplicate_scoring import KeyMaker
from console.services.duplicates import ScanCancelledError, ScanMemory
from console.store import documents
from tests.services.test_duplicate_records import _customers, _held


def _kept(held: list[Held], records: list[tuple[str, Customer]],
          shuffled: bool = False) -> dict[str, tuple[list[str], list[str]]]:
    """What a workspace that saved every customer of `records` keeps, by account: ids and stamped values (NONE
    where none), as read (store/customers.py `read_scan_keys`): in the index's order, or `shuffled`."""
    made = dict(zip(((a, c.id) for a, c in records), kept_scan_keys([c for _, c in records]), strict=True))
    stamped: dict[str, tuple[list[str], list[str]]] = {}
    for account, (ids, _) in held:
        documents_of = {c.id: documents.encode(c) for a, c in records if a == account}
        kept_ids = list(reversed(ids)) if shuffled else list(ids)
        stamped[account] = (kept_ids, [NONE if made[account, i] is None else
                                       documents.document_crc(documents_of[i]) + str(made[account, i])
                                       for i in kept_ids])
    return stamped


def _result(held: list[Held], kept: dict[str, dict[str, str]] | None = None) -> tuple[object, ...]:
    found = scan_held(held, memory=ScanMemory(), kept=None if kept is None else lambda: lambda check: kept)
    return found.pairs, [(g.members, g.reasons) for g in found.groups()]


@pytest.mark.parametrize("shuffled", [False, True])
def test_kept_keys_find_what_made_keys_find(shuffled: bool) -> None:
    records = _customers()
    held = _held(records)
    kept = _kept(held, records, shuffled)
    columns = kept_columns(held, {a: (list(i), list(v)) for a, (i, v) in kept.items()}, KeyMaker())
    # Used for every customer held as its document, but those with lists of emails or phones.
    assert len(columns.missing) == sum(1 for _, (ids, items) in held for i, item in zip(ids, items, strict=True)
                                       if type(item) is not str or i.startswith("list-"))
    given = [column for pair in kept.values() for column in pair]
    assert _result(held, kept) == _result(held)
    assert kept == {}   # read, and let go of
    assert given and not any(given)   # emptied as used: a future reading them still holds them
    # A scan after one it remembers makes only new customers' keys: it does not read the kept ones.
    memory = ScanMemory()
    scan_held(held, memory=memory)
    asked: list[bool] = []
    scan_held(held, memory=memory, kept=lambda: asked.append(True) or (lambda check: {}))
    assert not asked


def test_the_documents_of_customers_with_usable_kept_keys_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    records = _customers()
    held = _held(records)
    kept = _kept(held, records)
    reads: list[str] = []
    view = documents.scan_view
    monkeypatch.setattr(documents, "scan_view", lambda document: reads.append(document) or view(document))
    scan_held(held, memory=ScanMemory(), kept=lambda: lambda check: kept)
    # Only the documents of customers with lists of emails or phones (no keys kept) are read; the decoded
    # customers (every fifth) are not documents.
    listed = [item for _, (ids, items) in held for i, item in zip(ids, items, strict=True)
              if type(item) is str and i.startswith("list-")]
    assert listed and sorted(reads) == sorted(listed)


@pytest.mark.parametrize("shuffled", [False, True])
def test_a_value_made_of_another_document_or_format_is_not_used(shuffled: bool) -> None:
    records = _customers()
    held = _held(records)
    account, (ids, items) = next((a, h) for a, h in held if any(type(i) is str for i in h[1]))
    changed, later = [n for n, item in enumerate(items) if type(item) is str][:2]
    kept = _kept(held, records, shuffled)
    kept_ids, values = kept[account]
    # The workspace was written since by another console: these keys are of another document.
    customer = documents.decode(str(items[changed]))
    other = dataclasses.replace(customer, email="someone.else@example.org")
    values[kept_ids.index(customer.id)] = documents.document_crc(documents.encode(other)) + str(
        kept_scan_keys([other])[0])
    # A later version's format, with more keys.
    values[kept_ids.index(ids[later])] = documents.document_crc(str(items[later])) + "d9" + SEP * 9
    columns = kept_columns(held, {a: (list(i), list(v)) for a, (i, v) in kept.items()}, KeyMaker())
    first = sum(len(i) for a, (i, _) in held[:[a for a, _ in held].index(account)])
    assert {first + changed, first + later} <= set(columns.missing)
    assert columns.emails[first + changed] is None   # not the other document's
    assert columns.names[first + changed] == NO_NAMES
    assert _result(held, kept) == _result(held)


@pytest.mark.parametrize("run", [1, 10**9])
def test_customers_without_kept_keys_have_them_made_alike_in_runs_or_one_by_one(
        run: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # A run of RUN or more is made a column at a time (an account held decoded after a refresh), the rest one by
    # one: with every run columnar, or none, the scan finds what it finds making every key.
    monkeypatch.setattr(duplicate_blocking, "RUN", run)
    records = _customers()
    held = _held(records)
    account, (ids, items) = held[0]
    held[0] = (account, (ids, [documents.decode(item) if type(item) is str else item for item in items]))
    kept = _kept(held, records)
    assert _result(held, kept) == _result(held)


@pytest.mark.parametrize(("indexes", "runs"), [
    ([], []), ([7], [(7, 8)]), ([0, 1, 2], [(0, 3)]), ([1, 2, 4, 5, 9], [(1, 3), (4, 6), (9, 10)]),
    ([*range(5000), 5001], [(0, 5000), (5001, 5002)])])
def test_runs_of_consecutive_positions(indexes: list[int], runs: list[tuple[int, int]]) -> None:
    assert list(_runs(indexes)) == runs


def test_customers_with_lists_of_emails_or_phones_keep_none() -> None:
    records = _customers()
    listed = [c for _, c in records if c.emails]
    assert listed and kept_scan_keys(listed) == [None] * len(listed)
    plain = [c for _, c in records if not c.emails][:5]
    made = kept_scan_keys(plain)
    assert all(value is not None and value.startswith(FORMAT + SEP) and value.count(SEP) == 7 for value in made)
    # A key holding the separator cannot be kept (it would read as another field).
    odd = dataclasses.replace(plain[0], reference_id=f"crm{SEP}1")
    assert kept_value(KeyMaker(), "", odd) is None


def test_cancel_is_heard_while_the_kept_keys_are_laid_out() -> None:
    records = _customers()
    held = _held(records)
    kept = _kept(held, records)
    assert len(held) > 2
    # Cancelled once the first account's keys have been taken: the second account's are not.
    with pytest.raises(ScanCancelledError):
        scan_held(held, memory=ScanMemory(), cancelled=lambda: len(kept) < len(held),
                  kept=lambda: lambda check: kept)
    assert len(kept) == len(held) - 1


def test_a_whole_scan_begins_reading_the_kept_keys_before_it_checks_the_held_documents(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The workspace's thread reads them while this one makes the checksums: the two overlap.
    records = _customers()
    held = _held(records)
    kept = _kept(held, records)
    order: list[str] = []
    checksums = duplicate_records.record_checksums
    monkeypatch.setattr(duplicate_records, "record_checksums",
                        lambda items: order.append("checksums") or checksums(items))

    def begin() -> Callable[[Callable[[], None]], dict[str, tuple[list[str], list[str]]]]:
        order.append("begun")
        return lambda check: order.append("collected") or kept
    found = scan_held(held, memory=ScanMemory(), kept=begin)
    assert order == ["begun", "checksums", "collected"]
    assert (found.pairs, [(g.members, g.reasons) for g in found.groups()]) == _result(held)


def test_each_accounts_kept_keys_are_taken_as_they_come(caplog: pytest.LogCaptureFixture) -> None:
    # The scan lays out the first account's keys while the workspace's thread still reads the next ones':
    # an account's read is waited for only when the scan comes to it.
    records = _customers()
    held = _held(records)
    kept = _kept(held, records)
    accounts = [account for account, _ in held]
    assert len(accounts) >= 2
    reading = {account: Future[tuple[list[str], list[str]]]() for account in accounts}
    arriving = ArrivingKeys(reading, lambda: None)
    taken: list[str] = []
    first_taken = threading.Event()

    class Watched:
        def pop(self, account: str, default: tuple[list[str], list[str]], /) -> tuple[list[str], list[str]]:
            found = arriving.pop(account, default)
            taken.append(account)
            first_taken.set()
            return found

    first, *later = accounts
    reading[first].set_result(kept[first])
    with ThreadPoolExecutor(1) as scan:
        # What the scan does with them: each account's in turn.
        laying = scan.submit(kept_columns, held, Watched(), KeyMaker())
        try:
            assert first_taken.wait(10)   # the first account's taken with the others still unread
            assert taken == [first] and not laying.done()
        finally:
            for account in later[:-1]:
                reading[account].set_result(kept[account])
            reading[later[-1]].set_exception(OSError("unreadable"))   # its keys made by the scan instead
        laying.result(timeout=10)
    assert taken == accounts
    assert "could not be read" in caplog.text


def test_a_cancelled_scan_does_not_wait_for_keys_still_being_read() -> None:
    def cancelled() -> None:
        raise ScanCancelledError
    arriving = ArrivingKeys({"a": Future()}, cancelled)
    with pytest.raises(ScanCancelledError):
        arriving.pop("a", ([], []))
    assert ArrivingKeys({}, cancelled).pop("b", (["x"], ["y"])) == (["x"], ["y"])
