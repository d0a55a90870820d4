"""The All accounts view: every account's customers in one table, each row acting on its own account.

Every account keeps its own session (its service, its index, its confirmations and its load);
the table reads them through one `CombinedIndex`. Opening it opens every account at once; an
account that cannot be opened is named and left out, and the rest are shown.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from console.domain import errors as e
from console.services.accounts import ALL_ACCOUNTS, Account, AccountSession, open_session
from console.services.combined_index import CombinedIndex
from console.services.customer_filters import NO_FILTERS
from console.services.table_columns import all_accounts_columns
from console.ui.all_accounts_loading import AllAccountsLoading
from console.ui.doubt_settling import journal_writes
from console.ui.production_confirmation import ask_before_production_writes

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

_RISK = ("demo", "sandbox", "production")   # the badge shows the most consequential environment present


def account_label(account: Account, environment: str) -> str:
    """How an account is named in the selector and in the Account column: name and environment."""
    return f"{account.name}  [{environment.upper()}]"


class AllAccounts:
    """The sessions of the All accounts view while it is shown (`active`), and whose a row is."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.sessions: dict[str, AccountSession] = {}
        self.index: CombinedIndex | None = None
        self.not_opened: dict[str, str] = {}   # account name -> why it could not be opened
        self.loading = AllAccountsLoading(window, self)

    @property
    def active(self) -> bool:
        return self.index is not None

    # -- whose rows ---------------------------------------------------------------------------
    def session_of_row(self, row: int) -> AccountSession | None:
        """The session of a shown row: its own account's here, else the window's one account."""
        if not self.active:
            return self.window.session
        account_id = self.window.model.account_of(row)
        return self.sessions.get(account_id) if account_id is not None else None

    def writable_sessions(self) -> list[AccountSession]:
        """The accounts a new customer can go to: not read-only, not offline."""
        return [s for s in self.sessions.values() if self.why_not_writable(s) is None]

    def why_not_writable(self, session: AccountSession) -> str | None:
        """Why this account's rows cannot be changed now (read-only, offline), else None."""
        if session.account.read_only:
            return self.window.tr("{0} is read-only (File → Accounts…).").format(session.account.name)
        if self.window.offline.offline_for(session.account.id):
            return self.window.offline.reason(session.account.id)
        return self.window.team_updates.why_away(session)

    def update_actions(self) -> None:
        """New while any account can take one; Delete while every selected row's account can be changed."""
        window, tr = self.window, self.window.tr
        rows = window.customer_list.selected_rows()
        sessions = [s for s in map(self.session_of_row, rows) if s is not None]
        blocked = next((why for s in sessions if (why := self.why_not_writable(s))), None)
        can_create = bool(self.writable_sessions())
        window.new_action.setEnabled(can_create)
        window.new_action.setToolTip(window.new_tip if can_create else
                                     tr("No account can take a new customer now (read-only or offline)."))
        window.edit_action.setEnabled(len(rows) == 1)
        window.delete_action.setEnabled(bool(sessions) and blocked is None)
        window.delete_action.setToolTip(blocked or window.delete_tip)
        window.refresh_action.setEnabled(True)
        window.reset_demo_action.setEnabled(True)

    # -- opening and closing ------------------------------------------------------------------
    async def open(self, accounts: list[Account]) -> None:
        """Open every account and show their customers together (the window has closed what it showed)."""
        window, tr = self.window, self.window.tr
        window.statusBar().showMessage(tr("Opening {0} accounts…").format(len(accounts)))
        window.show_account(tr("All accounts"), self._badge(accounts))
        opened = await asyncio.gather(*(self._open_one(a) for a in accounts), return_exceptions=True)
        sessions = [s for s in opened if isinstance(s, AccountSession)]
        try:
            workspace = await window.local_copy.ready()
        except BaseException:
            for session in sessions:
                await session.aclose()
            raise
        for error in opened:
            if isinstance(error, BaseException) and not isinstance(error, e.ConsoleError):
                for session in sessions:
                    await session.aclose()
                raise error
        self.not_opened = {a.name: r.message for a, r in zip(accounts, opened, strict=True)
                           if isinstance(r, e.ConsoleError)}
        for session in sessions:
            account = session.account
            session.service.keep_locally(workspace.for_account(account.id, account.info.key))
            journal_writes(window, session)
            ask_before_production_writes(window, session)
            self.sessions[account.id] = session
        self.index = CombinedIndex([(s.account.id, account_label(s.account, s.environment), s.service.index)
                                    for s in sessions])
        from console.ui.provider_icons import provider_icon  # drawn (with their fonts' enums) for this view only

        window.model.row_icon = lambda account_id: provider_icon(self.sessions[account_id].account.info.key)
        window.model.set_source(self.index, all_accounts_columns())
        window.customer_list.header.restore(window.preferences.column_layout(ALL_ACCOUNTS))
        window.show_account(tr("All accounts"), self._badge([s.account for s in sessions], sessions))
        filters = window.context.settings.filters.get(ALL_ACCOUNTS, NO_FILTERS)
        window.filter_bar.set_status_field(None, [])   # each provider's statuses differ
        window.filter_bar.set_filters(filters)
        window.model.set_filters(filters)
        window.context.settings.last_account_id = ALL_ACCOUNTS
        window.preferences.save()
        window.update_actions()
        window.customer_list.update_empty_state()
        self.loading.start_all()

    async def _open_one(self, account: Account) -> AccountSession:
        context = self.window.context
        return await open_session(account, secrets=context.secrets, demo=context.demo,
                                  transport=context.transport, confirmations=context.confirmations)

    def _badge(self, accounts: list[Account], sessions: list[AccountSession] | None = None) -> str:
        environments = [s.environment for s in sessions] if sessions else [a.environment for a in accounts]
        return max(environments, key=lambda env: _RISK.index(env) if env in _RISK else 2, default="demo")

    async def close(self) -> None:
        """Stop the loads, let go of the table and close every account's session."""
        if not self.active and not self.sessions:
            return
        self.loading.stop()
        self.window.offline.reset()
        index, self.index = self.index, None
        sessions, self.sessions = list(self.sessions.values()), {}
        self.window.model.row_icon = None
        self.window.customer_list.clear()
        if index is not None:
            index.close()
        for session in sessions:
            with contextlib.suppress(e.ConsoleError):
                await session.aclose()
