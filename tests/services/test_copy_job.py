"""Copy to another account as a job, against the demo emulators: the creates linked to the customers
they copy (journaled as `copied_from`), the refused ones skipped with their reason, the dry run sending
nothing, and the report of what arrived, whose counts add up and which names what did not arrive."""

from __future__ import annotations

from dataclasses import replace

from console.domain.capabilities import FieldKind
from console.domain.changes import CustomerChanges
from console.domain.jobs import OpState, source_link, split_source
from console.services.copy_job import CopyReport, Outcome, copy_report, dry_run, make_copy_job, same
from console.services.customer_copy import plan_copy
from console.services.jobs import JobRunner, JobStore
from console.services.journal import Journal
from console.services.rate_limits import Budget, RateLimiter
from tests.services.conftest import JournalWatch, OpenDemo


async def test_a_copy_job_links_each_create_and_its_report_adds_up(open_demo: OpenDemo, journal: Journal) -> None:
    payarc, square = await open_demo("payarc"), await open_demo("square", customers=5)
    await payarc.service.load()
    account = square.session.account
    square.service.journal = journal.for_account(account.id, account.name, account.info.key)
    items = plan_copy(list(payarc.service.index)[:4], payarc.service.capabilities, square.service.capabilities)
    assert all(item.can_copy for item in items)
    # One the target refuses whatever is sent; one Square refuses when sent, alone in its bulk call (its
    # idempotency key was used before for another customer, so Square will not make a second).
    items[2] = replace(items[2], problem="Square needs a name, and there is nothing to put there.")
    store, watch = JobStore(journal.workspace, "ada"), JournalWatch(journal)
    source_account = payarc.session.account.id
    job_id = await make_copy_job(store, "Copy", square.session, items, source_account)
    last = (await store.operations(job_id))[3]
    await square.session.provider.create(CustomerChanges(values={"given_name": "Someone else"}),
                                         idempotency_key=last.idempotency_key)
    runner = JobRunner(store, square.service, limiter=RateLimiter(Budget(per_second=1000, at_once=1)))
    job = await runner.run(job_id)
    assert job.counts == {"done": 2, "failed": 1, "skipped": 1}
    ops = await store.operations(job_id)
    assert [split_source(op.planned.source or "") for op in ops] == [(source_account, i.source.id) for i in items]
    assert ops[2].error == items[2].problem and ops[0].planned.left_behind == tuple(
        f"{b.what}: {b.reason}" for b in items[0].left_behind)

    # The journal links each create to the customer it copies.
    created = {x.intent.copied_from: x.customer_id for x in await watch.new() if x.intent.operation == "create"}
    assert created[source_link(source_account, items[0].source.id)] == ops[0].result_id
    assert created[source_link(source_account, items[1].source.id)] == ops[1].result_id

    # Someone changes a created customer's email at Square before the report reads it back.
    changed = square.emulator._customers[ops[1].result_id or ""]
    changed["email_address"] = "someone.else@example.com"
    report = await copy_report(ops, square.service)
    outcomes = [row.outcome for row in report.rows]
    assert outcomes == [Outcome.CREATED, Outcome.CREATED, Outcome.NOT_SENT, Outcome.FAILED]
    assert (report.intact, report.differing, report.unread) == (1, 1, 0)
    assert report.rows[1].mismatches == (
        f"Email: sent “{items[1].changes.values['email']}”, arrived “someone.else@example.com”",)
    assert report.summary().startswith("Of 4 customers: 2 created (1 arrived as sent, 1 with differences, "
                                       "0 not read back), 1 failed, 1 not sent")
    assert sum(report.count(o) for o in Outcome) == len(report.rows) == 4


async def test_the_dry_run_refuses_what_the_edit_dialog_would_and_sends_nothing(open_demo: OpenDemo,
                                                                               journal: Journal) -> None:
    payarc, square = await open_demo("payarc"), await open_demo("square", customers=5)
    await payarc.service.load()
    items = plan_copy(list(payarc.service.index)[:3], payarc.service.capabilities, square.service.capabilities)
    # A card number typed into a note: the edit dialog refuses it, so does the dry run.
    items[1] = replace(items[1], changes=CustomerChanges(values={**items[1].changes.values,
                                                                 "note": "card 4111 1111 1111 1111"}))
    square.wire.methods.clear()
    report = dry_run(items, square.service.capabilities)
    assert square.wire.methods == []
    assert [row.outcome for row in report.rows] == [Outcome.WOULD_CREATE, Outcome.REFUSED, Outcome.WOULD_CREATE]
    assert report.rows[1].error is not None and report.rows[1].error.startswith("Note:")
    assert report.rows[0].carried and report.summary().startswith(
        "Dry run, nothing sent. Of 3 customers: 2 would be created, 1 refused")
    # The copy job agrees: the one the dry run refuses is skipped with the same reason, never sent.
    store = JobStore(journal.workspace, "ada")
    job_id = await make_copy_job(store, "Copy", square.session, items, payarc.session.account.id)
    ops = await store.operations(job_id)
    assert [(op.state, op.error) for op in ops] == [(OpState.PENDING, None), (OpState.SKIPPED, report.rows[1].error),
                                                    (OpState.PENDING, None)]
    assert square.wire.methods == []


def test_values_compare_as_providers_keep_them() -> None:
    assert same(FieldKind.PHONE, "+1 212-555-0100", "2125550100")
    assert not same(FieldKind.PHONE, "+1 212-555-0100", "2125550199")
    assert same(None, " Ada  Lovelace", "ada lovelace") and not same(None, "Ada", "Adam")
    assert same(None, {"tier": "Gold"}, {"tier": "gold", "other": "x"}) and not same(None, {"tier": "Gold"}, {})
    assert same(None, "", None) and not same(None, "x", None)


def test_a_job_without_creates_has_nothing_to_read_back() -> None:
    assert CopyReport(()).summary() == "This job creates no customers: there is nothing to read back."
