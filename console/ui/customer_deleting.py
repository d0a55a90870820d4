"""Deleting the selected customers: asking with their names, then deleting them after the writes
already under way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from console.domain import errors as e
from console.domain.customer import Customer
from console.services.accounts import AccountSession
from console.ui.async_qt import No, Yes, ask
from console.ui.error_message import show_error
from console.ui.wording import count_of
from console.ui.write_queue import queue_write

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


MAX_NAMED = 10   # customers named in the question; the rest are counted


class CustomerDeleting:
    """Emits `window.customers_deleted` with the ids that went."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def delete_selected(self) -> None:
        window = self.window
        if window.all_accounts.active:
            groups = self._by_account(window.customer_list.selected_or_current_rows())
            if groups:
                window.tasks.start(self._confirm_groups(groups), name="confirm-delete")
            return
        customers = window.customer_list.selected_customers()
        if customers and window.session is not None:
            window.tasks.start(self._confirm(window.session, customers), name="confirm-delete")

    def _by_account(self, rows: list[int]) -> list[tuple[AccountSession, list[Customer]]]:
        """The customers of `rows` grouped by their accounts, in the accounts' first appearance."""
        window = self.window
        groups: dict[str, tuple[AccountSession, list[Customer]]] = {}
        for row in rows:
            session = window.all_accounts.session_of_row(row)
            if session is not None:
                groups.setdefault(session.account.id, (session, []))[1].append(window.model.customer(row))
        return list(groups.values())

    async def _confirm_groups(self, groups: list[tuple[AccountSession, list[Customer]]]) -> None:
        """All accounts: one question naming each account, then each account's delete in turn, each
        with its own production confirmation (asked by its service before its first write)."""
        if len(groups) == 1:
            await self._confirm(*groups[0])
            return
        window, tr = self.window, self.window.tr
        total = sum(len(customers) for _, customers in groups)
        lines = []
        for session, customers in groups:
            names = [session.service.index.name(c) for c in customers]
            shown = ", ".join(names[:MAX_NAMED]) + (tr(" …and {0} more").format(len(names) - MAX_NAMED)
                                                    if len(names) > MAX_NAMED else "")
            env = f" [{session.environment.upper()}]"
            lines.append(f"• {session.account.name}{env}: {shown}")
        answer = await ask(window, tr("Delete customers"),
                           tr("Delete these {0} customers from {1} accounts?").format(total, len(groups)),
                           informative="\n".join(lines) + "\n\n" + tr("This cannot be undone."),
                           icon=QMessageBox.Icon.Warning,
                           labels={Yes: tr("Delete {0}").format(self._count(total)), No: tr("Keep them")})
        if answer != Yes:
            return
        for session, customers in groups:
            if session in window.all_accounts.sessions.values():
                queue_write(window, self._delete(session, customers))

    def _count(self, number: int) -> str:
        return count_of(number, self.window.tr("customer"), self.window.tr("customers"))

    async def _confirm(self, session: AccountSession, customers: list[Customer]) -> None:
        window, tr = self.window, self.window.tr
        names = [session.service.index.name(c) for c in customers]
        shown = "\n".join(f"• {n}" for n in names[:MAX_NAMED])
        if len(names) > MAX_NAMED:
            shown += "\n" + tr("…and {0} more").format(len(names) - MAX_NAMED)
        question = (tr("Delete this customer from {0}?") if len(customers) == 1
                    else tr("Delete these {1} customers from {0}?")).format(session.account.name, len(customers))
        answer = await ask(window, tr("Delete customers"), question,
                           informative=shown + "\n\n" + tr("This cannot be undone."),
                           icon=QMessageBox.Icon.Warning,
                           labels={Yes: tr("Delete {0}").format(self._count(len(customers))),
                                   No: tr("Keep them") if len(customers) > 1 else tr("Keep it")})
        if answer != Yes or (window.session is not session and session not in window.all_accounts.sessions.values()):
            return
        queue_write(window, self._delete(session, customers))

    async def _delete(self, session: AccountSession, customers: list[Customer]) -> None:
        window, tr = self.window, self.window.tr
        window.statusBar().showMessage(tr("Deleting {0}…").format(self._count(len(customers))))
        try:
            result = await session.service.delete_many(customers)
        except e.ConsoleError as exc:
            show_error(window, tr("Deleting failed"), exc)
            return
        if result.failed:
            first = next(iter(result.failed.values()))
            show_error(window, tr("{0} of {1} customers could not be deleted").format(
                len(result.failed), len(customers)), first)
        else:
            window.statusBar().showMessage(tr("Deleted {0}.").format(self._count(len(result.succeeded))), 8000)
        window.customers_deleted.emit(list(result.succeeded))
