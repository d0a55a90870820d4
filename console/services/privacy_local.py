"""What an erasure removes from this computer (issue 21): the workspace rows of the records and the values
of the job operations about them, the edit drafts about them, the start snapshot when it shows them, and
the person's export folder once they have it; and the person's values in the journal, redacted under the
request."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.services.context import AppContext
from console.services.privacy_requests import DONE, FAILED, Action, PrivacyRequest, Ticked
from console.services.start_snapshot import decode_snapshot


def _mentions(text: str, values: Sequence[str]) -> bool:
    folded = text.casefold()
    return any(value.casefold() in folded for value in values if value)


async def remove_local(context: AppContext, request: PrivacyRequest, records: Sequence[Ticked]) -> list[Action]:
    """Remove the local copies of `records` (erased at their providers); one action for each kind of copy."""
    values = [*request.person.identifiers().values(), *(r.customer_id for r in records)]
    actions = [await _workspace_rows(context, records)]
    dropped = [key for key, draft in context.drafts.pending()
               if (draft.account_id, draft.customer_id) in {r.key for r in records}
               or _mentions(repr(draft.values), values)]
    for key in dropped:
        context.drafts.discard(key)
    await asyncio.to_thread(context.drafts.flush)   # gone from the disk before it is reported done
    actions.append(Action("drafts", DONE, detail=f"{len(dropped)} removed"))
    views = await context.workspace.start_views()
    shown = [account_id for account_id, text in views.items()
             if (snapshot := decode_snapshot(text)) is None
             or _mentions(" ".join(" ".join(row) for row in snapshot.rows), values)]
    await context.workspace.forget_start_views(shown)
    actions.append(Action("start snapshot", DONE, detail=f"{len(shown)} removed" if shown else "did not show them"))
    actions.append(await redact_journal(context, request, records))
    return actions


async def _workspace_rows(context: AppContext, records: Sequence[Ticked]) -> Action:
    workspace = context.workspace
    if not workspace.is_open:
        return Action("local copy", DONE, detail="no local copy is kept")

    def remove(connection: Any) -> tuple[int, int]:
        from console.store.customers import remove_customers
        from console.store.duplicate_scans import forget_scans
        from console.store.privacy import redact_job_operations
        forget_scans(connection)   # a kept duplicate scan holds the person's normalised email and phone
        by_account: dict[str, list[str]] = {}
        for record in records:
            by_account.setdefault(record.account_id, []).append(record.customer_id)
        removed = sum(remove_customers(connection, account_id, ids) for account_id, ids in by_account.items())
        return removed, redact_job_operations(connection, [r.key for r in records])
    removed, operations = await workspace._run(lambda: workspace._write(remove))
    return Action("local copy", DONE, detail=f"{removed} row(s) removed (the rest went with their deletes); "
                                             f"values of {operations} job operation(s) about them erased")


async def redact_journal(context: AppContext, request: PrivacyRequest, records: Sequence[Ticked]) -> Action:
    """Replace the person's values in the journal entries about `records` by the marker, under the request."""
    workspace = context.workspace
    if not workspace.is_open:
        return Action("journal", DONE, detail="no journal is kept")

    def redact(connection: Any) -> list[str]:
        from console.store.journal_redaction import redact
        return redact(connection, [r.key for r in records], request.id, context.journal.author.who,
                      datetime.now(UTC))
    try:
        redacted = await workspace._run(lambda: workspace._write(redact))
    except Exception as exc:   # the deletes stand; the receipt says the journal is left to do
        return Action("journal", FAILED, detail=str(exc))
    return Action("journal", DONE, detail=f"{len(redacted)} record(s) redacted")


async def remove_export(request: PrivacyRequest, folder: Path) -> Action:
    """Delete the person's export folder (after they were sent it)."""
    try:
        await asyncio.to_thread(shutil.rmtree, folder)
    except FileNotFoundError:
        pass
    except OSError as exc:
        return Action("export removed", FAILED, detail=exc.strerror or str(exc))
    return Action("export removed", DONE, detail=folder.name)
