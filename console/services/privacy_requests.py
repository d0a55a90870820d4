"""A privacy request and its receipt (issue 21): who it is about, which accounts were searched and how,
which records staff ticked, and every action taken with its outcome; kept in the workspace database.

The receipt holds no personal value but the identifiers staff typed, and those become SHA-256 digests
once the person is erased; records are named by account and provider id only.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from console.services.privacy_search import FoundRecord, Person, SearchResult
from console.services.workspace import LocalWorkspace

ACCESS, ERASURE = "access", "erasure"
DONE, FAILED, REFUSED = "done", "failed", "refused"
LOCAL = "local copies and journal"   # a record's copies here removed and its journal values redacted


def _now() -> datetime:
    return datetime.now(UTC)


def digest(value: str) -> str:
    """What an identifier becomes on the receipt once the person is erased."""
    return "sha256:" + hashlib.sha256(" ".join(value.split()).casefold().encode()).hexdigest()


@dataclass(slots=True)
class Searched:
    """One account of the search: searched (and how), or not (why), and any waiver."""

    account_id: str
    account_name: str
    provider: str
    searched: bool
    how: str
    waived: str | None = None


@dataclass(slots=True)
class Ticked:
    """A record staff said is the person's."""

    account_id: str
    account_name: str
    provider: str
    customer_id: str
    matched_by: list[str]
    live: bool = True          # the provider answered with it (False: found in the local copy only)

    @property
    def key(self) -> tuple[str, str]:
        return (self.account_id, self.customer_id)


@dataclass(slots=True)
class Action:
    """Something done for the request, with its outcome: "done", "failed" (with why) or "refused"."""

    what: str                  # "export", "forget", "delete", "local copy", "drafts", "journal", ...
    outcome: str
    account_id: str = ""
    customer_id: str = ""
    detail: str = ""
    at: str = field(default_factory=lambda: _now().isoformat(timespec="seconds"))


@dataclass(slots=True)
class PrivacyRequest:
    id: str
    kind: str
    identifiers: dict[str, str]
    created_by: str
    searched: list[Searched] = field(default_factory=list)
    records: list[Ticked] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    created_at: datetime = field(default_factory=_now)
    hashed: bool = False       # the identifiers are digests (the person was erased)

    @classmethod
    def start(cls, kind: str, result: SearchResult, ticked: Sequence[FoundRecord], who: str) -> PrivacyRequest:
        """A request for what a search found and the records staff ticked."""
        names = {a.account.id: a.account for a in result.accounts}
        return cls(
            id=uuid.uuid4().hex, kind=kind, identifiers=result.person.identifiers(), created_by=who,
            searched=[Searched(a.account.id, a.account.name, a.account.info.display_name, a.searched, a.how,
                               a.waived) for a in result.accounts],
            records=[Ticked(r.account_id, names[r.account_id].name, names[r.account_id].info.display_name,
                            r.customer.id, [why.split(" ", 1)[0] for why in r.reasons], r.live) for r in ticked])

    @property
    def person(self) -> Person:
        return Person(**self.identifiers) if not self.hashed else Person()

    @property
    def search_settled(self) -> bool:
        return all(s.searched or s.waived for s in self.searched)

    def done(self, what: str, key: tuple[str, str]) -> bool:
        """Whether `what` was done for the record `key` (an erasure resumed skips it)."""
        return any(a.what == what and (a.account_id, a.customer_id) == key and a.outcome == DONE
                   for a in self.actions)

    def erased(self, record: Ticked) -> bool:
        return self.done("delete", record.key)

    @property
    def state(self) -> str:
        """"complete", "incomplete" (something failed, was refused or is left) or "open" (nothing done yet)."""
        if not self.actions:
            return "open"
        if self.kind == ACCESS:
            finished = any(a.what == "export" and a.outcome == DONE for a in self.actions)
        else:
            finished = all(self.erased(record) and self.done(LOCAL, record.key) for record in self.records)
        return "complete" if finished and self.search_settled else "incomplete"

    def hash_identifiers(self) -> None:
        """Keep only digests of the identifiers (after the person is erased)."""
        if not self.hashed:
            self.identifiers = {key: digest(value) for key, value in self.identifiers.items()}
            self.hashed = True

    def document(self) -> dict[str, Any]:
        return {"searched": [asdict(s) for s in self.searched], "records": [asdict(r) for r in self.records],
                "actions": [asdict(a) for a in self.actions], "hashed": self.hashed}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PrivacyRequest:
        document = row["document"]
        return cls(id=row["id"], kind=row["kind"], identifiers=row["identifiers"], created_by=row["created_by"],
                   created_at=row["created_at"], hashed=document.get("hashed", False),
                   searched=[Searched(**s) for s in document["searched"]],
                   records=[Ticked(**r) for r in document["records"]],
                   actions=[Action(**a) for a in document["actions"]])


class PrivacyRequests:
    """The requests' receipts in the workspace database, through its worker thread."""

    def __init__(self, workspace: LocalWorkspace) -> None:
        self.workspace = workspace

    async def save(self, request: PrivacyRequest) -> None:
        from console.store.privacy import save_request

        def write(connection: Any) -> None:
            save_request(connection, request.id, kind=request.kind, state=request.state,
                         identifiers=request.identifiers, document=request.document(), who=request.created_by,
                         created_at=request.created_at, at=_now())
        await self.workspace._run(lambda: self.workspace._write(write))

    async def load(self, request_id: str) -> PrivacyRequest | None:
        from console.store.privacy import request
        row = await self.workspace._run(lambda: self.workspace._read(request, request_id))
        return PrivacyRequest.from_row(row) if row is not None else None

    async def hash_person(self, erased: PrivacyRequest) -> int:
        """Other requests about the person `erased` names (an earlier access request, say): their identifiers
        become digests too; how many there were."""
        values = {digest(value) for value in erased.identifiers.values()} if not erased.hashed else set(
            erased.identifiers.values())
        others = [r for r in await self.all() if r.id != erased.id and not r.hashed
                  and values & {digest(value) for value in r.identifiers.values()}]
        for request in others:
            request.hash_identifiers()
            await self.save(request)
        return len(others)

    async def all(self) -> list[PrivacyRequest]:
        from console.store.privacy import requests
        rows = await self.workspace._run(lambda: self.workspace._read(requests))
        return [PrivacyRequest.from_row(row) for row in rows]
