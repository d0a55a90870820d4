"""Journaling every write the console makes, in the workspace database (issue 18).

`CustomerService` calls `AccountJournal.intend` before a request is sent (and waits for it to be
on disk: a crash after sending must find the intent) and `finish` after the answer. The values
recorded are the domain model's, before and after, never wire bodies; card data is never among
them (cards are attached through the provider's own form and journaled by their masked label).
"""

from __future__ import annotations

import getpass
import json
import logging
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from console.domain.customer import Customer, PaymentMethod
from console.domain.journal import (
    ChainCheck,
    FieldChange,
    Finish,
    Intent,
    JournalEntry,
    JournalQuery,
    Outcome,
)
from console.services.group_commit import GroupCommit
from console.services.intent_log import LoggedIntent
from console.services.redaction import REDACTOR
from console.services.workspace import LocalWorkspace, WorkspaceClosedError
from console.services.write_records import WriteOp, WriteRecord

if TYPE_CHECKING:
    from concurrent.futures import Future

log = logging.getLogger(__name__)


HISTORY_LOST = "history_lost"   # the journal's own note: the history before it could not be kept


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Author:
    """Who makes the writes of this app session: the staff name if set, the OS user, the computer."""

    os_user: str
    computer: str
    staff: str | None = None

    @property
    def who(self) -> str:
        return self.staff or self.os_user

    @staticmethod
    def here(staff: str | None = None) -> Author:
        try:
            user = getpass.getuser()
        except Exception:   # no login name in this environment (a service account, a container)
            user = "unknown"
        return Author(os_user=user, computer=socket.gethostname(), staff=(staff or "").strip() or None)


def plain(value: Any) -> Any:
    """A value as the journal keeps it: JSON-friendly, cards reduced to their masked label."""
    if isinstance(value, PaymentMethod):
        return value.masked()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def customer_snapshot(customer: Customer) -> dict[str, Any]:
    """The whole customer as the journal keeps it before a delete (to re-create it from), cards masked."""
    from console.store.customers import encode  # the store's JSON of the domain object

    document = json.loads(encode(customer))
    document["payment_methods"] = [plain(m) for m in customer.payment_methods]
    return document


class Journal:
    """The app's journal: one per workspace; `for_account` hands each service its part."""

    def __init__(self, workspace: LocalWorkspace, author: Author) -> None:
        self.workspace = workspace
        self.author = author
        self.started = _now()   # this app session's start: Undo reaches back no further

    def for_account(self, account_id: str, account_name: str, provider: str) -> AccountJournal:
        return AccountJournal(self, account_id, account_name, provider)

    @property
    def available(self) -> bool:
        """Whether the journal can be read and written: not while a team workspace's local copy stands in."""
        return self.workspace.is_open and not self.workspace.cached

    async def entries(self, query: JournalQuery, *, offset: int = 0, limit: int = 200) -> list[JournalEntry]:
        from console.store import journal
        return await self.workspace._run(
            lambda: self.workspace._read(lambda c: journal.entries(c, query, offset=offset, limit=limit)))

    async def first_page(self, query: JournalQuery, *, limit: int = 200) -> tuple[int, list[JournalEntry]]:
        """How many entries `query` matches, and the newest `limit` of them, read together."""
        from console.store import journal

        def read(connection: Any) -> tuple[int, list[JournalEntry]]:
            total = journal.count(connection, query)
            return total, journal.entries(connection, query, limit=limit, matches=total) if total else []
        return await self.workspace._run(lambda: self.workspace._read(read))

    async def count(self, query: JournalQuery) -> int:
        from console.store import journal
        return await self.workspace._run(lambda: self.workspace._read(lambda c: journal.count(c, query)))

    async def entry(self, entry_id: str) -> JournalEntry | None:
        from console.store import journal
        return await self.workspace._run(lambda: self.workspace._read(lambda c: journal.entry(c, entry_id)))

    async def staff(self) -> list[str]:
        from console.store import journal
        return await self.workspace._run(lambda: self.workspace._read(journal.staff))

    async def verify(self) -> ChainCheck:
        """Re-compute the hash chain; names the first record that does not match."""
        from console.store import journal
        return await self.workspace._run(lambda: self.workspace._read(journal.verify))

    async def note_lost_history(self) -> bool:
        """When the workspace was just rebuilt because its file could not be read, say in the new
        journal that the history before it is not here (once). True when it was said now."""
        from console.store import journal

        def note() -> bool:
            db = self.workspace._db
            if db is None or db.set_aside is None:
                return False

            def write(connection: Any) -> bool:
                name = db.set_aside.name if db.set_aside else ""
                if journal.count(connection, JournalQuery(operation=HISTORY_LOST, text=name)):
                    return False
                intent = Intent(account_id="", provider="", operation=HISTORY_LOST, who=self.author.who,
                                os_user=self.author.os_user, computer=self.author.computer, customer_name=name)
                [entry_id] = journal.record_intents(connection, [intent], _now())
                journal.record_finish(connection, entry_id, Finish(
                    Outcome.UNKNOWN, note=f"The workspace could not be read and was kept aside as {name}; the "
                                          "history before this moment was in it and is not here."), _now())
                return True
            return self.workspace._write(write)
        return await self.workspace._run(note)

    async def in_doubt(self, account_id: str) -> list[JournalEntry]:
        from console.store import journal
        return await self.workspace._run(lambda: self.workspace._read(lambda c: journal.in_doubt(c, account_id)))


