"""An access export across all five emulators: one private folder with every record planted for the
person (and none of another person's with a similar name), a summary per account with the journal's
entries, and a manifest whose digests are the files'."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from console.domain.changes import CustomerChanges
from console.services.privacy_accounts import RequestSessions
from console.services.privacy_export import MANIFEST, RECORDS, SUMMARY, write_access_export
from console.services.privacy_search import Person, find_person
from tests.services.privacy_people import ADA, ADAM, plant, privacy_context


async def test_an_access_export_holds_every_record_of_the_person_and_no_one_elses(tmp_path: Path) -> None:
    context = await privacy_context(tmp_path / "app")
    sessions = RequestSessions(context)
    try:
        ada = await plant(sessions, ADA)
        adam = await plant(sessions, ADAM)
        square = next(a for a in sessions.accounts if a.info.key == "square")
        await (await sessions.session(square)).service.update(ada["square"], CustomerChanges(values={"note": "VIP"}))
        result = await find_person(Person(email=ADA["email"], name="Ada Quillfeather"), sessions.accounts,
                                   sessions, context.workspace)
        export = await write_access_export(tmp_path / "out", "r" * 32, result.person, result.records,
                                           sessions.accounts, context.journal)
    finally:
        await sessions.aclose()
        await context.workspace.close()
    files = sorted(p.name for p in export.folder.iterdir())
    assert files == sorted([RECORDS, SUMMARY, MANIFEST])
    data = json.loads((export.folder / RECORDS).read_text())
    ids = {(r["account"]["provider"], r["record"]["id"]) for r in data["records"]}
    assert ids == {(a.info.display_name, ada[a.info.key].id) for a in sessions.accounts}
    text = (export.folder / RECORDS).read_text() + (export.folder / SUMMARY).read_text()
    assert all(customer.id not in text for customer in adam.values()) and ADAM["email"] not in text
    summary = (export.folder / SUMMARY).read_text()
    for account in sessions.accounts:
        assert f"<h2>{account.name} — {account.info.display_name}</h2>" in summary
    assert "note: — → VIP" in summary   # the journal's entry about the Square record
    manifest = json.loads((export.folder / MANIFEST).read_text())
    assert manifest["files"] == {name: hashlib.sha256((export.folder / name).read_bytes()).hexdigest()
                                 for name in (RECORDS, SUMMARY)}
    if os.name == "posix":
        assert stat.S_IMODE(export.folder.stat().st_mode) == 0o700
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in export.folder.iterdir())
