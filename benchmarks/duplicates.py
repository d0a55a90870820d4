"""P16 and P17: duplicate finding's quality and speed (issue 20). Run through benchmarks/run.py.

P16 writes the generated labelled set (console/sandbox/duplicate_data.py) to a CSV and reads the groups
back through `customer-console find-duplicates`' own code, then counts pairs: a pair is found when its
two rows are in one printed group, and true when the two records are one generated person.
P17 scans half a million generated customers across five accounts, held as the window holds customers
read from their providers (decoded, account by account) and scanned as the window scans them
(`duplicate_records.scan_held`): first as the session's first scan,
then again after one customer in 500 changed (the scan before kept its keys and pairs, as the Find
duplicates window keeps them for the session). Each figure is from the call to the groups, what the
window waits for. The baseline scores all pairs of a 2,000-customer sample and extrapolates
quadratically. Memory is tracemalloc's peak during a first scan, above the loaded records. The last lines
scan the same customers as a warm start's table holds them, each as its kept document (the window's
path after a warm start, duplicate_records.py). P17c is the window's side of a scan: the longest a
thread that wakes every millisecond, as the window's event loop does while it waits, waited for
Python's lock while a scan ran on another thread as the window runs it (`busy_worker`); the
window's own target for a stall is 25 ms (P6). Each first scan is measured twice: in a process of its
own, as a session's first scan is, whose largest tables are grown in memory the process never used
before (run before the benchmark's process holds the generated customers: on this VM, memory new to a process
costs several times as much beside a process holding gigabytes); and after others in the benchmark's process.
"""

from __future__ import annotations

import functools
import gc
import io
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

P16_SEED, P17_SEED = 16, 17
P16_PEOPLE = 5_000
P17_CUSTOMERS = 500_000
P17_EVERY = 500          # the repeated scan: one customer in this many changed since the first
BASELINE_SAMPLE = 2_000
FAULT_PROBE = 32 * 2**20   # bytes of new memory timed beside each first scan in a process of its own


def p16_quality(quick: bool, *, line: Any, note: Any) -> None:
    """Print P16: precision and recall at the default threshold."""
    from console.sandbox.duplicate_data import labelled_customers
    from console.services.duplicate_cli import groups_as_json, row_of, write_csv
    from console.services.duplicates import DEFAULT_THRESHOLD

    people = 1_000 if quick else P16_PEOPLE
    labelled = labelled_customers(P16_SEED, people)
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "labelled.csv"
        write_csv(path, (row_of(r.account, r.customer) for r in labelled.records))
        groups_as_json(path, DEFAULT_THRESHOLD, out)
    found: set[tuple[int, int]] = set()
    for text in out.getvalue().splitlines():
        rows = sorted(json.loads(text)["rows"])
        found.update((a - 2, b - 2) for a, b in itertools.combinations(rows, 2))   # rows start at 2
    true = labelled.true_pairs()
    hits = len(found & true)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    line("P16a", "duplicates precision at the default threshold", precision * 100, "%", baseline=None,
         target=">=95 %", met=precision >= 0.95)
    line("P16b", "duplicates recall at the default threshold", recall * 100, "%", baseline=None,
         target=">=90 %", met=recall >= 0.90)
    look_alikes = sum(1 for r in labelled.records if r.look_alike_of is not None)
    note(f"{len(labelled.records):,} records of {people:,} generated people over 5 accounts (seed {P16_SEED}): "
         f"{len(true):,} true pairs, {look_alikes:,} planted look-alikes (households sharing an email, namesakes "
         f"elsewhere); {len(found):,} pairs found at threshold {DEFAULT_THRESHOLD}, {hits:,} of them true")


def _all_pairs_seconds(records: list[tuple[str, Any]]) -> float:
    """Scoring every pair of `records` (keys made first, as the scan makes them): the baseline."""
    from console.services.duplicate_scoring import KeyMaker, compare

    maker = KeyMaker()
    started = time.perf_counter()
    keys = [maker.keys(account, customer) for account, customer in records]
    for a, b in itertools.combinations(keys, 2):
        compare(a, b).score   # noqa: B018 -- the work measured
    return time.perf_counter() - started


