"""An access request's answer (issue 21): one folder for the person with a JSON of every ticked record
(every field the provider returned, cards masked), a readable HTML summary (one section per account,
with the journal's entries about the records) and a manifest of each file's SHA-256.

Each file is written atomically, readable by the user alone, in a folder only they can open.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from console.domain.card_numbers import mask_card_numbers_in
from console.domain.customer import Customer
from console.domain.journal import JournalEntry, JournalQuery
from console.services.accounts import Account
from console.services.atomic_file import write_atomic
from console.services.history_rows import NOTHING, changes_text, local_time, operation_text, outcome_text
from console.services.journal import Journal
from console.services.privacy_search import FoundRecord, Person
from console.services.private_files import make_private_dir

RECORDS, SUMMARY, MANIFEST = "records.json", "summary.html", "manifest.json"
_CUSTOMER = TypeAdapter(Customer)
# The journal entries read about one record (a person's own history is short; this bounds a runaway one).
MOST_ENTRIES = 1_000


@dataclass(frozen=True, slots=True)
class AccessExport:
    """The folder written, and the SHA-256 of each file in it (the manifest's content)."""

    folder: Path
    digests: dict[str, str]


def customer_data(customer: Customer) -> dict[str, Any]:
    """Every field of the record as JSON values, card numbers in free text masked (cards are masked already)."""
    return mask_card_numbers_in(_CUSTOMER.dump_python(customer, mode="json", exclude_defaults=True))


async def history_of(journal: Journal | None,
                     records: Sequence[FoundRecord]) -> dict[tuple[str, str], list[JournalEntry]]:
    """The journal's entries about each record, oldest first (none when no journal is kept)."""
    if journal is None or not journal.available:
        return {}
    found = {}
    for record in records:
        entries = await journal.entries(JournalQuery(customer=record.key), limit=MOST_ENTRIES)
        found[record.key] = list(reversed(entries))
    return found


async def write_access_export(parent: Path, request_id: str, person: Person, records: Sequence[FoundRecord],
                              accounts: Sequence[Account], journal: Journal | None = None) -> AccessExport:
    """Write the person's folder under `parent`; returns it with its files' digests."""
    now = datetime.now(UTC)
    folder = parent / f"privacy-access-{now:%Y%m%d-%H%M%S}-{request_id[:8]}"
    named = {account.id: account for account in accounts}
    history = await history_of(journal, records)
    texts = {
        RECORDS: json.dumps(_records_json(request_id, person, records, named, now), indent=2, ensure_ascii=False),
        SUMMARY: _summary_html(person, records, named, history, now),
    }
    digests = {name: hashlib.sha256(text.encode()).hexdigest() for name, text in texts.items()}
    texts[MANIFEST] = json.dumps({"request": request_id, "written_at": now.isoformat(), "algorithm": "SHA-256",
                                  "files": digests}, indent=2)
    await asyncio.to_thread(_write_folder, folder, texts)   # off the event loop: the disk may be slow
    return AccessExport(folder, digests)


def _write_folder(folder: Path, texts: dict[str, str]) -> None:
    make_private_dir(folder)
    for name, text in texts.items():
        write_atomic(folder / name, text)


def _account_json(account: Account | None, account_id: str) -> dict[str, Any]:
    if account is None:
        return {"id": account_id}
    return {"id": account.id, "name": account.name, "provider": account.info.display_name,
            "environment": account.environment}


def _records_json(request_id: str, person: Person, records: Sequence[FoundRecord], named: dict[str, Account],
                  now: datetime) -> dict[str, Any]:
    return {"request": request_id, "written_at": now.isoformat(), "person": person.identifiers(),
            "records": [{"account": _account_json(named.get(r.account_id), r.account_id),
                         "matched_by": list(r.reasons), "record": customer_data(r.customer)} for r in records]}


def _when(at: datetime | None) -> str:
    return local_time(at) if at is not None else "not given by the provider"


def _summary_html(person: Person, records: Sequence[FoundRecord], named: dict[str, Account],
                  history: dict[tuple[str, str], list[JournalEntry]], now: datetime) -> str:
    e = html.escape
    who = ", ".join(f"{key}: {value}" for key, value in person.identifiers().items())
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>What we hold about you</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}</style></head><body>",
             "<h1>What we hold about you</h1>",
             f"<p>Records found for {e(who)}, written {e(local_time(now))}. The file {RECORDS} holds each "
             "record whole, as the provider returned it; card numbers are shown masked.</p>"]
    by_account: dict[str, list[FoundRecord]] = {}
    for record in records:
        by_account.setdefault(record.account_id, []).append(record)
    for account_id, held in by_account.items():
        account = named.get(account_id)
        title = f"{account.name} — {account.info.display_name}" if account else account_id
        parts.append(f"<h2>{e(title)}</h2>")
        for record in held:
            parts += _record_html(record, history.get(record.key, []))
    if not records:
        parts.append("<p>No records were found.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _address(address: dict[str, Any]) -> str:
    parts = [address.get(key) for key in ("line1", "line2", "line3", "city", "state", "postal_code", "country")]
    return ", ".join(str(part) for part in parts if part)


def _record_html(record: FoundRecord, entries: list[JournalEntry]) -> list[str]:
    e = html.escape
    customer = record.customer
    rows = [("Record id", customer.id), ("Name", customer.full_name or NOTHING),
            ("Created", _when(customer.created_at)), ("Last changed", _when(customer.updated_at)),
            ("Matched by", "; ".join(record.reasons))]
    fields = customer_data(customer)
    for key in ("email", "phone", "company", "note"):
        if key in fields:
            rows.append((key.capitalize(), str(fields[key])))
    if "address" in fields:
        rows.append(("Address", _address(fields["address"])))
    for n, card in enumerate(fields.get("payment_methods", ()), start=1):
        expiry = f", expires {card['exp_month']}/{card['exp_year']}" if card.get("exp_year") else ""
        rows.append((f"Card {n}", f"{card.get('brand') or card.get('kind', 'card')} ending "
                                  f"{card.get('last4') or '…'}{expiry}"))
    out = [f"<h3>{e(customer.display_name or customer.id)}</h3>", "<table>"]
    out += [f"<tr><th>{e(label)}</th><td>{e(str(value))}</td></tr>" for label, value in rows]
    out.append("</table>")
    if entries:
        out.append("<p>Changes we made to this record:</p><table><tr><th>When</th><th>Who</th><th>What</th>"
                   "<th>Changes</th><th>Outcome</th></tr>")
        out += [f"<tr><td>{e(local_time(entry.at))}</td><td>{e(entry.intent.who)}</td>"
                f"<td>{e(operation_text(entry))}</td><td>{e(changes_text(entry, None) or NOTHING)}</td>"
                f"<td>{e(outcome_text(entry))}</td></tr>" for entry in entries]
        out.append("</table>")
    else:
        out.append("<p>No changes to this record were made from Customer Console.</p>")
    return out
