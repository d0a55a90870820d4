"""Deleting several customers (in one account or All accounts): a preview with the counts and names per
account and a confirmation naming the accounts (production ones apart), then a job per account.

Jobs live in the workspace; with no workspace kept (the local copy is off) each account's customers
are deleted at once instead, in the window's write lane, as a single delete is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from console.domain.customer import Customer
from console.domain.jobs import OpKind, PlannedOp
from console.services.accounts import AccountSession
from console.ui.production_confirmation import confirm_accounts
from console.ui.wording import count_of

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

MAX_NAMED = 10   # customers named per account; the rest are counted


def delete_ops(session: AccountSession, customers: Sequence[Customer]) -> list[PlannedOp]:
    """One delete per customer, each named as the table names it."""
    return [PlannedOp(OpKind.DELETE, c.id, label=session.service.index.name(c) or c.id) for c in customers]


async def delete_several(window: MainWindow, groups: Sequence[tuple[AccountSession, list[Customer]]],
                         at_once: Callable[[AccountSession, list[Customer]], None]) -> list[str]:
    """Ask, then start one delete job per account (or `at_once` each, with no workspace); the jobs' ids."""
    tr = window.tr
    total = sum(len(customers) for _, customers in groups)
    what = count_of(total, tr("customer"), tr("customers"))
    where = groups[0][0].account.name if len(groups) == 1 else tr("{0} accounts").format(len(groups))
    names = []
    for session, customers in groups:
        shown = [session.service.index.name(c) for c in customers]
        more = tr(" …and {0} more").format(len(shown) - MAX_NAMED) if len(shown) > MAX_NAMED else ""
        names.append(f"{session.account.name}: {', '.join(shown[:MAX_NAMED])}{more}")
    as_jobs = window.context.workspace.is_open
    details = "\n".join(names) + "\n\n" + tr("This cannot be undone.")
    if as_jobs:
        details += " " + tr("Each account's deletes run as a job (Jobs panel), which you can pause or cancel.")
    if not await confirm_accounts(window, tr("Delete customers"), tr("Delete {0} from {1}?").format(what, where),
                                  [(s, len(c)) for s, c in groups], go=tr("Delete {0}").format(what), details=details):
        return []
    jobs = []
    for session, customers in groups:
        if not as_jobs:
            at_once(session, customers)
        elif session is window.session or session in window.all_accounts.sessions.values():   # still open
            title = tr("Delete {0} ({1})").format(count_of(len(customers), tr("customer"), tr("customers")),
                                                  session.account.name)
            jobs.append(await window.jobs.submit(session, title, delete_ops(session, customers)))
    return jobs
