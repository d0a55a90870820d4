"""Drafts are written off the window's thread, in the order asked, and reading them waits for the writes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from console.services import drafts as drafts_module
from console.services.drafts import Draft, DraftStore


def _draft(note: str) -> Draft:
    return Draft(account_id="demo:square", account_name="Square (demo)", customer_id="C1", values={"note": note})


def test_a_draft_is_written_on_a_thread_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written_on: list[threading.Thread] = []
    write = drafts_module.write_atomic

    def watched(path: Path, text: str) -> None:   # the real write, its thread noted
        written_on.append(threading.current_thread())
        write(path, text)

    monkeypatch.setattr(drafts_module, "write_atomic", watched)
    store = DraftStore(tmp_path)
    store.save("k", _draft("typed"))
    store.flush()
    assert written_on and written_on[0] is not threading.current_thread()   # it waits for the disk, not us
    assert [draft.values["note"] for _, draft in store.pending()] == ["typed"]


def test_the_last_of_many_writes_wins_and_a_discard_after_them_is_final(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    for n in range(50):
        store.save("k", _draft(f"typed {n}"))
    [(key, draft)] = store.pending()   # waits for the writes asked before
    assert key == "k" and draft.values["note"] == "typed 49"
    for n in range(20):
        store.save("k", _draft(f"more {n}"))
    store.discard("k")   # Save or Cancel: after every write of it, never overtaken by one
    assert store.pending() == []
    assert not list(tmp_path.glob("*.json"))


def test_removing_an_account_deletes_drafts_still_being_written(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save("a", _draft("kept"))
    store.save("b", Draft(account_id="demo:clover", account_name="Clover (demo)", values={"note": "other"}))
    deleted = store.discard_account("demo:square")
    assert [p.name for p in deleted] == ["a.json"] and not (tmp_path / "a.json").exists()
    assert [key for key, _ in store.pending()] == ["b"]
