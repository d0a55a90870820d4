"""Opening customers in their dialogs (new, the selected one, one by id) and what the window does
when one is saved; the dialogs open now, for quitting and Forget local data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.domain import errors as e
from console.domain.customer import Customer
from console.services.accounts import AccountSession
from console.ui.error_message import show_error

if TYPE_CHECKING:
    from console.ui.edit_dialog import CustomerDialog
    from console.ui.main_window import MainWindow


class CustomerEditing:
    """The open customer dialogs of the window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialogs: list[CustomerDialog] = []
        window.offline.changed.connect(lambda _offline: window.offline.hold_saves(self.dialogs))

    def open_dialog(self, customer: Customer | None, draft_key: str | None = None,
                    session: AccountSession | None = None) -> CustomerDialog | None:
        """Open `customer` (None: a new one) in `session`'s account (else the open one); `draft_key`
        names a draft to keep it in."""
        # The dialog's module is imported when the first is opened, not before the window shows (P9).
        from console.ui.edit_dialog import CustomerDialog

        window = self.window
        session = session or window.session
        if session is None:
            return None
        dialog = CustomerDialog(session.service, customer, account_label=session.account.name,
                                environment=session.environment, account_id=session.account.id,
                                drafts=window.context.drafts, draft_key=draft_key, parent=window,
                                custom_fields=session.custom_fields)
        dialog.saved.connect(lambda c: self.saved(c, created=customer is None, session=session))
        dialog.open_existing.connect(self.open_by_id)
        dialog.reverted.connect(lambda c: window.statusBar().showMessage(
            window.tr("Reverted {0}.").format(session.service.index.name(c) if c is not None else
                                              window.tr("the customer's creation: it was deleted")), 8000))
        dialog.finished.connect(lambda _r: self._closed(dialog))
        window.card_adding.attach_to(dialog)
        window.offline.hold_saves([dialog])
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def _closed(self, dialog: CustomerDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        dialog.deleteLater()
        self.window.table.setFocus()

    def new_customer(self) -> CustomerDialog | None:
        """A new customer in the open account; in All accounts, in the account chosen first."""
        window = self.window
        if window.all_accounts.active:
            window.tasks.start(self._new_in_chosen(), name="choose-account")
            return None
        return self.open_dialog(None)

    async def _new_in_chosen(self) -> None:
        from console.ui.account_choice import choose_account  # All accounts' question: imported when first asked

        session = await choose_account(self.window, self.window.all_accounts.writable_sessions())
        if session is not None and session in self.window.all_accounts.sessions.values():
            self.open_dialog(None, session=session)

    def edit_selected(self) -> CustomerDialog | None:
        window = self.window
        rows = window.customer_list.selected_or_current_rows()
        if len(rows) != 1:
            return None
        return self.open_dialog(window.model.customer(rows[0]), session=window.all_accounts.session_of_row(rows[0]))

    def open_by_id(self, customer_id: str) -> None:
        """Read a customer from the provider (it may not be loaded yet), select it and open it."""
        window = self.window
        session = window.session
        if session is None:
            return

        async def fetch_and_open() -> None:
            try:
                customer = await session.service.fetch(customer_id)
            except e.ConsoleError as exc:
                show_error(window, window.tr("Could not open that customer"), exc)
                return
            if window.session is session:
                window.customer_list.select_customer(customer.id)
                self.open_dialog(customer)

        window.tasks.start(fetch_and_open(), name="open-existing")

    def saved(self, customer: Customer, *, created: bool, session: AccountSession | None = None) -> None:
        """Say so in the status bar and select the customer's row."""
        window = self.window
        session = session or window.session
        name = session.service.index.name(customer) if session else customer.id
        message = window.tr("Created {0}.") if created else window.tr("Saved {0}.")
        window.statusBar().showMessage(message.format(name), 8000)
        window.customer_list.select_customer(customer.id, session.account.id if session else None)

    def unsaved_dialog(self) -> CustomerDialog | None:
        """An open dialog holding typed edits, if any."""
        return next((d for d in self.dialogs if d.has_unsaved_changes()), None)

    async def cancel_all(self) -> None:
        for dialog in list(self.dialogs):
            await dialog.tasks.cancel_all()
