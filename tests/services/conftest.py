"""Demo sessions for service tests: the production open_session path on an emulator, requests counted."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from console.domain.capabilities import FieldKind
from console.domain.journal import JournalEntry, JournalQuery, Outcome
from console.sandbox.base import Emulator
from console.services.accounts import AccountSession, demo_accounts, open_session
from console.services.customer_service import CustomerService
from console.services.demo import DemoSandbox
from console.services.journal import Author, Journal
from console.services.secrets import MemorySecrets
from console.services.team_server import TEAM_PASSWORD
from console.services.workspace import LocalWorkspace
from console.services.write_confirmation import WriteConfirmations
from tests.postgres import team_settings

SEEDED = 12


class CountingWire(httpx.AsyncBaseTransport):
    """The emulator's transport, remembering the method of every request sent through it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.methods: list[str] = []
        self.traffic: list[str] = []   # every request's URL and body and every response's body, as text

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.methods.append(request.method)
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.traffic += [str(request.url), request.content.decode(errors="replace"), body.decode(errors="replace")]
        return httpx.Response(response.status_code, headers=response.headers, content=body,
                              extensions=response.extensions)


@dataclass
class Demo:
    session: AccountSession
    emulator: Emulator
    wire: CountingWire
    sandbox: DemoSandbox

    @property
    def service(self) -> CustomerService:
        return self.session.service


OpenDemo = Callable[..., Awaitable[Demo]]


@pytest.fixture
async def open_demo(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[OpenDemo]:
    """Opens a provider's demo account with SEEDED customers (each call its own emulator). With the `journal`
    on a team workspace, under a configured account's id: a team workspace keeps no demo account's history."""
    opened: list[AccountSession] = []
    callspec = getattr(request.node, "callspec", None)
    team = callspec is not None and callspec.params.get("journal") == "postgresql"

    async def make(key: str, *, customers: int = SEEDED, confirmations: WriteConfirmations | None = None) -> Demo:
        demo = DemoSandbox(tmp_path / f"demo-{len(opened)}", latency_ms=0, customers={key: customers})
        account = next(a for a in demo_accounts(demo) if a.info.key == key)
        if team:
            account = replace(account, id=f"shop-{key}")
        wire = CountingWire(demo.emulator(key).transport())
        demo.transport = lambda _key: wire  # type: ignore[method-assign]
        session = await open_session(account, secrets=MemorySecrets(), demo=demo, confirmations=confirmations)
        opened.append(session)
        return Demo(session, demo.emulator(key), wire, demo)

    yield make
    for session in opened:
        await session.aclose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def journal(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Journal]:
    """The app's journal in a workspace database of its own (opened, then closed after the test): this
    computer's encrypted file, or a team database on the suite's PostgreSQL server (issue 22)."""
    secrets, team = MemorySecrets(), None
    if request.param == "postgresql":
        secrets.set(TEAM_PASSWORD, "")
        team = team_settings(request.getfixturevalue("team_url"))
    workspace = LocalWorkspace(tmp_path / "journal" / "workspace.db", secrets, team)
    workspace.start()
    assert await workspace.ready()
    yield Journal(workspace, Author(os_user="ada", computer="desk-1", staff="Ada L."))
    await workspace.close()


class JournalWatch:
    """What a journal gained since the last look: each write must add exactly one complete entry."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.seen = 0

    async def new(self) -> list[JournalEntry]:
        total = await self.journal.count(JournalQuery())
        fresh = await self.journal.entries(JournalQuery(), limit=max(total - self.seen, 1))
        fresh = fresh[:total - self.seen]
        self.seen = total
        return list(reversed(fresh))

    async def one(self, operation: str, customer_id: str | None) -> JournalEntry:
        """The single entry added since the last look: `operation` on `customer_id`, succeeded."""
        [entry] = await self.new()
        assert (entry.intent.operation, entry.customer_id, entry.outcome) == (operation, customer_id,
                                                                              Outcome.SUCCEEDED), entry
        assert entry.intent.who == "Ada L." and entry.intent.computer == "desk-1"
        return entry


def editable_text_field(demo: Demo) -> str:
    """A plain text field the demo's provider lets an update change (Clover's email, say, is its own list)."""
    editable = {f.key for f in demo.service.capabilities.fields
                if f.editable and not f.create_only and f.kind is FieldKind.TEXT and f.pattern is None}
    return next(k for k in ("company", "note", "description", "given_name", "email") if k in editable)
