"""The accounts of one privacy request, opened as the request needs them: each with the workspace
and its journal, as the window opens an account, so an erasure's deletes are confirmed and journaled
like any other write; all closed together when the request is done."""

from __future__ import annotations

from collections.abc import Callable

from console.services.accounts import Account, AccountSession, all_accounts, open_session
from console.services.context import AppContext


class RequestSessions:
    """Sessions opened on first use and kept until `aclose()`; `borrowed` hands over one the window has
    open already (its table then follows the erasure), which is left open."""

    def __init__(self, context: AppContext, borrowed: Callable[[str], AccountSession | None] | None = None) -> None:
        self.context = context
        self.borrowed = borrowed
        self._open: dict[str, AccountSession] = {}

    @property
    def accounts(self) -> list[Account]:
        """Every account the app lists: configured ones, then the demos."""
        return all_accounts(self.context.settings, self.context.demo)

    async def session(self, account: Account) -> AccountSession:
        session = self._open.get(account.id) or (self.borrowed(account.id) if self.borrowed else None)
        if session is None:
            context = self.context
            session = await open_session(account, secrets=context.secrets, demo=context.demo,
                                         transport=context.transport, confirmations=context.confirmations,
                                         workspace=context.workspace)
            if context.workspace.is_open:
                session.service.journal = context.journal.for_account(account.id, account.name, account.info.key)
            self._open[account.id] = session
        return session

    @property
    def opened(self) -> list[AccountSession]:
        """The sessions opened here (not the borrowed ones), still open."""
        return list(self._open.values())

    async def aclose(self) -> None:
        for session in self._open.values():
            await session.aclose()
        self._open.clear()
        self.context.demo.flush()
