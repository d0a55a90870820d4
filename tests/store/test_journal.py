"""The journal's records: chained, read back as entries with their outcomes, filtered and paged,
and any change to a record found by re-computing the chain."""

from __future__ import annotations

import sqlalchemy as sa

from console.domain.journal import FieldChange, Finish, Intent, JournalQuery, Outcome
from console.store import journal
from console.store.engine import Workspace
from console.store.tables import journal as journal_table
from tests.store.conftest import at


def _intent(n: int, **fields: object) -> Intent:
    values: dict[str, object] = {
        "account_id": "demo:square", "provider": "square", "operation": "update", "who": "ada",
        "os_user": "ada", "computer": "desk-1", "customer_id": f"C{n}", "customer_name": f"Person {n}",
        "changes": (FieldChange("email", f"old{n}@example.com", f"new{n}@example.com"),)}
    values.update(fields)
    return Intent(**values)  # type: ignore[arg-type]


def test_an_intent_reads_back_in_doubt_until_its_outcome_is_written(workspace: Workspace) -> None:
    with workspace.write() as connection:
        [entry_id] = journal.record_intents(connection, [_intent(1)], at(0))
    with workspace.read() as connection:
        [entry] = journal.entries(connection, JournalQuery())
        assert entry.outcome is Outcome.IN_DOUBT and entry.intent.changes[0].before == "old1@example.com"
        assert [e.entry_id for e in journal.in_doubt(connection, "demo:square")] == [entry_id]
    with workspace.write() as connection:
        journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED), at(1))
    with workspace.read() as connection:
        [entry] = journal.entries(connection, JournalQuery())
        assert entry.outcome is Outcome.SUCCEEDED and entry.finished_at == at(1)
        assert journal.in_doubt(connection, "demo:square") == []
        assert journal.verify(connection).intact and journal.verify(connection).checked == 2


def test_a_creates_new_id_comes_with_its_outcome_and_finds_its_history(workspace: Workspace) -> None:
    with workspace.write() as connection:
        [entry_id] = journal.record_intents(connection, [_intent(1, operation="create", customer_id=None)], at(0))
        journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED, customer_id="NEW"), at(1))
    with workspace.read() as connection:
        [entry] = journal.entries(connection, JournalQuery(customer=("demo:square", "NEW")))
        assert entry.customer_id == "NEW" and entry.intent.customer_id is None


def test_filters_combine_and_pages_come_newest_first(workspace: Workspace) -> None:
    with workspace.write() as connection:
        for n in range(30):
            ids = journal.record_intents(connection, [_intent(
                n, who="ada" if n % 2 else "tom", account_id="demo:clover" if n % 3 == 0 else "demo:square",
                operation="delete" if n % 5 == 0 else "update")], at(n))
            journal.record_finish(connection, ids[0], Finish(Outcome.SUCCEEDED), at(n))
    with workspace.read() as connection:
        assert journal.count(connection, JournalQuery()) == 30
        page = journal.entries(connection, JournalQuery(), offset=5, limit=10)
        assert [e.intent.customer_id for e in page] == [f"C{n}" for n in range(24, 14, -1)]
        toms = journal.entries(connection, JournalQuery(who="tom", account_id="demo:square", operation="update"))
        assert [e.intent.customer_id for e in toms] == [f"C{n}" for n in (28, 26, 22, 16, 14, 8, 4, 2)]
        assert journal.count(connection, JournalQuery(text="person 1")) == 11   # 1, 10–19
        assert journal.count(connection, JournalQuery(since=at(10), until=at(20))) == 10
        assert journal.staff(connection) == ["ada", "tom"]
        # A few matches are found through the filters' index and sorted: the same page, in the same order.
        for query in (JournalQuery(who="tom", account_id="demo:square", operation="update"),
                      JournalQuery(account_id="demo:clover", who="ada"), JournalQuery(account_id="demo:clover")):
            matches = journal.count(connection, query)
            for offset in (0, 2):
                assert journal.entries(connection, query, offset=offset, limit=3, matches=matches) == \
                    journal.entries(connection, query, offset=offset, limit=3)


def test_verify_names_the_first_record_changed_removed_or_reordered(workspace: Workspace) -> None:
    with workspace.write() as connection:
        for n in range(5):
            [entry_id] = journal.record_intents(connection, [_intent(n)], at(n))
            journal.record_finish(connection, entry_id, Finish(Outcome.SUCCEEDED), at(n))
    with workspace.read() as connection:
        assert journal.verify(connection).intact
        seqs = list(connection.execute(sa.select(journal_table.c.seq).order_by(journal_table.c.seq)).scalars())

    # Someone edits a record's body in the database directly: the email it says was there before.
    with workspace.write() as connection:
        body = connection.execute(sa.select(journal_table.c.body).where(journal_table.c.seq == seqs[4])).scalar_one()
        connection.execute(sa.update(journal_table).where(journal_table.c.seq == seqs[4])
                           .values(body=body.replace("old2@example.com", "forged@example.com")))
    with workspace.read() as connection:
        check = journal.verify(connection)
        assert (check.first_bad, check.checked) == (seqs[4], 4) and "changed" in check.reason

    # Put back, then remove a record instead: the one after it no longer links.
    with workspace.write() as connection:
        connection.execute(sa.update(journal_table).where(journal_table.c.seq == seqs[4]).values(body=body))
        assert journal.verify(connection).intact
        connection.execute(sa.delete(journal_table).where(journal_table.c.seq == seqs[6]))
    with workspace.read() as connection:
        check = journal.verify(connection)
        assert check.first_bad == seqs[7] and "link" in check.reason


def test_an_entry_names_the_database_login_that_wrote_it_on_a_team_server_only(workspace: Workspace,
                                                                               engine_name: str) -> None:
    with workspace.write() as connection:
        journal.record_intents(connection, [_intent(1)], at(0))
    with workspace.read() as connection:
        [entry] = journal.entries(connection, JournalQuery())
    assert entry.db_role == ("postgres" if engine_name == "postgresql" else None)   # a local file has no logins
