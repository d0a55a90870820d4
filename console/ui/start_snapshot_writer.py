"""Keeping the first screenful of the table for the next start (shown by `start_preview.py`), and
making sure the next start never shows one account's list as another's."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import shiboken6

from console.services.accounts import ALL_ACCOUNTS
from console.services.start_snapshot import StartSnapshot, forget_snapshot, write_snapshot

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class StartSnapshotWriter:
    """Writes the snapshot after each load and at shut-down; knows which account the one on disk shows."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.account_id: str | None = window.context.settings.last_account_id

    def account_opening(self, account_id: str) -> None:
        """Another account is opening: the snapshot on disk no longer shows the next start's list."""
        if self.account_id != account_id:
            forget_snapshot(self.window.context.paths.data_dir)
            self.account_id = None

    def forgotten(self) -> None:
        """The snapshot was deleted (Forget local data)."""
        self.account_id = None

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
        try:
            write_snapshot(window.context.paths.data_dir, snapshot)
        except OSError as exc:
            log.warning("could not keep the start snapshot: %s", exc)
            return
        self.account_id = account_id
