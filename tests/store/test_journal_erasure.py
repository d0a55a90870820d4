"""Redacting a person from the journal (issue 21): their values become the marker, everything else of
the entries stays, the chain still verifies, a change made after the redaction is still named, and the
redaction record says which records were redacted under which request."""

from __future__ import annotations

import sqlalchemy as sa

from console.domain.journal import Finish, JournalQuery, Outcome
from console.store import journal
from console.store.engine import Workspace
from console.store.journal_redaction import MARKER, redact, redactions
from console.store.tables import journal as journal_table
from tests.store.conftest import at
from tests.store.test_journal import _intent


def _history(workspace: Workspace) -> None:
    """Ada (C1) created, edited and deleted; Tom (C2) edited in between."""
    with workspace.write() as connection:
        [create] = journal.record_intents(connection, [_intent(1, operation="create", customer_id=None,
                                                               customer_name="Ada Quill")], at(0))
        journal.record_finish(connection, create, Finish(Outcome.SUCCEEDED, customer_id="C1"), at(1))
        [edit] = journal.record_intents(connection, [_intent(1, customer_name="Ada Quill")], at(2))
        journal.record_finish(connection, edit, Finish(Outcome.FAILED, error="new1@example.com is taken"), at(3))
        [other] = journal.record_intents(connection, [_intent(2)], at(4))
        journal.record_finish(connection, other, Finish(Outcome.SUCCEEDED), at(5))
        [delete] = journal.record_intents(connection, [_intent(
            1, operation="delete", customer_name="Ada Quill", changes=(),
            snapshot={"id": "C1", "email": "new1@example.com", "address": {"city": "Leeds"}, "vip": True})], at(6))
        journal.record_finish(connection, delete, Finish(Outcome.SUCCEEDED), at(7))


def _stored_text(workspace: Workspace) -> str:
    with workspace.read() as connection:
        rows = connection.execute(sa.select(journal_table.c.body, journal_table.c.customer_name)).all()
    return "\n".join(f"{row.body} {row.customer_name}" for row in rows)


def test_a_redacted_journal_verifies_and_keeps_the_facts_but_not_the_values(workspace: Workspace) -> None:
    _history(workspace)
    with workspace.write() as connection:
        redacted = redact(connection, [("demo:square", "C1")], "REQ1", "ada", at(10))
    assert len(redacted) == 6   # create, edit and delete: each intent and outcome
    text = _stored_text(workspace)
    assert "Ada Quill" not in text and "new1@example.com" not in text and "old1@example.com" not in text
    assert "Leeds" not in text and "new2@example.com" in text   # Tom's entry untouched
    with workspace.read() as connection:
        check = journal.verify(connection)
        assert check.intact and check.checked == 9   # 8 records and the redaction record
        entries = journal.entries(connection, JournalQuery(customer=("demo:square", "C1")))
        assert [(e.intent.operation, e.outcome, e.intent.customer_name) for e in entries] == [
            ("delete", Outcome.SUCCEEDED, MARKER), ("update", Outcome.FAILED, MARKER),
            ("create", Outcome.SUCCEEDED, MARKER)]
        assert entries[1].error == f"{MARKER} is taken"
        assert entries[1].intent.changes[0].field == "email" and entries[1].intent.changes[0].after == MARKER
        assert entries[0].intent.snapshot == {"id": MARKER, "email": MARKER, "address": {"city": MARKER},
                                              "vip": True}
        [record] = redactions(connection, "REQ1")
        assert record["who"] == "ada" and record["records"] == redacted
        assert journal.count(connection, JournalQuery()) == 4   # History lists no redaction record


def test_a_change_after_the_redaction_is_still_named(workspace: Workspace) -> None:
    _history(workspace)
    with workspace.write() as connection:
        redact(connection, [("demo:square", "C1")], "REQ1", "ada", at(10))
        seq = connection.execute(sa.select(journal_table.c.seq).where(
            journal_table.c.operation == "delete", journal_table.c.kind == "intent")).scalar_one()
        connection.execute(sa.update(journal_table).where(journal_table.c.seq == seq)
                           .values(customer_name="Someone else"))
    with workspace.read() as connection:
        check = journal.verify(connection)
    assert check.first_bad == seq and "changed" in check.reason


def test_an_unredacted_record_changed_is_named_too(workspace: Workspace) -> None:
    _history(workspace)
    with workspace.write() as connection:
        redact(connection, [("demo:square", "C1")], "REQ1", "ada", at(10))
        seq = connection.execute(sa.select(journal_table.c.seq).where(
            journal_table.c.customer_id == "C2", journal_table.c.kind == "intent")).scalar_one()
        connection.execute(sa.update(journal_table).where(journal_table.c.seq == seq).values(who="mallory"))
    with workspace.read() as connection:
        assert journal.verify(connection).first_bad == seq


def test_nothing_journaled_about_the_person_adds_no_redaction_record(workspace: Workspace) -> None:
    _history(workspace)
    with workspace.write() as connection:
        assert redact(connection, [("demo:clover", "C1")], "REQ2", "ada", at(10)) == []
        assert redactions(connection) == []
        assert journal.verify(connection).checked == 8
