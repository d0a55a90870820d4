"""Loading the All accounts view: every account at once, each from its local copy first and then
from its provider, with one progress bar for all; an account that cannot be reached goes offline
on its own (its rows read-only, retried with backoff) while the others load."""

from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from console.domain import errors as e
from console.services.accounts import AccountSession
from console.services.customer_service import LoadProgress
from console.ui.customer_loading import data_as_of
from console.ui.offline_bar import TASK as RETRY_TASK
from console.ui.offline_bar import is_unreachable

if TYPE_CHECKING:
    from console.ui.all_accounts import AllAccounts
    from console.ui.main_window import MainWindow

TASK = "load"   # each account's load is "load:<account id>"


@dataclass
class AllLoaded:
    """What `window.load_finished` carries once every account of the view has finished loading."""

    loaded: int = 0
    failed: dict[str, str] = field(default_factory=dict)    # account name -> why its load failed
    offline: list[str] = field(default_factory=list)         # account names that could not be reached


class AllAccountsLoading:
    """One load task per account; `window.load_finished` is emitted (with `AllLoaded`) when none runs."""

    def __init__(self, window: MainWindow, view: AllAccounts) -> None:
        self.window = window
        self.view = view
        self.progress: dict[str, LoadProgress] = {}
        self.running: set[str] = set()
        self.as_of: dict[str, datetime | None] = {}
        self.failed: dict[str, str] = {}
        self._first_seen = False

    def start_all(self) -> None:
        self._first_seen = False
        for account_id in self.view.sessions:
            self.start(account_id)

    def start(self, account_id: str) -> None:
        """(Re)load one account of the view, if it is open."""
        session = self.view.sessions.get(account_id)
        if session is not None:
            self.window.tasks.start(self._load(session), name=f"{TASK}:{account_id}")

    def stop(self) -> None:
        for account_id in [*self.view.sessions, *self.running]:
            self.window.tasks.cancel(f"{TASK}:{account_id}")
            self.window.tasks.cancel(f"{RETRY_TASK}:{account_id}")
        self.running.clear()
        self.progress.clear()
        self.failed.clear()
        self._show_progress()

    async def _load(self, session: AccountSession) -> None:
        window, tr = self.window, self.window.tr
        account_id = session.account.id
        self.running.add(account_id)
        self.failed.pop(session.account.name, None)
        self._show_progress()
        try:
            if len(session.service.index) == 0:   # its local copy first, painted from its first batch
                kept = await session.service.load_local(self._batch_shown)
                self.as_of[account_id] = kept.data_as_of if kept is not None else None
            progress = await session.service.load(lambda p: self._progressed(account_id, p))
        except asyncio.CancelledError:
            self.running.discard(account_id)
            raise
        except e.ConsoleError as exc:
            if is_unreachable(exc):
                window.offline.account_offline(account_id, session.account.name,
                                               data_as_of(tr, self.as_of.get(account_id)))
            else:
                self.failed[session.account.name] = exc.message
        else:
            self.progress[account_id] = progress
            self.as_of[account_id] = datetime.now().astimezone()
            window.offline.account_online(account_id)
        self.running.discard(account_id)
        self._show_progress()
        if not self.running:
            self._finished()

    def _batch_shown(self, _count: int) -> None:
        gc.freeze()   # these live as long as the view (see CustomerLoading._show_progress)
        self._first_rows()

    def _progressed(self, account_id: str, progress: LoadProgress) -> None:
        gc.freeze()
        self.progress[account_id] = progress
        if progress.pages:
            self._first_rows()
        self._show_progress()

    def _first_rows(self) -> None:
        window = self.window
        if window.model.rowCount() and not self._first_seen:
            self._first_seen = True
            window.customer_list.first_page_shown()
            window.first_page_shown.emit()

    def _show_progress(self) -> None:
        window, tr = self.window, self.window.tr
        busy = bool(self.running)
        window.progress.setVisible(busy)
        window.cancel_button.setVisible(False)   # each account's load is its own; Refresh starts them again
        if not busy:
            return
        loaded = sum(p.loaded for p in self.progress.values())
        totals = [p.total for p in self.progress.values()]
        if totals and all(t is not None for t in totals) and len(totals) == len(self.view.sessions):
            total = sum(t for t in totals if t is not None)
            window.progress.setRange(0, total)
            window.progress.setValue(min(loaded, total))
            window.progress.setFormat(tr("%v of %m"))
        else:
            window.progress.setRange(0, 0)
            window.progress.setFormat(tr("{0} loaded").format(loaded))
        window.statusBar().showMessage(tr("Loading customers from {0} of {1} accounts…").format(
            len(self.running), len(self.view.sessions)))

    def _finished(self) -> None:
        window, tr = self.window, self.window.tr
        offline = [d.name for d in window.offline.down.values()]
        result = AllLoaded(loaded=len(window.model.source or ()), failed=dict(self.failed), offline=offline)
        problems = [f"{name}: {why}" for name, why in result.failed.items()]
        problems += [tr("{0}: cannot be reached").format(name) for name in offline]
        problems += [f"{name}: {why}" for name, why in self.view.not_opened.items()]
        if problems:
            window.statusBar().showMessage(tr("Loaded {0} customers; not complete: {1}").format(
                result.loaded, "; ".join(problems)))
        else:
            window.statusBar().showMessage(tr("Loaded {0} customers from {1} accounts.").format(
                result.loaded, len(self.view.sessions)), 8000)
        window.customer_list.load_finished()
        window.load_finished.emit(result)