def _changed(records: list[tuple[str, Any]], every: int) -> list[tuple[str, Any]]:
    """`records` with every `every`-th customer edited (a new email: a new object, as an edit makes it)."""
    import dataclasses

    edited = list(records)
    for index in range(0, len(edited), every):
        account, customer = edited[index]
        edited[index] = (account, dataclasses.replace(customer, email=f"edited.{index}@example.org"))
    return edited


def _as_read(generated: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The generated customers as the app holds them once read: decoded from their documents, account by account
    (the generator interleaves the accounts: regrouped as they were, each account's customers lay scattered
    through memory, and the window's scan, which goes account by account, took 4.15-4.3 s rather than 3.3-3.55)."""
    from console.store.documents import decode, encode

    by_account: dict[str, list[Any]] = {}
    for account, customer in generated:
        by_account.setdefault(account, []).append(customer)
    return [(account, decode(encode(customer))) for account, customers in by_account.items() for customer in customers]


def _held(records: list[tuple[str, Any]]) -> list[tuple[str, tuple[list[str], list[Any]]]]:
    """`records` as the window's indexes hold customers read from their providers: each account's ids and
    decoded customers (duplicate_records.Held)."""
    held: dict[str, tuple[list[str], list[Any]]] = {}
    for account, customer in records:
        ids, items = held.setdefault(account, ([], []))
        ids.append(customer.id)
        items.append(customer)
    return list(held.items())


def _nothing_kept() -> Any:
    """The window's reader of kept keys, for a workspace that keeps none (`duplicate_records.read_kept_keys`)."""
    from console.services.duplicate_records import ArrivingKeys

    return functools.partial(ArrivingKeys, {})


def _window_scan(held: list[tuple[str, tuple[list[str], list[Any]]]], memory: Any, leftovers: Any = None) -> Any:
    """The scan as the window runs it (`duplicate_records.scan_held`) on what its indexes hold (`_held`); what it is
    done with left in `leftovers`, as the window's is until its groups are shown."""
    from console.services.duplicate_records import scan_held

    return scan_held(held, memory=memory, kept=_nothing_kept, leftovers=leftovers)


def _then_let_go(scan: Any) -> Any:
    """`scan(leftovers)`, then its leftovers let go of on the same thread, as the window lets go of them once the
    groups are shown (on a thread of its own): P17c's waits are measured through both."""
    from console.domain.lock_steps import Leftovers

    def run() -> Any:
        leftovers = Leftovers()
        found = scan(leftovers)
        leftovers.let_go()
        return found
    return run


def _timed(records: list[tuple[str, Any]], memory: Any) -> tuple[int, float, float]:
    """The groups the window's scan finds, its seconds and its CPU seconds (what the indexes hold taken first,
    as the window takes it on its event loop), until the groups are formed: what the scan is done with is let go
    of after, as the window lets go of it once they are shown."""
    from console.domain.lock_steps import Leftovers

    held = _held(records)
    gc.collect()
    leftovers = Leftovers()
    started, cpu = time.perf_counter(), time.process_time()
    groups = _window_scan(held, memory, leftovers).groups()
    done = len(groups), time.perf_counter() - started, time.process_time() - cpu
    leftovers.let_go()
    return done


def _where(thread: threading.Thread) -> str:
    """The file and line `thread` is at, and its caller's."""
    frame, at = sys._current_frames().get(thread.ident or 0), []
    while frame is not None and len(at) < 2:
        at.append(f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno}")
        frame = frame.f_back
    return " < ".join(at)


def _longest_wait(scan: Any) -> tuple[float, int, Any, str]:
    """The longest wait in seconds of this thread, waking every millisecond, while `scan()` runs on another with
    Python's lock handed over as the window's scan hands it; how many waits passed 25 ms; what `scan()` gave;
    where the scan was before and after the longest wait."""
    from console.services.busy_worker import busy_worker

    done, kept = threading.Event(), []

    def run() -> None:
        try:
            with busy_worker(keep=True):
                kept.append(scan())   # kept past the measurement, as the window keeps what it found
        finally:
            done.set()

    worker = threading.Thread(target=run, name="scan")
    gc.collect()
    longest, over, last, where, at = 0.0, 0, time.perf_counter(), "", ""
    worker.start()
    while not done.is_set():
        time.sleep(0.001)
        now, before, at = time.perf_counter(), at, _where(worker)
        if now - last > longest:
            longest, where = now - last, f"{before} -> {at}"
        over, last = over + (now - last > 0.025), now
    worker.join()
    return longest, over, kept[0] if kept else None, where


def _generated(size: int) -> list[tuple[str, Any]]:
    """P17's `size` customers, held as the app holds them once read (`_as_read`)."""
    from console.domain.gc_pause import gc_paused
    from console.sandbox.duplicate_data import labelled_customers

    with gc_paused():
        labelled = labelled_customers(P17_SEED, int(size / 1.3) + 1_000)
        return _as_read([(r.account, r.customer) for r in labelled.records][:size])


def _in_process(probe: str, argument: str, env: dict[str, str] | None = None) -> tuple[float, int, Any, str]:
    """`_longest_wait` of the first scan of a process of its own, as the probe `probe` of this module (called with
    `argument`) measures and prints it: later scans in a process find the memory of its largest tables already in use,
    the first faults it in."""
    found = _run_probe(probe, argument, env)
    return found["longest"], found["over"], None, f"{found['where']}; {_fault_note(found['fault'])}"


def _run_probe(probe: str, argument: str, env: dict[str, str] | None = None) -> Any:
    """What the function `probe` of this module, called with `argument` in a process of its own, prints last (JSON)."""
    root = Path(__file__).resolve().parent.parent
    code = f"from benchmarks.duplicates import {probe}; {probe}({argument})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                         env={**os.environ, "PYTHONPATH": str(root), **(env or {})}, timeout=900, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"the probe {probe} failed (exit {out.returncode}): {out.stderr[-800:]}")
    return json.loads(out.stdout.splitlines()[-1])


def _first_scans_alone(size: int) -> tuple[tuple[float, int, Any, str], tuple[float, int, Any, str]]:
    """`_in_process` of a session's first scan and of a warm start's (its workspace written by a process of its own),
    run before this process holds the generated customers: beside a process holding gigabytes, memory new to a process
    costs several times as much on this VM, and the window's process meets no such neighbour of ours (benchmarks/
    NOTES.md, *Memory another process holds*)."""
    import secrets

    first = _in_process("first_scan_wait", str(size))
    key = secrets.token_hex(32)
    with tempfile.TemporaryDirectory() as folder:
        _run_probe("written_workspace", f"{folder!r}, {size}", {"WORKSPACE_KEY": key})
        warm = _in_process("warm_scan_wait", repr(folder), {"WORKSPACE_KEY": key})
    return first, warm


def written_workspace(folder: str, size: int) -> None:
    """In a process of its own (`_run_probe`): P17's `size` customers saved in a workspace in `folder` (its key in
    WORKSPACE_KEY), as `_kept_workspace` saves them."""
    workspace, _ = _kept_workspace(_generated(size), Path(folder), os.environ.pop("WORKSPACE_KEY"))
    workspace.close()
    print(json.dumps({"written": size}))


def _fault_cost() -> float:
    """Seconds to fault in FAULT_PROBE bytes of memory new to the process, a page at a time (the longest wait of a
    process's first scan is one step that faults in 20-30 MB: a dict's table grown past 350,000 keys). Timed after
    the scan only: memory faulted in and given back just before it would be the scan's, already faulted in."""
    started = time.perf_counter()
    memory = bytearray(FAULT_PROBE)
    memory[::4096] = bytes(len(range(0, FAULT_PROBE, 4096)))   # a write to each page: mapped on first touch
    del memory
    return time.perf_counter() - started


def _fault_note(fault: float) -> str:
    """What new memory cost the probe's process just after its scan."""
    return f"new memory cost {fault * 1000:.1f} ms per {FAULT_PROBE // 2**20} MB just after the scan"


def first_scan_wait(size: int) -> None:
    """In a process of its own (`_in_process`): print, as JSON, `_longest_wait` of its first scan."""
    from console.services.duplicates import ScanMemory

    held = _held(_generated(size))
    memory = ScanMemory()   # kept past the scan, as the window keeps its memory for the session
    longest, over, _, where = _longest_wait(_then_let_go(lambda leftovers: _window_scan(held, memory, leftovers)))
    print(json.dumps({"longest": longest, "over": over, "where": where, "fault": _fault_cost()}))


def _wait_line(line: Any, note: Any, what: str, wait: tuple[float, int, Any, str]) -> Any:
    """Print P17c for `wait` (`_longest_wait`'s); give what the scan found."""
    longest, over, found, where = wait
    line("P17c", f"longest wait of the window's thread during {what}", longest, "ms", baseline=None,
         target="<=25 ms", met=longest <= 0.025)
    note(f"{over} waits past 25 ms, the longest with the scan at {where}; the scan on a thread of its own beside "
         "a thread waking every millisecond, as the window's event loop (before long passes in C were cut into steps, "
         "console/domain/lock_steps.py: 291 ms for the first scan and 331 ms from the workspace, 25 and 42 waits "
         "past 20 ms)")
    return found


def p17_scan(quick: bool, *, line: Any, note: Any) -> None:
    """Print P17: a scan of 500,000 customers across five accounts (the session's first, and one after a
    thousand customers changed), its baseline and its memory."""
    from console.domain.lock_steps import Leftovers
    from console.services.duplicates import ScanMemory

    size = 50_000 if quick else P17_CUSTOMERS
    sample = 500 if quick else BASELINE_SAMPLE
    first_alone, warm_alone = _first_scans_alone(size)
    records = _generated(size)
    memory = ScanMemory()
    groups, seconds, cpu = _timed(records, memory)
    baseline = _all_pairs_seconds(records[:sample]) * (len(records) / sample) ** 2
    line("P17a", f"duplicate scan of {len(records):,} customers, 5 accounts, the session's first", seconds, "s",
         baseline=baseline, ratio=baseline / seconds, target="<=5 s", met=seconds <= 5)
    note(f"{groups:,} groups at the default threshold; {cpu:.2f} s of CPU; baseline: all pairs of a "
         f"{sample:,}-customer sample scored, times ({len(records):,}/{sample:,})²")
    edited = _changed(records, P17_EVERY)
    again, seconds, cpu = _timed(edited, memory)
    line("P17a", f"duplicate scan of the same {len(records):,} customers after {len(records) // P17_EVERY:,} "
         "changed, later in the session", seconds, "s", baseline=baseline, ratio=baseline / seconds,
         target="<=5 s", met=seconds <= 5)
    note(f"{again:,} groups; {cpu:.2f} s of CPU; the scan before kept every record's keys and the scored pairs "
         "(as after a merge, or Find duplicates opened again): keys made and pairs scored only for the changed")
    memory.forget()
    gc.collect()
    held = _held(records)
    gc.collect()
    leftovers = Leftovers()
    tracemalloc.start()
    _window_scan(held, memory, leftovers).groups()
    leftovers.let_go()   # as the window does once the groups are shown: what stays is what the next scan starts from
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    megabytes = peak / 1_000_000
    line("P17b", "duplicate scan memory above the loaded customers", megabytes, "MB", baseline=None,
         target="<=500 MB", met=megabytes <= 500)
    note(f"the session's first scan, at its peak; {kept / 1_000_000:.0f} MB kept after it for the next scan")
    memory.forget()
    gc.collect()
    _wait_line(line, note, f"a whole scan of {len(records):,} customers, after others in the process",
               _longest_wait(_then_let_go(lambda leftovers: _window_scan(held, memory, leftovers))))
    _wait_line(line, note, f"the session's first scan of {len(records):,} customers, in a process of its own",
               first_alone)
    memory.forget()
    _kept_documents(records, warm_alone, line=line, note=note)


def _kept_workspace(records: list[tuple[str, Any]], folder: Path,
                    key: str) -> tuple[Any, dict[str, tuple[list[str], list[Any]]]]:
    """`records` saved in a workspace as the app's refresh saves them (each account's pages, each customer's scan
    keys beside its document), and each account's ids and documents as a warm start's index then holds them."""
    from datetime import UTC, datetime

    from console.domain.gc_pause import gc_paused
    from console.services.duplicate_kept_keys import kept_scan_keys
    from console.store.accounts import ensure_account
    from console.store.customers import save_page
    from console.store.engine import open_workspace

    workspace = open_workspace(folder / "workspace.db", key)
    by_account: dict[str, list[Any]] = {}
    for account, customer in records:
        by_account.setdefault(account, []).append(customer)
    now = datetime.now(UTC)
    with gc_paused():
        for account, customers in by_account.items():
            with workspace.write() as connection:
                ensure_account(connection, account, "square")
            for start in range(0, len(customers), 10_000):
                page = customers[start:start + 10_000]
                with workspace.write() as connection:
                    save_page(connection, account, page, now, scan_keys=kept_scan_keys(page))
    held = _warm_held(workspace, list(by_account))
    for account, customers in by_account.items():
        assert held[account][0] == [c.id for c in customers]
    return workspace, held


def _warm_held(workspace: Any, accounts: list[str]) -> dict[str, tuple[list[str], list[Any]]]:
    """Each account's ids and kept documents as a warm start's index holds them."""
    from console.domain.gc_pause import gc_paused
    from console.services.duplicate_kept_keys import NONE
    from console.store.customers import read_scan_keys, read_stored_batches

    held: dict[str, tuple[list[str], list[Any]]] = {}
    with gc_paused():
        for account in accounts:
            with workspace.read() as connection:
                ids = read_scan_keys(connection, account, NONE)[0]   # the ids, in the order the documents are read
                items = [document for rows in read_stored_batches(connection, account) for document, _ in rows]
            held[account] = (ids, items)
    return held


def _kept_reader(workspace: Any, accounts: list[str], reader: Any) -> Any:
    """The window's reader of kept keys (`duplicate_records.read_kept_keys`) on `workspace`: an account at a time on
    `reader`, a thread of its own as the app's workspace thread, each taken by the scan as it comes."""
    from console.services.duplicate_kept_keys import NONE
    from console.services.duplicate_records import ArrivingKeys
    from console.store.customers import read_scan_keys

    def read(account: str) -> tuple[list[str], list[str]]:
        with workspace.read() as connection:
            return read_scan_keys(connection, account, NONE)
    return functools.partial(ArrivingKeys, {account: reader.submit(read, account) for account in accounts})


def warm_scan_wait(folder: str) -> None:
    """In a process of its own (`_in_process`): a warm start's index read from the workspace in `folder` (its key
    in WORKSPACE_KEY), then print, as JSON, `_longest_wait` of the process's first scan of it."""
    from concurrent.futures import ThreadPoolExecutor

    from console.services.duplicate_records import scan_held
    from console.services.duplicates import ScanMemory
    from console.store.engine import open_workspace

    workspace = open_workspace(Path(folder) / "workspace.db", os.environ.pop("WORKSPACE_KEY"))
    with workspace.read() as connection:
        accounts = [row[0] for row in connection.exec_driver_sql("SELECT DISTINCT account_id FROM customer_documents")]
    held = _warm_held(workspace, sorted(accounts))
    reader = ThreadPoolExecutor(max_workers=1)
    memory = ScanMemory()   # kept past the scan, as the window keeps its memory for the session
    longest, over, _, where = _longest_wait(_then_let_go(lambda leftovers: scan_held(
        list(held.items()), memory=memory, kept=lambda: _kept_reader(workspace, list(held), reader),
        leftovers=leftovers)))
    fault = _fault_cost()
    reader.shutdown()
    workspace.close()
    print(json.dumps({"longest": longest, "over": over, "where": where, "fault": fault}))


class _WorkspaceScans:
    """`duplicate_records.WorkspaceScans` on the benchmark's workspace: read on the scan's thread, kept on a
    thread of its own (the app's workspace thread) once the groups are formed, as the window keeps it."""

    def __init__(self, workspace: Any, accounts: list[str]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.workspace, self.accounts = workspace, accounts
        self.thread = ThreadPoolExecutor(max_workers=1)
        self.saves: list[Any] = []
        self.pending: Any = None

    def read(self) -> Any:
        from console.services.duplicate_last_scan import decode
        from console.store.duplicate_scans import read_scan

        def read() -> Any:
            with self.workspace.read() as connection:
                payload = read_scan(connection, self.accounts)
            return decode(payload) if payload is not None else None
        return self.thread.submit(read).result()

    def save(self, last: Any) -> None:
        self.pending = last

    def keep(self) -> None:
        from datetime import UTC, datetime

        from console.services.duplicate_last_scan import encode
        from console.store.duplicate_scans import save_scan

        last = self.pending

        def save() -> float:
            started = time.perf_counter()
            payload = encode(last)
            assert payload is not None
            with self.workspace.write() as connection:
                save_scan(connection, self.accounts, datetime.now(UTC), payload)
            return time.perf_counter() - started
        self.saves.append(self.thread.submit(save))


def _from_kept_scan(workspace: Any, held: dict[str, tuple[list[str], list[Any]]], records: list[tuple[str, Any]],
                    kept: Any, timed: Any, whole: float, *, line: Any, note: Any) -> None:
    """P17a's warm-start scan in a later session: the workspace kept the last session's scan, and one customer
    in P17_EVERY changed since (held decoded, as the index holds a customer a refresh changed)."""
    scans = _WorkspaceScans(workspace, list(held))
    try:
        timed(kept=kept, scans=scans)   # the last session's first scan: a whole one, kept
        kept_in = scans.saves[-1].result()
        edited = {(account, customer.id): customer for account, customer in _changed(records, P17_EVERY)
                  if (customer.email or "").startswith("edited.")}
        later: dict[str, tuple[list[str], list[Any]]] = {}
        for account, (ids, items) in held.items():
            now = later[account] = (ids, list(items))
            for index, customer_id in enumerate(ids):
                if (account, customer_id) in edited:
                    now[1][index] = edited[account, customer_id]
        changed = len(edited)
        groups, seconds, cpu = timed(later, kept=kept, scans=scans)
        scans.saves[-1].result()
        gc.collect()
        tracemalloc.start()
        timed(later, kept=kept, scans=scans)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        scans.saves[-1].result()
    finally:
        scans.thread.shutdown()
    line("P17a", f"duplicate scan of {sum(len(ids) for ids, _ in held.values()):,} customers kept in the workspace, "
         f"the next session's first ({changed:,} changed since)", seconds, "s", baseline=whole, ratio=whole / seconds,
         target="<=5 s", met=seconds <= 5)
    note(f"{groups:,} groups; {cpu:.2f} s of CPU; the workspace kept the last session's scan (duplicate_last_scan.py; "
         f"encoded and written in {kept_in:.1f} s on the workspace's thread): keys made and pairs scored only for the "
         "changed; baseline: the session's first scan above, without a kept scan")
    line("P17b", "duplicate scan memory above the kept documents, the next session's first", peak / 1_000_000, "MB",
         baseline=None, target="<=500 MB", met=peak <= 500_000_000)
    note("the kept scan as read and the keys made of it, at the scan's peak (its groups formed, before it is kept)")


def _kept_documents(records: list[tuple[str, Any]], warm_alone: tuple[float, int, Any, str], *, line: Any,
                    note: Any) -> None:
    """P17 as the window meets it after a warm start: every customer held as its kept document, the keys kept
    beside each read from the workspace; `warm_alone`: `_first_scans_alone`'s warm start, printed in its place."""
    import secrets

    from console.domain.lock_steps import Leftovers
    from console.services.duplicate_records import scan_held
    from console.services.duplicates import ScanMemory

    def kept() -> Any:
        return _kept_reader(workspace, list(held), reader)

    def timed(held_now: dict[str, tuple[list[str], list[Any]]] | None = None,
              **options: Any) -> tuple[int, float, float]:
        memory = ScanMemory()   # kept past the timing, as the window keeps its memory for the session
        leftovers = Leftovers()
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        found = scan_held(list((held_now or held).items()), memory=memory, leftovers=leftovers, **options).groups()
        done = time.perf_counter() - started, time.process_time() - cpu
        if "scans" in options:
            options["scans"].keep()   # as the window does once the groups are shown
        leftovers.let_go()
        return len(found), *done

    from concurrent.futures import ThreadPoolExecutor

    reader = ThreadPoolExecutor(max_workers=1)
    with tempfile.TemporaryDirectory() as folder:
        saving = time.perf_counter()
        key = secrets.token_hex(32)
        workspace, held = _kept_workspace(records, Path(folder), key)
        saving = time.perf_counter() - saving
        try:
            read_all, before, _ = timed()
            groups, seconds, cpu = timed(kept=kept)
            line("P17a", f"duplicate scan of {len(records):,} customers kept in the workspace (a warm start's "
                 "table), the session's first", seconds, "s", baseline=before, ratio=before / seconds,
                 target="<=5 s", met=seconds <= 5)
            note(f"{groups:,} groups ({read_all:,} reading the documents); {cpu:.2f} s of CPU; each customer's keys "
                 f"read from beside its document (duplicate_kept_keys.py; the workspace was saved in {saving:.0f} s); "
                 "baseline: the same scan reading each document's scan fields instead (before revision 0012)")
            _from_kept_scan(workspace, held, records, kept, timed, seconds, line=line, note=note)
            kept_memory = ScanMemory()   # kept past the scan, as the window's is for the session
            _wait_line(line, note, "a warm start's first scan, from the workspace, in a process of its own",
                       warm_alone)
            found = _wait_line(line, note, "a warm start's whole scan, from the workspace, after others in the process",
                               _longest_wait(_then_let_go(lambda leftovers: scan_held(
                                   list(held.items()), memory=kept_memory, kept=kept, leftovers=leftovers))))
            started = time.perf_counter()
            longest, over, groups, where = _longest_wait(found.groups)
            forming = time.perf_counter() - started
            line("P17c", "longest wait of the window's thread while that scan's groups are formed (slider moved)",
                 longest, "ms", baseline=None, target="<=25 ms", met=longest <= 0.025)
            note(f"{len(groups):,} groups at the default threshold, formed in {forming:.2f} s on another thread, as "
                 f"the window forms a large scan's (duplicate_regrouping.FORMED_HERE); {over} waits past 25 ms, the "
                 f"longest with the forming at {where}. Formed on the window's thread before: the whole time")
            del found, groups
            kept_memory.forget()
            gc.collect()
            leftovers = Leftovers()
            tracemalloc.start()
            scan_held(list(held.items()), memory=ScanMemory(), kept=kept, leftovers=leftovers)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            leftovers.let_go()
        finally:
            reader.shutdown()
            workspace.close()
    line("P17b", "duplicate scan memory above the kept documents", peak / 1_000_000, "MB", baseline=None,
         target="<=500 MB", met=peak <= 500_000_000)
    note("the documents are the loaded table's (a warm start holds them); the kept keys as read, the scan's keys "
         "and its pairs, at its peak")
