"""Finding a person for a privacy request: live at all five emulators and in the workspace copy,
each record with why it matched, an account that cannot be reached listed as not searched."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.domain.customer import Customer
from console.services.privacy_accounts import RequestSessions
from console.services.privacy_search import Person, find_person, reasons
from tests.services.privacy_people import ADA, ADAM, plant, privacy_context


async def test_a_person_is_found_at_every_account_and_none_of_a_similar_name(tmp_path: Path) -> None:
    context = await privacy_context(tmp_path)
    sessions = RequestSessions(context)
    try:
        ada = await plant(sessions, ADA)
        await plant(sessions, ADAM)
        person = Person(email="ADA.Quillfeather@example.com", phone="(415) 555-0199", name="Ada Quillfeather")
        result = await find_person(person, sessions.accounts, sessions, context.workspace)
    finally:
        await sessions.aclose()
        await context.workspace.close()
    assert result.complete and not result.not_searched
    found = {(r.account_id.removeprefix("demo:"), r.customer.id) for r in result.records}
    assert found == {(key, customer.id) for key, customer in ada.items()}
    assert all(r.reasons and r.live for r in result.records)
    square = next(r for r in result.records if r.customer.id == ada["square"].id)
    assert square.reasons == ("email ADA.Quillfeather@example.com", "phone +14155550199", "name Ada Quillfeather")
    hows = {a.account.info.key: a.how for a in result.accounts}
    assert hows["square"].startswith("read all") and "name" in hows["square"]
    assert hows["clover"] == "asked Clover for the email, phone and name"


async def test_by_email_alone_the_providers_lookups_are_used_and_the_local_copy_too(tmp_path: Path) -> None:
    context = await privacy_context(tmp_path)
    sessions = RequestSessions(context)
    try:
        ada = await plant(sessions, ADA)   # the creates saved each into the workspace
        square = next(a for a in sessions.accounts if a.info.key == "square")
        # Gone at Square since, while the local copy still holds it: found, marked as the local copy's.
        await (await sessions.session(square)).provider.delete(ada["square"])
        result = await find_person(Person(email=ADA["email"]), sessions.accounts, sessions, context.workspace)
    finally:
        await sessions.aclose()
        await context.workspace.close()
    hows = {a.account.info.key: a.how for a in result.accounts}
    assert hows["square"] == "asked Square for the email"
    assert hows["payarc"].startswith("read all")   # PayArc has no lookup
    [local] = [r for r in result.records if r.account_id == square.id]
    assert (local.customer.id, local.live) == (ada["square"].id, False)


async def test_an_account_that_cannot_be_reached_is_not_searched_until_waived(tmp_path: Path) -> None:
    context = await privacy_context(tmp_path)
    sessions = RequestSessions(context)
    try:
        context.demo.emulator("payarc").fail_next("500", count=50)
        result = await find_person(Person(email=ADA["email"]), sessions.accounts, sessions)
    finally:
        await sessions.aclose()
        await context.workspace.close()
    [down] = result.not_searched
    assert down.account.info.key == "payarc" and down.how and not result.complete
    with pytest.raises(ValueError):
        result.waive(down.account.id, "  ")
    result.waive(down.account.id, "PayArc account closed in 2025; no customers left there")
    assert result.complete and down.waived


def test_reasons_normalise_as_the_duplicate_finder_does() -> None:
    customer = Customer(id="1", given_name="Élodie", family_name="Chevalier", email="Elodie.Chevalier@Example.com",
                        phone="617-555-0161")
    assert reasons(customer, Person(email="elodie.chevalier@example.com", phone="+1 (617) 555 0161",
                                    name="chevalier elodie")) == (
        "email elodie.chevalier@example.com", "phone +16175550161", "name chevalier elodie")
    assert reasons(customer, Person(email="elodie@example.com", name="Elodie Chevallier")) == ()
