"""The journal's intent file: encrypted frames read back in order, emptied once committed, a torn
tail or another key ignored, a live instance's file left alone, and a stopped instance's intents
replayed into the journal (in doubt) when the workspace opens again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from console.domain.journal import FieldChange, Intent, JournalQuery, Outcome
from console.services.intent_log import IntentLog, LoggedIntent, log_key, orphaned, read_frames
from console.services.journal import Author, Journal
from console.services.secrets import MemorySecrets
from console.services.workspace import LocalWorkspace, workspace_files

KEY = log_key("a workspace key for tests")
AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _intent(name: str, operation: str = "update") -> Intent:
    return Intent(account_id="acct-1", provider="square", operation=operation, who="ada", os_user="ada",
                  computer="desk-1", customer_id="C1", customer_name=name,
                  changes=(FieldChange("email", "old@example.com", f"{name.lower()}@example.com"),))


def _logged(entry_id: str, name: str) -> LoggedIntent:
    return LoggedIntent(entry_id, AT, _intent(name))


def test_frames_read_back_in_order_and_nothing_is_plain_text(tmp_path: Path) -> None:
    log = IntentLog(tmp_path, KEY)
    log.append([_logged("e1", "Grace"), _logged("e2", "Hopper")])
    log.append([_logged("e3", "Lovelace")])
    found = read_frames(log.path, KEY)
    assert [(e.entry_id, e.intent.customer_name) for e in found] == [("e1", "Grace"), ("e2", "Hopper"),
                                                                      ("e3", "Lovelace")]
    assert found[0].at == AT and found[0].intent == _intent("Grace")
    data = log.path.read_bytes()
    assert b"Grace" not in data and b"example.com" not in data
    assert read_frames(log.path, log_key("another key")) == []
    log.close()


def test_the_file_is_emptied_once_every_frame_is_committed_and_deleted_when_closed_empty(tmp_path: Path) -> None:
    log = IntentLog(tmp_path, KEY)
    log.append([_logged("e1", "Grace")])
    log.append([_logged("e2", "Hopper")])
    log.committed()
    assert [e.entry_id for e in read_frames(log.path, KEY)] == ["e1", "e2"]   # e2 is not committed yet
    log.committed()
    assert log.path.stat().st_size == 0
    log.close()
    assert not log.path.exists()

    kept = IntentLog(tmp_path, KEY)
    kept.append([_logged("e3", "Lovelace")])
    kept.close()   # as a session that stops with an intent not committed
    assert [e.entry_id for e in read_frames(kept.path, KEY)] == ["e3"]


def test_a_torn_last_frame_is_ignored(tmp_path: Path) -> None:
    log = IntentLog(tmp_path, KEY)
    log.append([_logged("e1", "Grace")])
    log.append([_logged("e2", "Hopper")])
    log.close()
    data = log.path.read_bytes()
    log.path.write_bytes(data[:-5])   # the second write cut short by a crash
    assert [e.entry_id for e in read_frames(log.path, KEY)] == ["e1"]


def test_only_files_whose_instance_is_gone_are_offered_for_replay(tmp_path: Path) -> None:
    live = IntentLog(tmp_path, KEY)
    live.append([_logged("live", "Grace")])
    gone = IntentLog(tmp_path, KEY)
    gone.append([_logged("gone", "Hopper")])
    gone.close()
    offered = {path: [e.entry_id for e in entries] for path, entries in orphaned(tmp_path, KEY)}
    assert offered == {gone.path: ["gone"]}
    live.close()


async def test_a_stopped_sessions_intents_are_replayed_into_the_journal_in_doubt(tmp_path: Path) -> None:
    secrets = MemorySecrets()
    path = tmp_path / "data" / "workspace.db"
    workspace = LocalWorkspace(path, secrets)
    workspace.start()
    assert await workspace.ready() and workspace.key is not None and workspace.intent_log is not None
    journal = Journal(workspace, Author(os_user="ada", computer="desk-1"))
    [committed] = await journal.for_account("acct-1", "Shop", "square").intend([_intent("Grace")])
    assert await journal.count(JournalQuery()) == 1
    # Another instance's file, left behind when it was killed after sending (one intent committed, one not).
    left = IntentLog(path.parent, log_key(workspace.key.key))
    left.append([LoggedIntent(committed, AT, _intent("Grace")), _logged("lost-answer", "Hopper")])
    left.close()
    await workspace.close()

    workspace = LocalWorkspace(path, secrets)
    workspace.start()
    assert await workspace.ready()
    journal = Journal(workspace, Author(os_user="ada", computer="desk-1"))
    entries = await journal.entries(JournalQuery())
    assert sorted(e.entry_id for e in entries) == sorted([committed, "lost-answer"])   # each once
    replayed = next(e for e in entries if e.entry_id == "lost-answer")
    assert replayed.outcome is Outcome.IN_DOUBT and replayed.intent == _intent("Hopper") and replayed.at == AT
    assert {e.entry_id for e in await journal.in_doubt("acct-1")} == {committed, "lost-answer"}   # read back next
    assert not left.path.exists()
    assert (await journal.verify()).intact
    await workspace.close()
    assert [p.name for p in workspace_files(path) if p.suffix == ".intents"] == []   # closed empty: deleted
