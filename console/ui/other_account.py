"""Opening an account besides the window's own (a copy's target, a job's account after a restart) as
the window opens its own: journaled, kept locally, asking before its first write if it is live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.services.accounts import Account, AccountSession, open_session
from console.ui.doubt_settling import journal_writes
from console.ui.production_confirmation import ask_before_production_writes

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


async def open_other_account(window: MainWindow, account: Account) -> AccountSession:
    """A session on `account` (the caller closes it, or hands it to the Jobs panel)."""
    context = window.context
    session = await open_session(account, secrets=context.secrets, demo=context.demo,
                                 transport=context.transport, confirmations=context.confirmations)
    if context.workspace.is_open:
        session.service.keep_locally(context.workspace.for_account(account.id, account.info.key))
    journal_writes(window, session)
    ask_before_production_writes(window, session)
    return session
