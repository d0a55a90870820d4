"""The main window: account selector, search field, customer table, actions and status bar."""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import Coroutine
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeyEvent
from PySide6.QtWidgets import QMenu, QMessageBox

from console import __version__
from console.domain import errors as e
from console.domain.capabilities import ActionSpec
from console.domain.customer import Customer
from console.services.accounts import Account, AccountSession, all_accounts, open_session
from console.services.context import AppContext
from console.services.customer_filters import NO_FILTERS
from console.services.customer_service import LoadProgress
from console.services.drafts import Draft
from console.services.settings import ColumnLayout
from console.services.start_snapshot import StartSnapshot, forget_snapshot, write_snapshot
from console.services.table_columns import table_columns
from console.ui.accounts_dialog import AccountsDialog
from console.ui.async_qt import WRITES, TaskRegistry, ask
from console.ui.customer_table import CustomerTableModel
from console.ui.diagnostics_dialog import DiagnosticsDialog
from console.ui.edit_dialog import CustomerDialog
from console.ui.empty_state import EmptyState
from console.ui.filter_bar import FilterBar, connect_filter_bar, show_filter_count
from console.ui.forget_data import forget_local_data_flow
from console.ui.reference_dialog import ReferenceDialog
from console.ui.row_context_menu import RowMenu
from console.ui.server_lookup import ServerLookup
from console.ui.table_header import TableHeader
from console.ui.theme import apply_color_scheme, follow_system_changes
from console.ui.window_keys import connect_keys
from console.ui.window_layout import WindowLayout
from console.ui.wording import count_of

log = logging.getLogger(__name__)

Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No

MAX_NAMED = 10


class MainWindow(WindowLayout):
    """One window over one open account at a time."""

    account_opened = Signal(str)      # account id, once its session is ready
    first_page_shown = Signal()       # the first page of customers is in the table
    load_finished = Signal(object)    # LoadProgress (or the ConsoleError that stopped it)
    lookup_finished = Signal(int)     # customers the server lookup found
    customers_deleted = Signal(list)  # ids
    closed = Signal()

    session: AccountSession | None = None  # also while the layout builds its menus

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.tasks = TaskRegistry()
        self.accounts: list[Account] = []
        self._first_page_seen = False
        self._dialogs: list[CustomerDialog] = []
        self._production_confirmed: set[str] = set()   # account ids, for this app session
        self._drafts_offered = False
        self._settings_problem_shown = False
        self._open_failed: str | None = None
        # The start snapshot on disk belongs to the account last opened (see _write_snapshot).
        self._snapshot_account = context.settings.last_account_id

        self.model = CustomerTableModel(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # load order
        self.columns = TableHeader(self.table, self.model)
        self.columns.layout_changed.connect(self._columns_changed)
        self.row_menu = RowMenu(self)
        self.open_url = QDesktopServices.openUrl   # a seam: tests put a recorder here
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self.row_menu.build().popup(self.table.viewport().mapToGlobal(pos)))
        self.filter_bar = FilterBar(self)
        self.central_layout.insertWidget(1, self.filter_bar)
        connect_filter_bar(self)
        self.empty_state = EmptyState(self.table)
        self.empty_state.buttons["clear_search"].clicked.connect(self.search.clear)
        self.empty_state.buttons["clear_filters"].clicked.connect(lambda: self.filter_bar.set_filters(
            NO_FILTERS, emit=True))
        self.empty_state.buttons["accounts"].clicked.connect(self.open_accounts)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        # A reset or a filter drops the selection without a selectionChanged: actions follow it anyway.
        for changed in (self.model.modelReset, self.model.layoutChanged, self.model.rowsRemoved):
            changed.connect(lambda *_: self._update_actions())
        self._connect_actions()
        self.enable_shortcuts()
        self.account_combo.currentIndexChanged.connect(self._account_chosen)
        self.search.textChanged.connect(self._search_changed)
        self.lookup = ServerLookup(self)
        self.search.returnPressed.connect(lambda: self.lookup.start(explicit=True))
        self.search.installEventFilter(self)
        self.cancel_button.clicked.connect(self.cancel_load)
        self.model.counts_changed.connect(self._show_counts)
        connect_keys(self)

        self.set_color_scheme(context.settings.color_scheme)
        follow_system_changes()
        self.restore_geometry(context.settings.window.geometry)
        self.reload_accounts(select=context.settings.last_account_id)
        self._update_actions()

    def set_color_scheme(self, choice: str) -> None:
        """Follow the system or force light or dark (View → Appearance); remembered in settings."""
        apply_color_scheme(choice)
        self.scheme_actions[choice].setChecked(True)
        if self.context.settings.color_scheme != choice:
            self.context.settings.color_scheme = choice  # type: ignore[assignment]
            self._save_settings()

    def _connect_actions(self) -> None:
        for action, slot in ((self.new_action, self.new_customer), (self.edit_action, self.edit_selected),
                             (self.delete_action, self.delete_selected), (self.refresh_action, self.refresh),
                             (self.find_action, self.focus_search), (self.accounts_action, self.open_accounts),
                             (self.reset_demo_action, self.reset_demo), (self.quit_action, self.close),
                             (self.forget_data_action, self.forget_local_data),
                             (self.about_action, self.about), (self.diagnostics_action, self.show_diagnostics)):
            action.triggered.connect(slot)

    def _add_provider_actions(self, menu: QMenu) -> None:
        if self.session is None:
            return
        caps = self.session.service.capabilities
        if caps.create_from is not None:
            create_from = menu.addAction(caps.create_from.label)
            create_from.setObjectName("createFromAction")
            create_from.setEnabled(not self.session.account.read_only)
            create_from.triggered.connect(self.create_from_reference)
        customers = self.selected_customers()
        for spec in self.session.service.capabilities.actions:
            action = menu.addAction(spec.label)
            applies = len(customers) == 1 and not all(
                customers[0].value(k) == v for k, v in spec.hidden_when.items()) if spec.hidden_when else \
                len(customers) == 1
            action.setEnabled(applies and not self.session.account.read_only)
            action.triggered.connect(lambda _=False, s=spec: self.run_action(s))

    # -- accounts -----------------------------------------------------------------------------
    def reload_accounts(self, select: str | None = None) -> None:
        """Refill the account selector (after start-up or the accounts dialog)."""
        current = select or (self.session.account.id if self.session else None)
        self.accounts = all_accounts(self.context.settings, self.context.demo)
        self.account_combo.blockSignals(True)
        self.account_combo.clear()
        for account in self.accounts:
            env = account.environment.upper()
            self.account_combo.addItem(f"{account.name}  [{env}]", account.id)
        index = max(0, self.account_combo.findData(current)) if current else 0
        self.account_combo.setCurrentIndex(index)
        self.account_combo.blockSignals(False)
        self._update_empty_state()
        if self.accounts:
            chosen = self.accounts[index]
            if self.session is None or self.session.account != chosen:
                self.tasks.start(self.open_account(chosen), name="account")

    def _account_chosen(self, index: int) -> None:
        if 0 <= index < len(self.accounts):
            self.tasks.start(self.open_account(self.accounts[index]), name="account")

    async def open_account(self, account: Account) -> None:
        """Close the current account (cancelling its reads, finishing its writes) and open `account`."""
        if self.tasks.busy(WRITES):
            self.statusBar().showMessage(self.tr("Finishing the changes in progress before switching…"))
            await self.tasks.idle(WRITES)
        self.tasks.cancel("load")
        self.tasks.cancel("lookup")
        self._save_columns()
        old, self.session = self.session, None
        self.model.set_source(None, ())
        filters = self.context.settings.filters.get(account.id, NO_FILTERS)
        self.filter_bar.set_status_field(account.info.capabilities.status_filter, [])
        self.filter_bar.set_filters(filters)
        show_filter_count(self, filters)
        self.model.set_filters(filters)
        if old is not None:
            await old.aclose()
        self._show_account(account, account.environment)
        if self._snapshot_account != account.id:
            # Next start must not show another account's list as this one's.
            forget_snapshot(self.context.paths.data_dir)
            self._snapshot_account = None
        self.statusBar().showMessage(self.tr("Opening {0}…").format(account.name))
        try:
            session = await open_session(account, secrets=self.context.secrets, demo=self.context.demo,
                                         transport=self.context.transport)
        except e.ConsoleError as exc:
            self._show_error(self.tr("Could not open {0}").format(account.name), exc)
            self._open_failed = f"{account.name}: {exc.message}"
            self._update_empty_state()
            return
        self._open_failed = None
        self.session = session
        if session.environment == "production":
            session.service.confirm_first_write = lambda: self._confirm_production_write(account)
        self._show_account(account, session.environment)
        caps = session.service.capabilities
        tips = {"name": caps.name_source} if caps.name_source else {}
        self.model.set_source(session.service.index, table_columns(caps), tips)
        self.columns.restore(self.context.settings.columns.get(caps.provider, ColumnLayout()))
        self.context.settings.last_account_id = account.id
        self._save_settings()
        self._update_actions()
        self.account_opened.emit(account.id)
        self.start_load()
        if not self._drafts_offered:
            self._drafts_offered = True
            self.tasks.start(self._offer_drafts(), name="drafts")

    async def _confirm_production_write(self, account: Account) -> bool:
        """Ask before the first change to a production account in this session."""
        if account.id in self._production_confirmed:
            return True
        answer = await ask(
            self, self.tr("Change live data?"),
            self.tr("{0} is a PRODUCTION account: changes affect real customers.").format(account.name),
            informative=self.tr("This is the first change to {0} in this session. Go ahead? You will not "
                                "be asked again until the app is restarted.").format(account.name),
            icon=QMessageBox.Icon.Warning,
            labels={Yes: self.tr("Change live data"), No: self.tr("Don't change it")})
        if answer == QMessageBox.StandardButton.Yes:
            self._production_confirmed.add(account.id)
            return True
        return False

    async def _offer_drafts(self) -> None:
        """After a crash, offer back whatever was typed in dialogs that never closed."""
        for key, draft in self.context.drafts.pending():
            when = draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
            who = draft.customer_name or self.tr("a customer")
            answer = await ask(
                self, self.tr("Restore unsaved edit?"),
                self.tr("Customer Console closed while you were editing {0} in {1} ({2}).").format(
                    who, draft.account_name, when),
                informative=self.tr("Restore what you had typed? Discard deletes it."),
                buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
                default=QMessageBox.StandardButton.Yes,
                labels={Yes: self.tr("Restore my edit"), QMessageBox.StandardButton.Discard: self.tr("Discard it")})
            if answer != QMessageBox.StandardButton.Yes:
                self.context.drafts.discard(key)
                continue
            await self._restore_draft(key, draft)

    async def _restore_draft(self, key: str, draft: Draft) -> None:
        account = next((a for a in self.accounts if a.id == draft.account_id), None)
        if account is None:
            self.statusBar().showMessage(self.tr("The account of that draft ({0}) no longer exists; the draft "
                                                 "is kept in {1}.").format(draft.account_name,
                                                                           self.context.drafts.directory))
            return
        if self.session is None or self.session.account.id != account.id:
            self.account_combo.blockSignals(True)
            self.account_combo.setCurrentIndex(self.accounts.index(account))
            self.account_combo.blockSignals(False)
            await self.open_account(account)
        if self.session is None:
            return
        customer = None
        if draft.customer_id is not None:
            try:
                customer = await self.session.service.fetch(draft.customer_id)
            except e.NotFoundError:
                self.statusBar().showMessage(self.tr("{0} no longer exists; your draft opens as a new "
                                                     "customer.").format(draft.customer_name))
            except e.ConsoleError as exc:
                self._show_error(self.tr("Could not open the customer of your draft (it is kept)"), exc)
                return
        dialog = self._open_dialog(customer, draft_key=key)
        if dialog is not None:
            dialog.restore_draft(draft)

    def _show_account(self, account: Account, environment: str) -> None:
        override = self.session.override if self.session is not None else None
        self.show_account(account.name, environment, override.label if override is not None else None)

    def open_accounts(self) -> None:
        dialog = AccountsDialog(self.context, self)
        dialog.accounts_changed.connect(lambda: self.reload_accounts())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    # -- loading ------------------------------------------------------------------------------
    def start_load(self) -> None:
        if self.session is not None:
            self.tasks.start(self._load(self.session), name="load")

    def refresh(self) -> None:
        self.start_load()

    def cancel_load(self) -> None:
        self.tasks.cancel("load")

    async def _load(self, session: AccountSession) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Loading…"))
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.statusBar().showMessage(self.tr("Loading customers from {0}…").format(session.account.name))

        def on_progress(progress: LoadProgress) -> None:
            # Loaded customers live as long as the window. Moving everything alive now out of the
            # collector's sight keeps its full passes (100 ms at 10,000 customers) from stalling
            # the window while a load runs (P6 in benchmarks/run.py). O(1); see gc.freeze().
            gc.freeze()
            if progress.total:
                self.progress.setRange(0, progress.total)
                self.progress.setValue(min(progress.loaded, progress.total))
                self.progress.setFormat(self.tr("%v of %m"))
            else:
                self.progress.setFormat(self.tr("{0} loaded").format(progress.loaded))
            if progress.pages and not self._first_page_seen:
                self._first_page_seen = True
                self.columns.fit_first_columns(done=False)
                if self.table.currentIndex().row() < 0 and self.model.rowCount():
                    self.table.setCurrentIndex(self.model.index(0, 0))
                    self.table.clearSelection()
                self.first_page_shown.emit()

        try:
            progress = await session.service.load(on_progress)
        except asyncio.CancelledError:
            self.statusBar().showMessage(self.tr("Loading stopped; {0} customers loaded.").format(
                self.model.loaded_count()))
            raise
        except e.ConsoleError as exc:
            self._show_error(self.tr("Loading customers failed"), exc)
            self.load_finished.emit(exc)
            return
        finally:
            self.progress.setVisible(False)
            self.cancel_button.setVisible(False)
        if progress.failures:
            self.statusBar().showMessage(self.tr("Loaded {0} customers; {1} could not be read: {2}").format(
                progress.loaded, len(progress.failures), progress.failures[0].message))
        else:
            self.statusBar().showMessage(self.tr("Loaded {0} customers.").format(progress.loaded), 8000)
        self.columns.fit_first_columns(done=True)
        self._write_snapshot()
        self.filter_bar.set_status_field(session.service.capabilities.status_filter,
                                         session.service.index.status_values())
        if not self._first_page_seen:
            self._first_page_seen = True
            self.first_page_shown.emit()
        self.load_finished.emit(progress)

    def _show_counts(self, visible: int, loaded: int) -> None:
        if visible == loaded:
            self.count_label.setText(count_of(loaded, self.tr("customer"), self.tr("customers")))
        else:
            self.count_label.setText(self.tr("{0:n} of {1:n} shown").format(visible, loaded))
        self._update_empty_state()

    def _update_empty_state(self) -> None:
        self.empty_state.update_for(self.model, has_accounts=bool(self.accounts), open_failed=self._open_failed,
                                    session_open=self.session is not None)

    # -- searching ----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self.lookup.timer.start()

    # -- selection ----------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def selected_customers(self) -> list[Customer]:
        rows = self.selected_rows()
        if not rows and self.table.currentIndex().isValid() and self.table.hasFocus():
            rows = [self.table.currentIndex().row()]
        return self.model.customers(rows)

    def select_customer(self, customer_id: str) -> None:
        row = self.model.row_of(customer_id)
        if row is None and self.search.text():
            self.search.clear()
            row = self.model.row_of(customer_id)
        if row is not None:
            index = self.model.index(row, 0)
            self.table.setCurrentIndex(index)
            self.table.selectRow(row)
            self.table.scrollTo(index)

    def _update_actions(self) -> None:
        has_session = self.session is not None
        writable = has_session and not (self.session and self.session.account.read_only)
        count = len(self.selected_rows())
        self.new_action.setEnabled(bool(writable))
        self.edit_action.setEnabled(has_session and count == 1)
        self.delete_action.setEnabled(bool(writable) and count >= 1)
        self.refresh_action.setEnabled(has_session)
        self.reset_demo_action.setEnabled(True)

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self.edit_selected()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.table and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_selected()
                return True
            if watched is self.search:
                if event.key() == Qt.Key.Key_Escape and self.search.text():
                    self.search.clear()
                    return True
                if event.key() == Qt.Key.Key_Down:
                    self.table.setFocus()
                    if self.model.rowCount() and not self.selected_rows():
                        self.table.selectRow(0)
                    return True
        return super().eventFilter(watched, event)

    # -- editing ------------------------------------------------------------------------------
    def _open_dialog(self, customer: Customer | None, draft_key: str | None = None) -> CustomerDialog | None:
        if self.session is None:
            return None
        session = self.session
        dialog = CustomerDialog(session.service, customer, account_label=session.account.name,
                                environment=session.environment, account_id=session.account.id,
                                drafts=self.context.drafts, draft_key=draft_key, parent=self)
        dialog.saved.connect(lambda c: self._saved(c, created=customer is None))
        dialog.open_existing.connect(self.open_customer_by_id)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self._dialogs.append(dialog)
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: CustomerDialog) -> None:
        if dialog in self._dialogs:
            self._dialogs.remove(dialog)
        dialog.deleteLater()
        self.table.setFocus()

    def new_customer(self) -> CustomerDialog | None:
        return self._open_dialog(None)

    def edit_selected(self) -> CustomerDialog | None:
        customers = self.selected_customers()
        if len(customers) != 1:
            return None
        return self._open_dialog(customers[0])

    def open_customer_by_id(self, customer_id: str) -> None:
        if self.session is None:
            return
        session = self.session

        async def fetch_and_open() -> None:
            try:
                customer = await session.service.fetch(customer_id)
            except e.ConsoleError as exc:
                self._show_error(self.tr("Could not open that customer"), exc)
                return
            if self.session is session:
                self.select_customer(customer.id)
                self._open_dialog(customer)

        self.tasks.start(fetch_and_open(), name="open-existing")

    def create_from_reference(self) -> ReferenceDialog | None:
        """Ask for a provider reference (a transaction id...) and make a customer from it."""
        session = self.session
        spec = session.service.capabilities.create_from if session is not None else None
        if session is None or spec is None:
            return None
        dialog = ReferenceDialog(spec, self)
        key = uuid.uuid4().hex

        async def create(reference: str) -> None:
            self.statusBar().showMessage(self.tr("Creating a customer from {0}…").format(reference))
            try:
                customer = await session.service.create_from(reference, idempotency_key=key)
            except e.DuplicateError as exc:
                if exc.existing_id:
                    answer = await ask(self, exc.title, exc.message,
                                       informative=self.tr("Open the existing profile?"),
                                       labels={Yes: self.tr("Open it"), No: self.tr("Close")})
                    if answer == QMessageBox.StandardButton.Yes:
                        self.open_customer_by_id(exc.existing_id)
                    return
                self._show_error(spec.label.rstrip("…"), exc)
                return
            except e.ConsoleError as exc:
                self._show_error(spec.label.rstrip("…"), exc)
                return
            self._saved(customer, created=True)
            if self.session is session:
                self._open_dialog(customer)

        dialog.accepted.connect(lambda: self._queue_write(create(dialog.value())))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _saved(self, customer: Customer, *, created: bool) -> None:
        name = self.session.service.index.name(customer) if self.session else customer.id
        message = self.tr("Created {0}.") if created else self.tr("Saved {0}.")
        self.statusBar().showMessage(message.format(name), 8000)
        self.select_customer(customer.id)

    def _queue_write(self, write: Coroutine[Any, Any, None]) -> None:
        """Run a write after those already under way: a write is never cancelled by a later one."""
        if self.tasks.busy(WRITES):
            self.statusBar().showMessage(self.tr("Waiting for the change in progress to finish…"))
        self.tasks.queue(write, WRITES)

    def delete_selected(self) -> None:
        customers = self.selected_customers()
        if customers and self.session is not None:
            self.tasks.start(self._confirm_delete(self.session, customers), name="confirm-delete")

    async def _confirm_delete(self, session: AccountSession, customers: list[Customer]) -> None:
        names = [session.service.index.name(c) for c in customers]
        shown = "\n".join(f"• {n}" for n in names[:MAX_NAMED])
        if len(names) > MAX_NAMED:
            shown += "\n" + self.tr("…and {0} more").format(len(names) - MAX_NAMED)
        question = (self.tr("Delete this customer from {0}?") if len(customers) == 1
                    else self.tr("Delete these {1} customers from {0}?")).format(
                        session.account.name, len(customers))
        answer = await ask(self, self.tr("Delete customers"), question,
                           informative=shown + "\n\n" + self.tr("This cannot be undone."),
                           icon=QMessageBox.Icon.Warning,
                           labels={Yes: self.tr("Delete {0}").format(count_of(len(customers), self.tr("customer"),
                                                                              self.tr("customers"))),
                                   No: self.tr("Keep them") if len(customers) > 1 else self.tr("Keep it")})
        if answer != QMessageBox.StandardButton.Yes or self.session is not session:
            return
        self._queue_write(self._delete(session, customers))

    async def _delete(self, session: AccountSession, customers: list[Customer]) -> None:
        self.statusBar().showMessage(self.tr("Deleting {0}…").format(count_of(len(customers), self.tr("customer"),
                                                                                  self.tr("customers"))))
        try:
            result = await session.service.delete_many(customers)
        except e.ConsoleError as exc:
            self._show_error(self.tr("Deleting failed"), exc)
            return
        if result.failed:
            first = next(iter(result.failed.values()))
            self._show_error(self.tr("{0} of {1} customers could not be deleted").format(
                len(result.failed), len(customers)), first)
        else:
            self.statusBar().showMessage(self.tr("Deleted {0}.").format(
                count_of(len(result.succeeded), self.tr("customer"), self.tr("customers"))),
                                         8000)
        self.customers_deleted.emit(list(result.succeeded))

    def run_action(self, spec: ActionSpec) -> None:
        customers = self.selected_customers()
        if len(customers) != 1 or self.session is None:
            return
        session, customer = self.session, customers[0]

        async def confirm_and_run() -> None:
            name = session.service.index.name(customer)
            answer = await ask(self, spec.label.rstrip("…"), spec.confirm.format(name=name),
                               icon=QMessageBox.Icon.Warning,
                               labels={Yes: spec.label.rstrip("…"), No: self.tr("Cancel")})
            if answer == QMessageBox.StandardButton.Yes:
                self._queue_write(run(name))

        async def run(name: str) -> None:
            try:
                await session.service.run_action(customer, spec)
            except e.ConsoleError as exc:
                self._show_error(spec.label.rstrip("…"), exc)
                return
            self.statusBar().showMessage(self.tr("Done: {0} for {1}.").format(spec.label.rstrip("…"), name),
                                         8000)

        self.tasks.start(confirm_and_run(), name=f"action:{spec.key}")

    # -- demo, about --------------------------------------------------------------------------
    def reset_demo(self) -> None:
        async def confirm_and_reset() -> None:
            answer = await ask(self, self.tr("Reset demo data"),
                               self.tr("Put every demo account back to its original customers?"),
                               informative=self.tr("Changes you made in the demo accounts are lost. "
                                                   "Real accounts are not touched."),
                               labels={Yes: self.tr("Reset demo data"), No: self.tr("Keep my changes")})
            if answer != QMessageBox.StandardButton.Yes:
                return
            await self.tasks.idle(WRITES)   # a write under way finishes before its data is replaced
            self.tasks.cancel("load")
            self.context.demo.reset()
            if self.session is not None and self.session.account.is_demo:
                await self.open_account(self.session.account)
            self.statusBar().showMessage(self.tr("Demo data reset."), 8000)

        self.tasks.start(confirm_and_reset(), name="reset-demo")

    def forget_local_data(self) -> None:
        self.tasks.start(forget_local_data_flow(self), name="forget-data")

    def has_open_dialogs(self) -> bool:
        return bool(self._dialogs)

    async def close_demo_session(self) -> Account | None:
        """Close the open account if it is a demo (its data is about to go); returns it to reopen."""
        session = self.session
        if session is None or not session.account.is_demo:
            return None
        self.tasks.cancel("load")
        self.tasks.cancel("lookup")
        self.session = None
        self.model.set_source(None, ())
        await session.aclose()
        return session.account

    def forget_snapshot_account(self) -> None:
        self._snapshot_account = None

    def about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About Customer Console"),
                          self.tr("Customer Console {0}\n\nSearch, create, edit and delete the customer "
                                  "profiles your business keeps at payment providers.").format(__version__),
                          QMessageBox.StandardButton.Ok, self)
        box.finished.connect(box.deleteLater)
        box.open()

    def show_diagnostics(self) -> DiagnosticsDialog:
        current = None
        if self.session is not None:
            current = f"{self.session.account.name} ({self.session.environment})"
        dialog = DiagnosticsDialog(self.context, current, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _show_error(self, what: str, exc: e.ConsoleError) -> None:
        log.warning("%s: %s (%s)", what, type(exc).__name__, exc.code)
        self.statusBar().showMessage(f"{what}: {exc.message}")
        if isinstance(exc, e.CancelledByUserError):
            return  # the user just said no; a box would only repeat it
        box = QMessageBox(QMessageBox.Icon.Warning, exc.title, f"{what}.", QMessageBox.StandardButton.Ok,
                          self)
        box.setObjectName("errorBox")
        box.setInformativeText(exc.message)
        box.finished.connect(box.deleteLater)
        box.open()

    # -- layout persistence -------------------------------------------------------------------
    def _save_columns(self) -> None:
        if self.session is None or not self.model.columns:
            return
        self.context.settings.columns[self.session.service.capabilities.provider] = self.columns.layout()

    def _columns_changed(self) -> None:
        self._save_columns()
        self._save_settings()

    def _save_settings(self) -> None:
        """Save settings; the first failure in a session is shown, later ones only logged."""
        problem = self.context.save_settings()
        if problem and not self._settings_problem_shown:
            self._settings_problem_shown = True
            self.statusBar().showMessage(problem)
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Settings not saved"), problem,
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("noticeBox")
            box.finished.connect(box.deleteLater)
            box.open()

    def _remember_window(self) -> None:
        self._save_columns()
        self.context.settings.window.geometry = self.saved_geometry()
        self._save_settings()

    def _write_snapshot(self) -> None:
        """Keep the first screenful of the table for the next start (`console/ui/start_preview.py`)."""
        session = self.session
        if session is None or not shiboken6.isValid(self.table):
            return  # nothing open, or the window is already gone (shut down after being deleted)
        if not self.model.columns or self.model.filter_text:
            return  # a filtered table is not what the next start shows; the last unfiltered one is kept
        columns = range(len(self.model.columns))
        rows = tuple(tuple(str(self.model.data(self.model.index(r, c)) or "") for c in columns)
                     for r in range(min(self.model.rowCount(), self.visible_row_count())))
        state = self.table.horizontalHeader().saveState()
        snapshot = StartSnapshot(
            account_id=session.account.id, account_label=self.account_combo.currentText(),
            account_name=session.account.name, environment=session.environment,
            # Where the next start's window will be: the remembered geometry, not necessarily this one.
            geometry=self.context.settings.window.geometry or "",
            columns=tuple(c.label for c in self.model.columns),
            header_state=bytes(state.toBase64().data()).decode(), rows=rows)
        try:
            write_snapshot(self.context.paths.data_dir, snapshot)
        except OSError as exc:
            log.warning("could not keep the start snapshot: %s", exc)
            return
        self._snapshot_account = session.account.id

    # -- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_window()
        if self.tasks.busy(WRITES):
            # Quitting would cut a delete or change off partway; it finishes within its timeouts.
            event.ignore()
            self.statusBar().showMessage(self.tr("A change is still being sent; quit once it has finished."))
            return
        for dialog in list(self._dialogs):
            if dialog.has_unsaved_changes():
                # Never drop typed edits silently: bring the dialog forward instead of closing.
                event.ignore()
                dialog.raise_()
                dialog.activateWindow()
                self.statusBar().showMessage(self.tr("Save or cancel the open customer before quitting."))
                return
        event.accept()
        self.closed.emit()

    async def shutdown(self) -> None:
        """Cancel everything in flight and close the account's connections."""
        self._write_snapshot()
        await self.tasks.cancel_all()
        for dialog in list(self._dialogs):
            await dialog.tasks.cancel_all()
        if self.session is not None:
            session, self.session = self.session, None
            await session.aclose()
        self.context.demo.flush()

