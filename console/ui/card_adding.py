"""Add card and Replace card: the provider's hosted card form in the browser, a waiting dialog here.

The card is typed into the provider's page; this window only waits ("Waiting for the card form in
your browser…", with Cancel), then shows the new card masked, offers to make it the default, and,
when replacing, offers to delete the old one. Where a provider has no hosted form (PayArc), Add
card explains why and offers the provider's dashboard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from console.domain import errors as e
from console.domain.capabilities import CollectionKind, CollectionSpec
from console.domain.customer import Customer, PaymentMethod
from console.ui.async_qt import Yes, ask
from console.ui.error_message import show_error

if TYPE_CHECKING:
    from console.services.card_capture import CardCapture
    from console.ui.collection_tab import CollectionTab
    from console.ui.edit_dialog import CustomerDialog
    from console.ui.main_window import MainWindow

CARDS = CollectionKind.PAYMENT_METHODS


class CardFormWait(QDialog):
    """'Waiting for the card form in your browser…' while the provider's form is open there."""

    def __init__(self, provider: str, customer_name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("cardFormWait")
        self.setWindowTitle(self.tr("Add card — {0}").format(provider))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.title = title = QLabel(self.tr("<b>Waiting for the card form in your browser…</b>"), self)
        text = QLabel(self.tr("Type the card for {0} into {1}'s form in your browser. Customer Console never "
                              "sees the card number: it receives only the finished result. The form closes "
                              "by itself after 10 minutes.").format(customer_name, provider), self)
        text.setWordWrap(True)
        self.reopen = QPushButton(self.tr("Open the page again"), self)
        self.reopen.setObjectName("cardFormReopen")
        self.cancel = QPushButton(self.tr("Cancel"), self)
        self.cancel.setObjectName("cardFormCancel")
        self.cancel.setDefault(True)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.reopen)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(row)
        self.setMinimumWidth(420)

    def reject(self) -> None:
        # Escape and the window's close button cancel too; the flow closes the dialog once it has ended.
        self.cancel.click()


