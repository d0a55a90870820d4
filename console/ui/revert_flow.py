"""Reverting journaled changes from the window: the preview ("email: b@x.com → a@x.com", what
someone changed since, what cannot come back), then the revert through the write path. A customer
changed between the preview and the revert is previewed again against its new copy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from console.domain import errors as e
from console.domain.customer import Customer
from console.domain.journal import JournalEntry
from console.services.accounts import AccountSession
from console.services.customer_service import CustomerService
from console.services.journal_revert import apply_revert, plan_revert
from console.ui.async_qt import No, Yes, ask

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

Report = Callable[[str], None]   # where a failure is said (a status bar, a dialog's banner)


async def revert_flow(parent: QWidget, service: CustomerService, entries: Sequence[JournalEntry],
                      report: Report) -> tuple[bool, Customer | None]:
    """Preview and (if agreed) apply the revert of `entries`: (whether it was reverted, the customer
    afterwards, None when the revert deleted it)."""
    tr = parent.tr
    for _attempt in range(3):   # a customer that keeps changing under the preview is shown again
        try:
            plan = await plan_revert(service, entries)
        except e.NotFoundError:
            report(tr("Cannot revert: the customer no longer exists at {0}.").format(service.provider_name))
            return False, None
        except e.ConsoleError as exc:
            report(tr("Cannot revert: {0}").format(exc.message))
            return False, None
        notes = []
        if plan.changed_since:
            notes.append(tr("Changed by someone since:") + "\n" + "\n".join(f"• {c}" for c in plan.changed_since))
        if plan.cannot:
            notes.append("\n".join(plan.cannot))
        answer = await ask(parent, tr("Revert this change"), "\n".join(plan.lines),
                           informative="\n\n".join(notes) or None,
                           icon=QMessageBox.Icon.Warning if plan.changed_since else QMessageBox.Icon.Question,
                           labels={Yes: tr("Revert"), No: tr("Keep it as it is")})
        if answer != Yes:
            return False, None
        try:
            return True, await apply_revert(service, plan)
        except e.StaleVersionError:
            continue   # changed after the preview: preview again, with the new values shown
        except e.ConsoleError as exc:
            report(tr("Reverting failed: {0}").format(exc.message))
            return False, None
    report(tr("The customer keeps changing; nothing was reverted. Try again in a moment."))
    return False, None


def session_for(window: MainWindow, account_id: str) -> AccountSession | None:
    """The open session of an account: the window's one, or one of All accounts'; None if not open."""
    if window.session is not None and window.session.account.id == account_id:
        return window.session
    return window.all_accounts.sessions.get(account_id)


async def revert_at_its_account(window: MainWindow, parent: QWidget, entries: Sequence[JournalEntry],
                                not_open: str) -> tuple[bool, Customer | None]:
    """Revert `entries` at the open session of their account (`not_open` said, with the account's
    name, when it is not open): History's revert and Undo last save both come here."""
    status = window.statusBar()
    account_id = entries[0].intent.account_id
    session = session_for(window, account_id)
    if session is None:
        status.showMessage(not_open.format(entries[0].intent.account_name or account_id))
        return False, None
    return await revert_flow(parent, session.service, entries, lambda text: status.showMessage(text))


async def revert_from_history(window: MainWindow, history: QWidget, entries: list[JournalEntry]) -> None:
    """*Revert this change…* from View → History: the same preview and write path as anywhere else."""
    tr = window.tr
    done, _customer = await revert_at_its_account(
        window, history, entries, tr("That change was to {0}: open that account (or All accounts) to revert it."))
    if done:
        window.statusBar().showMessage(tr("Reverted the change to {0}.").format(
            entries[0].intent.customer_name or entries[0].customer_id), 8000)
        refresh = getattr(history, "refresh", None)
        if refresh is not None:
            refresh()
