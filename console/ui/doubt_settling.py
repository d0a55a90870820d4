"""Journaling an opened account's writes, and settling the writes the last session left in doubt
(the app stopped while a request was out): read back, journaled, and said in the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.domain.journal import Outcome
from console.services.accounts import AccountSession
from console.services.journal_doubt import settle_in_doubt

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

TASK = "settle-doubt"
_SAID = {Outcome.APPLIED: "it had been made", Outcome.NOT_APPLIED: "it had not been made",
         Outcome.UNKNOWN: "it could not be told whether it had been made"}


def journal_writes(window: MainWindow, session: AccountSession) -> None:
    """Journal the session's writes from now on, and settle what its account left in doubt."""
    account = session.account
    session.service.journal = window.context.journal.for_account(account.id, account.name, account.info.key)
    window.tasks.start(_settle(window, session), name=f"{TASK}:{account.id}")


async def _settle(window: MainWindow, session: AccountSession) -> None:
    await window.context.workspace.settled()   # a warm start opens it once its copy is shown
    settled = await settle_in_doubt(session.service, window.context.journal, session.account.id)
    if not settled:
        return
    tr = window.tr
    parts = [tr("{0} of {1}: {2} ({3})").format(s.entry.intent.operation, s.entry.intent.customer_name or
                                                s.entry.intent.customer_id or "?", tr(_SAID[s.outcome]), s.note)
             for s in settled]
    window.statusBar().showMessage(tr("The last session stopped during {0} change(s) to {1}; read back: {2}. "
                                      "See View → History.").format(len(settled), session.account.name,
                                                                     "; ".join(parts)))
