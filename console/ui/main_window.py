"""The main window: assembles the layout, the menus and the status bar, and wires each job's module to them.

What each job does lives in its own module: `account_switching` (the account selector),
`customer_loading`, `customer_search`, `customer_list` (the table), `customer_editing`,
`customer_deleting`, `provider_actions`, `custom_field_loading`, `draft_restore`, `start_snapshot_writer`,
`production_confirmation`, `window_preferences` (what the settings keep), `local_copy` (the
workspace database's setting and notices), and the menus' flows (`forget_data`, `demo_reset`,
`help_menu`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import QMenu

from console.services.accounts import AccountSession
from console.services.context import AppContext
from console.services.customer_filters import NO_FILTERS
from console.ui.account_switching import AccountSwitching
from console.ui.all_accounts import AllAccounts
from console.ui.async_qt import WRITES, TaskRegistry
from console.ui.card_adding import CardAdding
from console.ui.custom_field_loading import CustomFieldLoading
from console.ui.customer_deleting import CustomerDeleting
from console.ui.customer_editing import CustomerEditing
from console.ui.customer_list import CustomerList
from console.ui.customer_loading import CustomerLoading
from console.ui.customer_search import CustomerSearch
from console.ui.customer_table import CustomerTableModel
from console.ui.draft_restore import DraftRestore
from console.ui.empty_state import EmptyState
from console.ui.filter_bar import FilterBar, connect_filter_bar
from console.ui.jobs_panel import JobsPanel
from console.ui.local_copy import LocalCopySetting
from console.ui.menu_actions import connect_menu_actions
from console.ui.offline_bar import OfflineBar
from console.ui.privacy_menu import add_privacy_menu
from console.ui.provider_actions import ProviderActions
from console.ui.start_snapshot_writer import StartSnapshotWriter
from console.ui.team_updates import TeamUpdates
from console.ui.theme import follow_system_changes
from console.ui.window_keys import connect_keys
from console.ui.window_layout import WindowLayout
from console.ui.window_preferences import WindowPreferences


class MainWindow(WindowLayout):
    """One window over one open account at a time, or over all of them (All accounts)."""

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
        self.closers: list[Callable[[], Awaitable[None]]] = []   # awaited at shutdown, before the rest
        self.open_url = QDesktopServices.openUrl   # a seam: tests put a recorder here

        self.model = CustomerTableModel(self)
        self.preferences = WindowPreferences(self)
        self.customer_list = CustomerList(self)
        self.filter_bar = FilterBar(self)
        self.central_layout.insertWidget(1, self.filter_bar)
        connect_filter_bar(self)
        self.offline = OfflineBar(self)
        self.central_layout.insertWidget(2, self.offline)
        self.team_updates = TeamUpdates(self)   # other consoles' saves, in team mode (issue 22)
        self.empty_state = EmptyState(self.table)
        self.searching = CustomerSearch(self)
        self.loading = CustomerLoading(self)
        self.editing = CustomerEditing(self)
        self.deleting = CustomerDeleting(self)
        self.provider_actions = ProviderActions(self)
        self.card_adding = CardAdding(self)
        self.custom_field_loading = CustomFieldLoading(self)
        self.start_snapshot = StartSnapshotWriter(self)
        self.draft_restore = DraftRestore(self)
        self.local_copy = LocalCopySetting(self)
        self.all_accounts = AllAccounts(self)
        self.jobs = JobsPanel(self)
        self.switching = AccountSwitching(self)
        self.new_tip, self.delete_tip = self.new_action.toolTip(), self.delete_action.toolTip()
        self._wire()
        add_privacy_menu(self)   # Tools → Privacy request… (issue 21)

        self.preferences.set_color_scheme(context.settings.color_scheme)
        follow_system_changes()
        self.restore_geometry(context.settings.window.geometry)
        self.switching.reload(select=context.settings.last_account_id)
        self.update_actions()

    def _wire(self) -> None:
        self.customer_list.header.layout_changed.connect(self.preferences.columns_changed)
        self.empty_state.buttons["clear_search"].clicked.connect(self.search.clear)
        self.empty_state.buttons["clear_filters"].clicked.connect(
            lambda: self.filter_bar.set_filters(NO_FILTERS, emit=True))
        self.empty_state.buttons["accounts"].clicked.connect(self.switching.open_dialog)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        self.offline.changed.connect(lambda _offline: self.update_actions())
        # A reset or a filter drops the selection without a selectionChanged: actions follow it anyway.
        for changed in (self.model.modelReset, self.model.layoutChanged, self.model.rowsRemoved):
            changed.connect(lambda *_: self.update_actions())
        self.cancel_button.clicked.connect(self.loading.cancel)
        for action, slot in (
                (self.new_action, self.editing.new_customer), (self.edit_action, self.editing.edit_selected),
                (self.delete_action, self.deleting.delete_selected), (self.refresh_action, self.loading.start),
                (self.find_action, self.searching.focus), (self.accounts_action, self.switching.open_dialog),
                (self.quit_action, self.close), (self.jobs_action, self.jobs.reveal)):
            action.triggered.connect(slot)
        connect_menu_actions(self)
        self.enable_shortcuts()
        connect_keys(self)

    def _add_provider_actions(self, menu: QMenu) -> None:
        if self.session is not None:
            self.provider_actions.add_to(menu)

    def update_actions(self) -> None:
        """Enable what the open account and the selection allow."""
        if self.all_accounts.active:
            self.all_accounts.update_actions()
            return
        has_session = self.session is not None
        writable = has_session and not (self.session and self.session.account.read_only)
        away = self.team_updates.why_away(self.session)
        offline = self.offline.offline or away is not None
        count = len(self.customer_list.selected_rows())
        self.new_action.setEnabled(bool(writable) and not offline)
        self.edit_action.setEnabled(has_session and count == 1)
        self.delete_action.setEnabled(bool(writable) and count >= 1 and not offline)
        for action, tip in ((self.new_action, self.new_tip), (self.delete_action, self.delete_tip)):
            action.setToolTip(self.offline.reason() if self.offline.offline else away or tip)
        self.refresh_action.setEnabled(has_session)
        self.reset_demo_action.setEnabled(True)

    # -- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.preferences.remember_window()
        if self.tasks.busy(WRITES):
            # Quitting would cut a delete or change off partway; it finishes within its timeouts.
            event.ignore()
            self.statusBar().showMessage(self.tr("A change is still being sent; quit once it has finished."))
            return
        dialog = self.editing.unsaved_dialog()
        if dialog is not None:
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
        self.start_snapshot.write()
        for close in list(self.closers):   # connections a window of its own opened (a privacy request)
            await close()
        await self.tasks.cancel_all()
        await self.editing.cancel_all()
        await self.all_accounts.close()
        await self.jobs.close_sessions()
        if self.session is not None:
            session, self.session = self.session, None
            await session.aclose()
        self.context.demo.flush()
