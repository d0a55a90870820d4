"""What History asks of the journal beyond the filters: a save's entries, paging on from a page's last
entry, the text filter finding a create by its new id without joining, and a broken record named."""

from __future__ import annotations

import sqlalchemy as sa

from console.domain.journal import Finish, JournalQuery, Outcome
from console.store import journal
from console.store.engine import Workspace
from console.store.tables import journal as journal_table
from tests.store.conftest import at
from tests.store.test_journal import _intent


def _fill(workspace: Workspace) -> None:
    with workspace.write() as connection:
        for n in range(9):
            [entry_id] = journal.record_intents(connection, [_intent(n, group_id=f"save{n // 3}")], at(n))
            journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED), at(n))
        [entry_id] = journal.record_intents(connection, [_intent(9, operation="create", customer_id=None,
                                                                 customer_name="Newcomer")], at(9))
        journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED, customer_id="NEW-77"), at(9))


def test_a_saves_entries_and_pages_that_go_on_from_the_last_entry(workspace: Workspace) -> None:
    _fill(workspace)
    with workspace.read() as connection:
        save = journal.entries(connection, JournalQuery(group_id="save1"))
        assert [e.intent.customer_id for e in save] == ["C5", "C4", "C3"]
        first = journal.entries(connection, JournalQuery(), limit=4)
        rest = journal.entries(connection, JournalQuery(before=first[-1].seq), limit=100)
        assert [e.customer_id for e in first + rest] == ["NEW-77", *(f"C{n}" for n in range(8, -1, -1))]
        assert journal.count(connection, JournalQuery(before=first[-1].seq)) == 6


def test_the_text_filter_finds_a_create_by_the_id_its_outcome_gave(workspace: Workspace) -> None:
    _fill(workspace)
    with workspace.read() as connection:
        for text in ("new-77", "NEW-7", "newcomer"):
            [entry] = journal.entries(connection, JournalQuery(text=text))
            assert entry.customer_id == "NEW-77" and journal.count(connection, JournalQuery(text=text)) == 1
        assert journal.count(connection, JournalQuery(text="person 1")) == 1
        assert journal.staff(connection) == ["ada"]


def test_verify_names_the_broken_records_entry_time_author_and_customer(workspace: Workspace) -> None:
    _fill(workspace)
    with workspace.write() as connection:
        outcome = connection.execute(sa.select(journal_table).where(journal_table.c.kind == "outcome")
                                     .order_by(journal_table.c.seq).offset(2).limit(1)).one()
        connection.execute(sa.update(journal_table).where(journal_table.c.seq == outcome.seq)
                           .values(body=outcome.body.replace("succeeded", "failed")))
    with workspace.read() as connection:
        check = journal.verify(connection)
    assert check.first_bad == outcome.seq
    assert check.details == {"record_id": outcome.record_id, "entry_id": outcome.entry_id, "kind": "outcome",
                             "at": at(2), "who": "ada", "customer_id": "C2", "customer_name": "Person 2"}
