"""Writes left in doubt: a process killed between the intent and the outcome leaves an entry in
doubt, and opening the account again settles it by reading the customer back."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from console.domain.changes import CustomerChanges
from console.domain.journal import JournalQuery, Outcome
from console.services.accounts import demo_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.journal import Author, Journal
from console.services.journal_doubt import settle_in_doubt
from console.services.secrets import MemorySecrets
from console.services.workspace import LocalWorkspace
from console.services.write_records import WriteOp, WriteRecord, sent_values
from tests.services.conftest import OpenDemo
from tests.support.journal_child import NEW_EMAIL

ROOT = Path(__file__).resolve().parents[2]


def _run_until_sending_then_kill(root: Path) -> str:
    """Start the child console, wait until its write request is out, and kill it there; its last words."""
    child = subprocess.Popen([sys.executable, "-m", "tests.support.journal_child", str(root)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdout is not None
        return child.stdout.readline()   # said once its request is out
    finally:
        child.kill()
        child.wait()


async def _journal(root: Path) -> Journal:
    workspace = LocalWorkspace(root / "workspace.db", MemorySecrets(warning="no keychain here"))
    workspace.start()
    assert await workspace.ready()
    return Journal(workspace, Author("ada", "desk-1"))


async def test_a_process_killed_mid_write_leaves_it_in_doubt_and_the_next_opening_settles_it(tmp_path: Path) -> None:
    demo = DemoSandbox(tmp_path / "demo", latency_ms=0, customers={"square": 5})
    demo.emulator("square")
    demo.flush()   # the child reads the same demo data
    line = await asyncio.to_thread(_run_until_sending_then_kill, tmp_path)
    assert line.strip() == "SENDING", line

    journal = await _journal(tmp_path)
    try:
        [doubt] = await journal.in_doubt("demo:square")
        assert doubt.outcome is Outcome.IN_DOUBT and doubt.intent.changes[0].after == NEW_EMAIL
        account = next(a for a in demo_accounts(demo) if a.info.key == "square")
        session = await open_session(account, secrets=MemorySecrets(), demo=DemoSandbox(
            tmp_path / "demo", latency_ms=0, customers={"square": 5}))
        session.service.journal = journal.for_account(account.id, account.name, account.info.key)
        [settled] = await settle_in_doubt(session.service, journal, account.id)
        assert settled.outcome is Outcome.NOT_APPLIED and "old values" in settled.note
        [entry] = await journal.entries(JournalQuery())
        assert (entry.entry_id, entry.outcome) == (doubt.entry_id, Outcome.NOT_APPLIED)
        assert await journal.in_doubt(account.id) == []
        assert (await journal.verify()).intact
        await session.aclose()
    finally:
        await journal.workspace.close()


async def test_a_write_in_doubt_that_landed_is_found_applied(open_demo: OpenDemo, journal: Journal) -> None:
    demo = await open_demo("square")
    account = demo.session.account
    service = demo.service
    service.journal = journal.for_account(account.id, account.name, account.info.key)
    await service.load()
    customer = next(iter(service.index))
    # The intent was written, the request landed, and the app stopped before the outcome.
    record_changes = CustomerChanges(values={"company": "Landed Ltd"})
    intent = service.journal.intent_of(WriteRecord(WriteOp.UPDATE, customer.id, sent_values(record_changes)),
                                       customer, "someone")
    [entry_id] = await service.journal.intend([intent])
    await demo.session.provider.update(customer, record_changes)
    [settled] = await settle_in_doubt(service, journal, account.id)
    assert (settled.entry.entry_id, settled.outcome) == (entry_id, Outcome.APPLIED)
    [entry] = await journal.entries(JournalQuery())
    assert entry.outcome is Outcome.APPLIED and entry.note == "the customer holds the new values"


async def test_a_workspace_rebuilt_from_an_unreadable_file_says_its_history_is_not_here(tmp_path: Path) -> None:
    database = tmp_path / "workspace.db"
    journal = await _journal(tmp_path)
    await journal.workspace.close()
    database.write_bytes(b"not a database at all" * 100)   # damaged, or its key was lost
    journal = await _journal(tmp_path)
    try:
        assert journal.workspace.notice is not None and "kept aside" in journal.workspace.notice
        assert await journal.note_lost_history()
        assert not await journal.note_lost_history()   # said once
        [entry] = await journal.entries(JournalQuery())
        assert entry.intent.operation == "history_lost" and entry.outcome is Outcome.UNKNOWN
        assert "workspace.db.unreadable-" in (entry.note or "") and "history before" in (entry.note or "")
    finally:
        await journal.workspace.close()
