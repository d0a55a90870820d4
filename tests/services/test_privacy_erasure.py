"""Erasing a person across all five emulators: deleted at each (Digital River told first that they asked
to be forgotten), gone from the workspace, drafts and journal (the chain still verifying), the receipt
kept with digests of the identifiers; a provider down leaves the request incomplete and a resume finishes
it without sending anything twice."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from console.domain.jobs import OpKind, PlannedOp
from console.domain.journal import JournalQuery
from console.services.context import AppContext
from console.services.drafts import Draft
from console.services.jobs import JobStore
from console.services.journal_revert import revertible
from console.services.privacy_accounts import RequestSessions
from console.services.privacy_erasure import erase, preview, production_accounts
from console.services.privacy_receipt import receipt_html
from console.services.privacy_requests import (
    ACCESS,
    ERASURE,
    LOCAL,
    Action,
    PrivacyRequest,
    PrivacyRequests,
    digest,
)
from console.services.privacy_search import Person, find_person
from console.services.settings import AccountSettings
from console.services.start_snapshot import StartSnapshot, encode_snapshot
from console.store.duplicate_scans import read_scan, save_scan
from console.store.journal_redaction import redactions
from console.store.tables import customers as customers_table
from console.store.tables import journal as journal_table
from tests.services.privacy_people import ADA, ADAM, plant, privacy_context

PERSON = Person(email=ADA["email"], name="Ada Quillfeather")


async def _stored(context: AppContext) -> tuple[str, list[tuple[str, str]]]:
    """The journal's stored text, and the workspace's (account, customer) rows."""
    workspace = context.workspace

    def read(connection: object) -> tuple[str, list[tuple[str, str]]]:
        text = "\n".join(f"{r.body} {r.customer_name}" for r in connection.execute(  # type: ignore[attr-defined]
            sa.select(journal_table.c.body, journal_table.c.customer_name)))
        rows = [tuple(r) for r in connection.execute(  # type: ignore[attr-defined]
            sa.select(customers_table.c.account_id, customers_table.c.customer_id))]
        return text, rows  # type: ignore[return-value]
    return await workspace._run(lambda: workspace._read(read))


async def test_an_erasure_removes_the_person_everywhere_and_the_chain_still_verifies(tmp_path: Path) -> None:
    context = await privacy_context(tmp_path)
    sessions = RequestSessions(context)
    store = PrivacyRequests(context.workspace)
    try:
        ada, adam = await plant(sessions, ADA), await plant(sessions, ADAM)
        context.drafts.save("d1", Draft(account_id="demo:square", account_name="Square", customer_id=ada["square"].id,
                                        values={"note": "typing"}))
        context.drafts.save("d2", Draft(account_id="demo:clover", account_name="Clover",
                                        values={"email": ADA["email"]}))
        context.drafts.save("d3", Draft(account_id="demo:clover", account_name="Clover", values={"email": "x@y.org"}))
        jobs = JobStore(context.workspace, "Ada L.")   # a bulk change that once gave Ada a note
        await jobs.create("Notes", "demo:square", "square", [
            PlannedOp(OpKind.UPDATE, ada["square"].id, {"note": "prefers Tuesdays"}, label="Ada Quillfeather"),
            PlannedOp(OpKind.UPDATE, adam["square"].id, {"note": "prefers Fridays"}, label="Adam Quillfeather")])
        workspace = context.workspace   # a kept duplicate scan holds Ada's normalised email and phone
        await workspace._run(lambda: workspace._write(
            lambda c: save_scan(c, ["demo:square"], datetime.now(UTC), f"{ADA['email']}".encode())))
        for account_id, name in (("demo:square", "Ada Quillfeather"), ("demo:clover", "Adam Quillfeather")):
            workspace.keep_start_view(account_id, encode_snapshot(StartSnapshot(   # the next start's first rows
                account_id=account_id, account_label="", account_name="", environment="demo", geometry="",
                columns=("Name",), header_state="", rows=((name,),))))
        result = await find_person(PERSON, sessions.accounts, sessions, context.workspace)
        access = PrivacyRequest.start(ACCESS, result, result.records, "Ada L.")
        access.actions.append(Action("export", "done"))
        await store.save(access)
        request = PrivacyRequest.start(ERASURE, result, result.records, "Ada L.")
        shown = {p.record.provider: p for p in preview(request, sessions.accounts)}
        assert shown["Digital River"].steps[0].startswith("record the request to be forgotten")
        assert shown["Authorize.net"].steps == ("delete the customer, with its payment profiles and shipping "
                                                "addresses",)
        assert all("cannot erase" in p.cannot[0] and p.refused is None for p in shown.values())
        request = await erase(context, request, sessions.accounts, sessions, store)
        text, rows = await _stored(context)
        history = await context.journal.entries(JournalQuery(customer=("demo:square", ada["square"].id)))
        planned = "\n".join([op.planned.label + str(op.planned.values) for job in await jobs.unfinished()
                             for op in await jobs.operations(job.id)])
        earlier = await store.load(access.id)
        check = await context.journal.verify()
        saved = await store.load(request.id)
        scan = await workspace._run(lambda: workspace._read(lambda c: read_scan(c, ["demo:square"])))
        views = await workspace.start_views()
    finally:
        await sessions.aclose()
        await context.workspace.close()
    assert request.state == "complete"
    for key, customer in ada.items():
        assert context.demo.emulator(key).customer(customer.id) is None, key
        assert context.demo.emulator(key).customer(adam[key].id) is not None, key
    river = [r for r in context.demo.emulator("digital-river").requests if ada["digital-river"].id in r.path]
    forget = next(n for n, r in enumerate(river) if r.method == "POST" and r.json().get("requestToBeForgotten"))
    assert river[-1].method == "DELETE" and forget < len(river) - 1
    assert not {(a, c) for a, c in rows if c in {x.id for x in ada.values()}}
    assert {c for _a, c in rows} >= {x.id for x in adam.values()}
    assert [key for key, _draft in context.drafts.pending()] == ["d3"]
    assert scan is None
    assert list(views) == ["demo:clover"]   # the view that showed Ada went; Adam's stays
    assert ADA["email"] not in text and "Quillfeather" in text   # Adam keeps his history
    assert "Ada Quillfeather" not in text and "[erased]" in text
    assert check.intact
    assert [e.intent.operation for e in history] == ["delete", "create"]   # History keeps the facts
    assert all("privacy request" in (revertible(e) or "") for e in history)   # nothing to re-create from
    assert "Tuesdays" not in planned and "Ada Quillfeather" not in planned and "Fridays" in planned
    assert earlier is not None and earlier.hashed and earlier.identifiers["email"] == digest(ADA["email"])
    assert saved is not None and saved.state == "complete" and saved.hashed
    assert saved.identifiers == {"email": digest(ADA["email"]), "name": digest("Ada Quillfeather")}
    assert ADA["email"] not in json.dumps(saved.document())
    assert {(a.account_id, a.customer_id) for a in saved.actions if a.what == LOCAL} == {r.key for r in saved.records}


async def test_a_provider_down_leaves_it_incomplete_and_a_resume_sends_nothing_twice(tmp_path: Path) -> None:
    down: set[str] = set()
    context = await privacy_context(tmp_path, down=down)
    sessions = RequestSessions(context)
    store = PrivacyRequests(context.workspace)
    try:
        ada = await plant(sessions, ADA)
        result = await find_person(PERSON, sessions.accounts, sessions, context.workspace)
        request = PrivacyRequest.start(ERASURE, result, result.records, "Ada L.")
        down.add("clover")
        request = await erase(context, request, sessions.accounts, sessions, store)
        assert request.state == "incomplete" and not request.hashed
        [left] = [r for r in request.records if not request.erased(r)]
        assert left.provider == "Clover" and context.demo.emulator("clover").customer(ada["clover"].id)
        failed = [a for a in request.actions if a.outcome == "failed"]
        assert [(a.what, a.customer_id) for a in failed] == [("delete", ada["clover"].id)] and failed[0].detail
        square = context.demo.emulator("square")
        square.clear_log()
        down.clear()
        resumed = await erase(context, await store.load(request.id) or request, sessions.accounts, sessions, store)
        check = await context.journal.verify()
        with_redactions = await context.workspace._run(lambda: context.workspace._read(redactions, request.id))
    finally:
        await sessions.aclose()
        await context.workspace.close()
    assert resumed.state == "complete" and resumed.hashed and check.intact
    assert context.demo.emulator("clover").customer(ada["clover"].id) is None
    assert square.requests == []   # Square's delete was done: nothing sent there again
    assert len(with_redactions) == 2   # the first run's four accounts, then Clover's


async def test_a_read_only_account_is_refused_and_a_production_one_waits_for_its_confirmation(tmp_path: Path) -> None:
    context = await privacy_context(tmp_path)
    sessions = RequestSessions(context)
    store = PrivacyRequests(context.workspace)
    try:
        ada = await plant(sessions, ADA)
        square, clover = (next(a for a in sessions.accounts if a.info.key == key) for key in ("square", "clover"))
        result = await find_person(PERSON, sessions.accounts, sessions, context.workspace)
        ticked = [r for r in result.records if r.account_id in (square.id, clover.id)]
        request = PrivacyRequest.start(ERASURE, result, ticked, "Ada L.")
        read_only = replace(square, settings=AccountSettings(id=square.id, provider="square", name=square.name,
                                                             read_only=True))
        live = replace(clover, environment="production")
        accounts = [read_only, live]
        shown = {p.record.account_id: p for p in preview(request, accounts)}
        assert "read-only" in (shown[square.id].refused or "") and not shown[square.id].steps
        assert production_accounts(request, accounts) == [live]
        request = await erase(context, request, accounts, sessions, store)
        refused = {(a.account_id, a.detail.split(":")[0]) for a in request.actions if a.outcome == "refused"}
        assert refused == {(square.id, "the account is read-only"),
                           (clover.id, "the production account was not confirmed for changes")}
        assert context.demo.emulator("clover").customer(ada["clover"].id) is not None
        context.confirmations.record(clover.id)   # as the window's question naming it does
        request = await erase(context, request, accounts, sessions, store)
    finally:
        await sessions.aclose()
        await context.workspace.close()
    assert context.demo.emulator("clover").customer(ada["clover"].id) is None
    assert context.demo.emulator("square").customer(ada["square"].id) is not None
    assert request.state == "incomplete" and not request.hashed
    assert "the account is read-only" in receipt_html(request)
