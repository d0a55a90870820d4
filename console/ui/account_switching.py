"""The account selector: filling it, opening the chosen account (after the writes under way finish)
and closing the one before, and the accounts dialog that changes the list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from console.domain import errors as e
from console.services import warm_start
from console.services.accounts import ALL_ACCOUNTS, Account, all_accounts, open_session
from console.ui.all_accounts import account_label
from console.ui.custom_field_loading import TASK as CUSTOM_VALUES
from console.ui.doubt_settling import journal_writes
from console.ui.error_message import show_error
from console.ui.filter_bar import show_account_filters
from console.ui.production_confirmation import ask_before_production_writes
from console.ui.write_queue import finish_writes

if TYPE_CHECKING:
    from console.ui.accounts_dialog import AccountsDialog
    from console.ui.main_window import MainWindow


class AccountSwitching:
    """Keeps `window.session` on the account chosen in `window.account_combo`."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.accounts: list[Account] = []
        self.open_failed: str | None = None   # "name: why" of the account that could not be opened
        window.account_combo.currentIndexChanged.connect(self._chosen)

    def reload(self, select: str | None = None) -> None:
        """Refill the account selector (after start-up or the accounts dialog)."""
        window = self.window
        current = select or (window.session.account.id if window.session else None)
        self.accounts = all_accounts(window.context.settings, window.context.demo)
        combo = window.account_combo
        combo.blockSignals(True)
        combo.clear()
        for account in self.accounts:
            combo.addItem(account_label(account, account.environment), account.id)
        if len(self.accounts) > 1:
            combo.insertSeparator(combo.count())
            combo.addItem(window.tr("All accounts"), ALL_ACCOUNTS)
            combo.setItemData(combo.count() - 1, window.tr("Every account's customers in one table"),
                              Qt.ItemDataRole.ToolTipRole)
        if window.all_accounts.active and select is None:
            current = ALL_ACCOUNTS
        index = max(0, combo.findData(current)) if current else 0
        combo.setCurrentIndex(index)
        combo.blockSignals(False)
        window.customer_list.update_empty_state()
        if combo.itemData(index) == ALL_ACCOUNTS:
            window.tasks.start(self.open_all(), name="account")
        elif self.accounts:
            chosen = self.accounts[index]
            if window.session is None or window.session.account != chosen:
                window.tasks.start(self.open(chosen), name="account")

    def _chosen(self, index: int) -> None:
        if self.window.account_combo.itemData(index) == ALL_ACCOUNTS:
            self.window.tasks.start(self.open_all(), name="account")
        elif 0 <= index < len(self.accounts):
            self.window.tasks.start(self.open(self.accounts[index]), name="account")

    def choose(self, account: Account) -> None:
        """Show `account` as chosen in the selector without opening it."""
        combo = self.window.account_combo
        combo.blockSignals(True)
        combo.setCurrentIndex(combo.findData(account.id))
        combo.blockSignals(False)

    async def _close_current(self) -> None:
        """Finish the writes under way, then close what the window shows (one account or All accounts)."""
        window = self.window
        await finish_writes(window, window.tr("Finishing the changes in progress before switching…"))
        window.preferences.keep_columns()
        await window.all_accounts.close()

    async def open_all(self) -> None:
        """Close the current account and show every account's customers together."""
        window = self.window
        await self._close_current()
        window.tasks.cancel("load")
        window.tasks.cancel("lookup")
        window.tasks.cancel(CUSTOM_VALUES)
        window.offline.reset()
        old, window.session = window.session, None
        window.customer_list.clear()
        if old is not None:
            await old.aclose()
        self.open_failed = None
        await window.all_accounts.open(self.accounts)
        window.account_opened.emit(ALL_ACCOUNTS)

    async def open(self, account: Account) -> None:
        """Close the current account (cancelling its reads, finishing its writes) and open `account`."""
        window, context, tr = self.window, self.window.context, self.window.tr
        await self._close_current()
        window.tasks.cancel("load")
        window.tasks.cancel("lookup")
        window.tasks.cancel(CUSTOM_VALUES)
        window.offline.reset()   # retrying belongs to the account being closed
        old, window.session = window.session, None
        window.customer_list.clear()
        show_account_filters(window, account)
        if old is not None:
            await old.aclose()
        self._show_account(account, account.environment)
        window.statusBar().showMessage(tr("Opening {0}…").format(account.name))
        try:
            session = await open_session(account, secrets=context.secrets, demo=context.demo,
                                         transport=context.transport, confirmations=context.confirmations)
        except e.ConsoleError as exc:
            show_error(window, tr("Could not open {0}").format(account.name), exc)
            self.open_failed = f"{account.name}: {exc.message}"
            window.customer_list.update_empty_state()
            return
        self.open_failed = None
        workspace = context.workspace
        if workspace.deferred and warm_start.holds(account.id, workspace.path):
            # A warm start: the copy is being read on a thread of its own; the database opens once it is
            # shown (customer_loading.py), and this account's part of it waits for that.
            local = workspace.before_opening(account.id, account.info.key)
        else:
            # The workspace has been opening on its own thread meanwhile; the load reads the local copy
            # first, so it waits for it here.
            try:
                workspace = await window.local_copy.ready()
            except BaseException:
                await session.aclose()   # cancelled (another account chosen) before it was handed over
                raise
            local = workspace.for_account(account.id, account.info.key)
        session.service.keep_locally(local)
        journal_writes(window, session)
        window.session = session
        ask_before_production_writes(window, session)
        self._show_account(account, session.environment)
        window.customer_list.show_session(session)
        context.settings.last_account_id = account.id
        window.preferences.save()
        window.update_actions()
        window.account_opened.emit(account.id)
        window.loading.start()
        window.draft_restore.offer_once()

    async def close_demo(self) -> Account | None:
        """Close the open account if it is a demo (its data is about to go); returns it to reopen."""
        window = self.window
        session = window.session
        if session is None or not session.account.is_demo:
            return None
        window.tasks.cancel("load")
        window.tasks.cancel("lookup")
        window.tasks.cancel(CUSTOM_VALUES)
        window.session = None
        window.customer_list.clear()
        await session.aclose()
        return session.account

    def _show_account(self, account: Account, environment: str) -> None:
        override = self.window.session.override if self.window.session is not None else None
        self.window.show_account(account.name, environment, override.label if override is not None else None)

    def open_dialog(self) -> AccountsDialog:
        """File → Accounts…; the selector follows what it saves."""
        from console.ui.accounts_dialog import AccountsDialog  # when first opened, not before the first rows

        dialog = AccountsDialog(self.window.context, self.window)
        dialog.accounts_changed.connect(lambda: self.reload())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog
