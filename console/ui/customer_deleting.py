"""Deleting the selected customers: one asked with its name and deleted after the writes already under
way; several as a job per account (console/ui/bulk_delete.py)."""

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


class CustomerDeleting:
    """Emits `window.customers_deleted` with the ids that went."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def delete_selected(self) -> None:
        """One customer: asked and deleted at once. Several: one question naming the accounts, then a
        job per account (console/ui/bulk_delete.py)."""
        window = self.window
        if window.all_accounts.active:
            groups = self._by_account(window.customer_list.selected_or_current_rows())
        else:
            customers = window.customer_list.selected_customers()
            groups = [(window.session, customers)] if customers and window.session is not None else []
        total = sum(len(customers) for _, customers in groups)
        if total > 1:
            from console.ui.bulk_delete import delete_several  # imported when first asked for

            window.tasks.start(delete_several(window, groups, self._delete_now), name="confirm-delete")
        elif groups:
            session, (customer,) = groups[0]
            window.tasks.start(self._confirm(session, customer), name="confirm-delete")

    def _by_account(self, rows: list[int]) -> list[tuple[AccountSession, list[Customer]]]:
        """The customers of `rows` grouped by their accounts, in the accounts' first appearance."""
        window = self.window
        groups: dict[str, tuple[AccountSession, list[Customer]]] = {}
        for row in rows:
            session = window.all_accounts.session_of_row(row)
            if session is not None:
                groups.setdefault(session.account.id, (session, []))[1].append(window.model.customer(row))
        return list(groups.values())

    def _count(self, number: int) -> str:
        return count_of(number, self.window.tr("customer"), self.window.tr("customers"))

    async def _confirm(self, session: AccountSession, customer: Customer) -> None:
        window, tr = self.window, self.window.tr
        answer = await ask(window, tr("Delete customers"), tr("Delete this customer from {0}?").format(
                               session.account.name),
                           informative=f"• {session.service.index.name(customer)}\n\n" + tr("This cannot be undone."),
                           icon=QMessageBox.Icon.Warning,
                           labels={Yes: tr("Delete {0}").format(self._count(1)), No: tr("Keep it")})
        if answer == Yes:
            self._delete_now(session, [customer])

    def _delete_now(self, session: AccountSession, customers: list[Customer]) -> None:
        """Delete after the writes already under way, unless the account has been closed meanwhile."""
        window = self.window
        if window.session is session or session in window.all_accounts.sessions.values():
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
