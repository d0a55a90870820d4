"""After a crash: offering back what was typed in customer dialogs that never closed (once per start)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from console.domain import errors as e
from console.domain.customer import Customer
from console.services.drafts import Draft
from console.ui.async_qt import ask
from console.ui.error_message import show_error

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

Yes, Discard = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Discard


class DraftRestore:
    """Asks about each draft left over, and reopens the dialog of those the user wants back."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._offered = False

    def offer_once(self) -> None:
        if not self._offered:
            self._offered = True
            self.window.tasks.start(self._offer(), name="drafts")

    async def _offer(self) -> None:
        window, tr, drafts = self.window, self.window.tr, self.window.context.drafts
        for key, draft in drafts.pending():
            when = draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
            who = draft.customer_name or tr("a customer")
            answer = await ask(
                window, tr("Restore unsaved edit?"),
                tr("Customer Console closed while you were editing {0} in {1} ({2}).").format(
                    who, draft.account_name, when),
                informative=tr("Restore what you had typed? Discard deletes it."),
                buttons=Yes | Discard, default=Yes,
                labels={Yes: tr("Restore my edit"), Discard: tr("Discard it")})
            if answer != Yes:
                drafts.discard(key)
                continue
            await self._restore(key, draft)

    async def _restore(self, key: str, draft: Draft) -> None:
        window, tr = self.window, self.window.tr
        switching = window.switching
        account = next((a for a in switching.accounts if a.id == draft.account_id), None)
        if account is None:
            window.statusBar().showMessage(tr("The account of that draft ({0}) no longer exists; the draft "
                                              "is kept in {1}.").format(draft.account_name,
                                                                        window.context.drafts.directory))
            return
        if window.session is None or window.session.account.id != account.id:
            switching.choose(account)
            await switching.open(account)
        if window.session is None:
            return
        customer: Customer | None = None
        if draft.customer_id is not None:
            try:
                customer = await window.session.service.fetch(draft.customer_id)
            except e.NotFoundError:
                window.statusBar().showMessage(tr("{0} no longer exists; your draft opens as a new "
                                                  "customer.").format(draft.customer_name))
            except e.ConsoleError as exc:
                show_error(window, tr("Could not open the customer of your draft (it is kept)"), exc)
                return
        dialog = window.editing.open_dialog(customer, draft_key=key)
        if dialog is not None:
            dialog.restore_draft(draft)