class AccountJournal:
    """One account's writes into the journal."""

    def __init__(self, journal: Journal, account_id: str, account_name: str, provider: str) -> None:
        self.journal = journal
        self.account_id = account_id
        self.account_name = account_name
        self.provider = provider

    def intent_of(self, record: WriteRecord, before: Customer | None, name: str, *,
                  group_id: str | None = None, reverts: str | None = None, replaces: str | None = None,
                  copied_from: str | None = None) -> Intent:
        """The intent of `record` (its values sent), with the values `before` held."""
        author = self.journal.author
        changes = tuple(FieldChange(key, plain(_before(before, record, key)), plain(value))
                        for key, value in sorted(record.changes.items()))
        snapshot = customer_snapshot(before) if before is not None and record.operation is WriteOp.DELETE else None
        return Intent(account_id=self.account_id, provider=self.provider, operation=record.operation.value,
                      who=author.who, os_user=author.os_user, computer=author.computer,
                      account_name=self.account_name, customer_id=record.customer_id, customer_name=name,
                      kind=record.kind, target=record.target, changes=changes, snapshot=snapshot,
                      group_id=group_id, reverts=reverts, replaces=replaces, copied_from=copied_from)

    async def intend(self, intents: list[Intent]) -> list[str]:
        """Write the intents (on disk when this returns); their entry ids. Nothing when no workspace is
        kept (the setting is off): then no write is journaled, and [] is returned.

        They go to the instance's intent file at once and into the journal's table on the workspace's
        thread meanwhile (intent_log.py), so the request need not wait for a transaction."""
        from console.store import journal

        workspace = self.journal.workspace
        if workspace.deferred or workspace.state == "opening":   # a write this early waits for the journal
            await workspace.settled()
        if not self.journal.available or not intents or not workspace.keeps(self.account_id):
            return []
        if (intent_log := workspace.intent_log) is not None:
            at, ids = _now(), [uuid.uuid4().hex for _ in intents]
            intent_log.append([LoggedIntent(entry_id, at, intent)
                               for entry_id, intent in zip(ids, intents, strict=True)])
            def write(connection: Any) -> Any:
                # Decided when it runs, on the workspace's thread: an intent made before this one may have
                # failed to commit since (the team server went away), and must not be overtaken.
                if workspace.journal_behind:
                    return workspace.write_kept_intents(connection)
                return journal.record_intents(connection, intents, at, ids)

            future = GroupCommit.of(workspace).queue(write, soon=True)
            # Done once committed (on the workspace's thread): the file may be emptied then. A failed commit (the
            # team server went away) leaves them in the file, which later commits write first (in order).
            future.add_done_callback(lambda f: None if f.cancelled() else intent_log.committed()
                                     if f.exception() is None else setattr(workspace, "journal_behind", True))
            workspace._logged(future, "journaling an intent")
            return ids
        try:
            # With the other writes of the moment (a job's concurrent requests) in one transaction.
            return await GroupCommit.of(self.journal.workspace).write(
                lambda c: journal.record_intents(c, intents, _now()))
        except WorkspaceClosedError:
            return []

    def finish(self, entry_id: str, finish: Finish) -> Future[None] | None:
        """Queue the outcome of an intent (after everything queued before it)."""
        return self.finish_many([(entry_id, finish)])

    def finish_many(self, outcomes: list[tuple[str, Finish]]) -> Future[None] | None:
        """Queue the outcomes of several intents, written together."""
        from console.store import journal

        if not self.journal.available or not outcomes:
            return None
        workspace = self.journal.workspace

        # At the loop's next turn, once the save has ended (a crash before leaves the entry in doubt).
        future = GroupCommit.of(workspace).queue(lambda c: journal.record_finishes(c, outcomes, _now()), soon=True)
        workspace._logged(future, "journaling an outcome")
        return future


def _before(before: Customer | None, record: WriteRecord, key: str) -> Any:
    """The value `key` held before the write: a customer field, or an item's field for item writes."""
    if before is None:
        return None
    if record.kind and record.target:
        items = getattr(before, record.kind, ()) or ()
        item = next((i for i in items if getattr(i, "id", None) == record.target), None)
        return getattr(item, key, None) if item is not None else None
    if record.kind:
        return None   # a new item: nothing before
    try:
        return before.value(key)
    except (KeyError, AttributeError):
        return None


def finish_of(record: WriteRecord) -> Finish:
    """The outcome the after-write hook was told."""
    if record.succeeded:
        return Finish(Outcome.SUCCEEDED, customer_id=record.customer_id)
    return Finish(Outcome.FAILED, customer_id=record.customer_id, error=_message(record.error))


def _message(error: BaseException | None) -> str:
    message = getattr(error, "message", None)
    return REDACTOR.redact(str(message or error or "failed"))


def new_group() -> str:
    return uuid.uuid4().hex
