"""The open account's own entries in the Customer and row menus: making a customer from a provider
reference (a transaction id...), the provider's actions on one customer (such as Disable), its custom
field definitions (Square), and copying the selected customers to another account."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QMessageBox

from console.domain import errors as e
from console.domain.capabilities import ActionSpec
from console.domain.customer import Customer
from console.ui.async_qt import No, Yes, ask
from console.ui.error_message import show_error
from console.ui.write_queue import queue_write

if TYPE_CHECKING:
    from console.ui.copy_dialog import CopyDialog
    from console.ui.custom_fields_dialog import CustomFieldsDialog
    from console.ui.main_window import MainWindow
    from console.ui.reference_dialog import ReferenceDialog



class ProviderActions:
    """Adds the entries to a menu and carries them out."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def add_to(self, menu: QMenu) -> None:
        window = self.window
        if window.session is None:
            return
        caps = window.session.service.capabilities
        # Offline, nothing can be sent either: the same entries are off, with the reason on hover.
        read_only = window.session.account.read_only or window.offline.offline
        if caps.create_from is not None:
            create_from = menu.addAction(caps.create_from.label)
            create_from.setObjectName("createFromAction")
            create_from.setEnabled(not read_only)
            window.offline.mark_write(create_from)
            create_from.triggered.connect(self.create_from_reference)
        if caps.custom_fields:
            manage = menu.addAction(self.window.tr("Custom &fields…"))
            manage.setObjectName("customFieldsAction")
            manage.triggered.connect(self.manage_custom_fields)
        customers = window.customer_list.selected_customers()
        copy = menu.addAction(window.tr("Copy to another account…"))
        copy.setObjectName("copyToAccountAction")
        copy.setEnabled(bool(customers))
        copy.triggered.connect(lambda: self.copy_to_account(customers))
        if caps.card_form is not None:
            add_card = menu.addAction(window.tr("Add card…"))
            add_card.setObjectName("addCardAction")
            add_card.setEnabled(len(customers) == 1 and not read_only)
            window.offline.mark_write(add_card)
            add_card.triggered.connect(lambda: window.card_adding.add(customers[0]))
        for spec in caps.actions:
            action = menu.addAction(spec.label)
            applies = len(customers) == 1 and not all(
                customers[0].value(k) == v for k, v in spec.hidden_when.items()) if spec.hidden_when else \
                len(customers) == 1
            action.setEnabled(applies and not read_only)
            window.offline.mark_write(action)
            action.triggered.connect(lambda _=False, s=spec: self.run_action(s))

    def manage_custom_fields(self) -> CustomFieldsDialog | None:
        """The open account's custom field definitions (Customer → Custom fields…)."""
        session = self.window.session
        if session is None:
            return None
        # The dialogs these actions open are imported when first asked for, not before the first rows.
        from console.ui.custom_fields_dialog import open_custom_fields

        return open_custom_fields(session.custom_fields, account_label=session.account.name,
                                  read_only=session.account.read_only, writes=self.window.tasks, parent=self.window)

    def copy_to_account(self, customers: list[Customer]) -> CopyDialog | None:
        """Copy the selected customers into another account (Customer → Copy to another account…)."""
        window = self.window
        if window.session is None or not customers:
            return None
        from console.ui.copy_dialog import open_copy_dialog

        return open_copy_dialog(window.context, window.session, customers, jobs=window.jobs, parent=window)

    def create_from_reference(self) -> ReferenceDialog | None:
        """Ask for a provider reference and make a customer from it, then open that customer."""
        window, tr = self.window, self.window.tr
        session = window.session
        spec = session.service.capabilities.create_from if session is not None else None
        if session is None or spec is None:
            return None
        from console.ui.reference_dialog import ReferenceDialog

        dialog = ReferenceDialog(spec, window)
        key = session.service.new_idempotency_key()
        what = spec.label.rstrip("…")

        async def create(reference: str) -> None:
            window.statusBar().showMessage(tr("Creating a customer from {0}…").format(reference))
            try:
                customer = await session.service.create_from(reference, idempotency_key=key)
            except e.DuplicateError as exc:
                if exc.existing_id:
                    answer = await ask(window, exc.title, exc.message, informative=tr("Open the existing profile?"),
                                       labels={Yes: tr("Open it"), No: tr("Close")})
                    if answer == Yes:
                        window.editing.open_by_id(exc.existing_id)
                    return
                show_error(window, what, exc)
                return
            except e.ConsoleError as exc:
                show_error(window, what, exc)
                return
            window.editing.saved(customer, created=True)
            if window.session is session:
                window.editing.open_dialog(customer)

        dialog.accepted.connect(lambda: queue_write(window, create(dialog.value())))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def run_action(self, spec: ActionSpec) -> None:
        """Ask, then apply the action to the one selected customer."""
        window, tr = self.window, self.window.tr
        customers = window.customer_list.selected_customers()
        if len(customers) != 1 or window.session is None:
            return
        session, customer = window.session, customers[0]
        what = spec.label.rstrip("…")

        async def confirm_and_run() -> None:
            name = session.service.index.name(customer)
            answer = await ask(window, what, spec.confirm.format(name=name), icon=QMessageBox.Icon.Warning,
                               labels={Yes: what, No: tr("Cancel")})
            if answer == Yes:
                queue_write(window, run(name))

        async def run(name: str) -> None:
            try:
                await session.service.run_action(customer, spec)
            except e.ConsoleError as exc:
                show_error(window, what, exc)
                return
            window.statusBar().showMessage(tr("Done: {0} for {1}.").format(what, name), 8000)

        window.tasks.start(confirm_and_run(), name=f"action:{spec.key}")
