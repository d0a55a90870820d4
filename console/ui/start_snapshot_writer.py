"""Keeping the first screenful of the table for the next start (shown by `start_preview.py`): the open
account's start view, in the workspace database beside its customers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6

from console.services.accounts import ALL_ACCOUNTS
from console.services.start_snapshot import StartSnapshot, encode_snapshot

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class StartSnapshotWriter:
    """Keeps the open view's snapshot after each load and at shut-down."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def write(self) -> None:
        window = self.window
        session, model = window.session, window.model
        if (session is None and not window.all_accounts.active) or not shiboken6.isValid(window.table):
            return  # nothing open, or the window is already gone (shut down after being deleted)
        if not model.columns or model.filter_text:
            return  # a filtered table is not what the next start shows; the last unfiltered one is kept
        columns = range(len(model.columns))
        rows = tuple(tuple(str(model.data(model.index(r, c)) or "") for c in columns)
                     for r in range(min(model.rowCount(), window.visible_row_count())))
        state = window.table.horizontalHeader().saveState()
        # All accounts: the view's own name and the badge it shows (its most consequential environment).
        account_id = session.account.id if session is not None else ALL_ACCOUNTS
        snapshot = StartSnapshot(
            account_id=account_id, account_label=window.account_combo.currentText(),
            account_name=session.account.name if session is not None else window.account_label.text(),
            environment=session.environment if session is not None else window.badge.text().lower(),
            # Where the next start's window will be: the remembered geometry, not necessarily this one.
            geometry=window.context.settings.window.geometry or "",
            columns=tuple(c.label for c in model.columns),
            header_state=bytes(state.toBase64().data()).decode(), rows=rows)
        # Written on the workspace's thread, a transaction of its own: the window does not wait for the disk.
        window.context.workspace.keep_start_view(account_id, encode_snapshot(snapshot))