class CardAdding:
    """Runs Add card for the main window's open account, from the Customer menu or a dialog's Cards tab."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.running: CardCapture | None = None

    # -- where it is offered ---------------------------------------------------------------------
    def attach_to(self, dialog: CustomerDialog) -> None:
        """Add card and Replace card buttons on an existing customer's Cards tab."""
        # The card form's modules (its local server among them) are imported when a customer is first opened.
        from console.services.card_capture import card_form_spec

        tab = dialog.collection_tabs.get(CARDS)
        session = self.window.session
        spec = card_form_spec(session) if session is not None else None
        if tab is None or dialog.original is None or spec is None:
            return
        tab.add_button("addCard", tab.tr("Add card…"), lambda: self.add(dialog.original, parent=dialog,
                                                                        then=dialog.saving.take_provider_copy))
        if not spec.hosted:   # Add card explains where cards are added; there is nothing to replace here
            return
        tab.add_button("replaceCard", tab.tr("Replace card…"), lambda: self._replace_selected(dialog, tab),
                       needs_selection=True)

    def _replace_selected(self, dialog: CustomerDialog, tab: CollectionTab) -> None:
        old = tab.selected_item()
        if dialog.original is not None and isinstance(old, PaymentMethod):
            self.add(dialog.original, parent=dialog, replacing=old, then=dialog.saving.take_provider_copy)

    # -- the flow --------------------------------------------------------------------------------
    def add(self, customer: Customer | None, *, parent: QWidget | None = None, replacing: PaymentMethod | None = None,
            then: Callable[[Customer], None] | None = None) -> None:
        """Add a card to `customer` (replacing `replacing`, when given); `then` gets the customer afterwards."""
        if customer is None:
            return
        self.window.tasks.start(self._flow(customer, parent or self.window, replacing, then), name="add-card")

    async def _flow(self, customer: Customer, parent: QWidget, replacing: PaymentMethod | None,
                    then: Callable[[Customer], None] | None) -> None:
        from console.services.card_capture import CardCapture, card_form_problem, card_form_spec
        from console.services.card_form_server import CardFormClosed

        window, tr = self.window, self.window.tr
        session = window.session
        if session is None:
            return
        spec = card_form_spec(session)
        provider = session.service.provider_name
        if spec is not None and not spec.hosted:
            await self._offer_dashboard(customer, spec.note, parent)
            return
        if problem := card_form_problem(session):
            show_error(window, tr("Add card"), e.NotSupportedError(problem, provider=provider))
            return
        if self.running is not None:
            window.statusBar().showMessage(
                tr("A card form is already open in your browser; finish or cancel it first."))
            return
        capture = CardCapture(session, customer, demo=window.context.demo)
        wait = CardFormWait(provider, session.service.index.name(customer), parent)
        cancelled = False

        def cancel() -> None:
            nonlocal cancelled
            cancelled = True
            window.tasks.start(capture.cancel(), name="cancel-card-form")

        def open_page(url: str) -> None:
            window.open_url(QUrl(url))
            wait.open()

        wait.cancel.clicked.connect(cancel)
        wait.reopen.clicked.connect(lambda: window.open_url(QUrl(capture.server.page_url)))
        self.running = capture
        try:
            updated = await capture.run(open_page)
        except CardFormClosed as exc:
            if cancelled:
                window.statusBar().showMessage(tr("Add card cancelled; nothing was attached."), 8000)
            else:
                show_error(window, tr("Add card"), exc)
            return
        except e.CancelledByUserError as exc:
            window.statusBar().showMessage(exc.message, 8000)
            return
        except e.NotSupportedError as exc:
            # The provider's form cannot run for this account (Square in production): its dashboard can.
            await self._offer_dashboard(customer, exc.message, parent)
            return
        except e.ConsoleError as exc:
            show_error(window, tr("Add card"), exc)
            return
        finally:
            self.running = None
            wait.done(QDialog.DialogCode.Rejected)
            wait.deleteLater()
        updated = await self._after_attach(customer, updated, replacing, parent)
        if then is not None:
            then(updated)

    async def _after_attach(self, before: Customer, updated: Customer, replacing: PaymentMethod | None,
                            parent: QWidget) -> Customer:
        """Say what was added; offer the default and, when replacing, the old card's deletion."""
        from console.services.card_capture import card_form_spec, new_cards

        window, tr = self.window, self.window.tr
        session = window.session
        assert session is not None
        service = session.service
        added = new_cards(before, updated)
        name = service.index.name(updated)
        if not added:
            window.statusBar().showMessage(tr("The card form finished, but {0} shows no new card for {1}.").format(
                service.provider_name, name), 10000)
            return updated
        card = added[0]
        window.statusBar().showMessage(tr("Card added for {0}: {1}.").format(name, card.masked()), 10000)
        cards = self._cards_spec()
        spec = card_form_spec(session)
        try:
            if (cards is not None and cards.can_set_default and spec is not None and spec.has_default
                    and not card.is_default):
                # A replacement becomes the default by definition; a new card only when asked.
                make_default = replacing is not None or await ask(
                    parent, tr("Default card"), tr("Make {0} the default card for {1}?").format(card.masked(), name),
                    labels={Yes: tr("Make it the default"), QMessageBox.StandardButton.No: tr("Not now")}) == Yes
                if make_default:
                    updated = await service.set_default_item(updated, CARDS, card.id)
            if replacing is not None and cards is not None and cards.can_delete and \
                    any(m.id == replacing.id for m in updated.payment_methods):
                answer = await ask(parent, tr("Replace card"),
                                   tr("Delete the old card {0}?").format(replacing.masked()),
                                   informative=tr("{0} has been added. The old card is deleted at {1} now.").format(
                                       card.masked(), service.provider_name),
                                   labels={Yes: tr("Delete the old card"),
                                           QMessageBox.StandardButton.No: tr("Keep it")})
                if answer == Yes:
                    updated = await service.delete_item(updated, CARDS, replacing.id)
                    window.statusBar().showMessage(tr("Replaced {0} with {1} for {2}.").format(
                        replacing.masked(), card.masked(), name), 10000)
        except e.ConsoleError as exc:
            show_error(window, tr("Add card"), exc)
        return updated

    def _cards_spec(self) -> CollectionSpec | None:
        session = self.window.session
        if session is None:
            return None
        return next((c for c in session.service.capabilities.collections if c.kind == CARDS), None)

    async def _offer_dashboard(self, customer: Customer, note: str, parent: QWidget) -> None:
        window, tr = self.window, self.window.tr
        session = window.session
        assert session is not None
        provider = session.service.provider_name
        title = tr("Add card — {0}").format(provider)
        text = tr("Cards for {0} customers are added in {0}'s dashboard.").format(provider)
        if session.account.is_demo:
            await ask(parent, title, text, buttons=QMessageBox.StandardButton.Close,
                      default=QMessageBox.StandardButton.Close, icon=QMessageBox.Icon.Information,
                      informative=note + " " + tr("Demo customers exist only on this computer, so there is no "
                                                  "{0} dashboard to open for them.").format(provider))
            return
        answer = await ask(parent, title, text, informative=note, icon=QMessageBox.Icon.Information,
                           labels={Yes: tr("Open the {0} dashboard").format(provider),
                                   QMessageBox.StandardButton.No: tr("Close")})
        if answer == Yes:
            window.customer_list.row_menu.open_dashboard(customer)
