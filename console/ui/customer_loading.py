"""Loading the open account's customers into the table: first the local copy (at once, "data as
of" in the status bar), then the refresh from the provider, with the progress bar and Cancel in
the status bar, and what is said when it ends."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from console.domain import errors as e
from console.services.accounts import AccountSession
from console.services.customer_service import LoadProgress
from console.services.workspace import LocalCopy
from console.ui.error_message import show_error
from console.ui.offline_bar import is_unreachable

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

log = logging.getLogger(__name__)
# Said once the table holds the local copy and its search index is built: a warm start's
# "searchable" moment (P9 in benchmarks/run.py waits for this record).
LOCAL_COPY_SHOWN = "showing the local copy of %s: %d customers, searchable"


def data_as_of(tr: Callable[[str], str], kept: LocalCopy | datetime | None) -> str:
    """ "data as of 10:42" (with the date when not today), in local time."""
    as_of = kept.data_as_of if isinstance(kept, LocalCopy) else kept
    if as_of is None:
        return tr("not yet refreshed completely")
    when = as_of.astimezone()
    shown = when.strftime("%H:%M") if when.date() == datetime.now().date() else when.strftime("%Y-%m-%d %H:%M")
    return tr("data as of {0}").format(shown)


class CustomerLoading:
    """Runs one load at a time as the window's "load" task; emits `first_page_shown` and `load_finished`."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._first_page_seen = False   # first_page_shown is said once per window
        self.as_of: datetime | None = None   # when the rows shown were last complete (local copy or load)

    def start(self) -> None:
        """Load (again) the customers of the open account (or every account of All accounts)."""
        if self.window.all_accounts.active:
            self.window.all_accounts.loading.start_all()
        elif self.window.session is not None:
            self.window.tasks.start(self._load(self.window.session), name="load")

    def cancel(self) -> None:
        self.window.tasks.cancel("load")

    def _show_progress(self, progress: LoadProgress) -> None:
        window = self.window
        # Loaded customers live as long as the window. Moving everything alive now out of the
        # collector's sight keeps its full passes (100 ms at 10,000 customers) from stalling
        # the window while a load runs (P6 in benchmarks/run.py). O(1); see gc.freeze().
        gc.freeze()
        if progress.total:
            window.progress.setRange(0, progress.total)
            window.progress.setValue(min(progress.loaded, progress.total))
            window.progress.setFormat(window.tr("%v of %m"))
        else:
            window.progress.setFormat(window.tr("{0} loaded").format(progress.loaded))
        if progress.pages:
            self._first_rows_shown()

    def _first_rows_shown(self) -> None:
        if not self._first_page_seen:
            self._first_page_seen = True
            # Said first: a warm start's rows come before the window is shown (the preview stands in
            # until this signal), and the columns are fitted to the shown window's width, not a guess.
            self.window.first_page_shown.emit()
            self.window.customer_list.first_page_shown()

    async def _show_local_copy(self, session: AccountSession) -> LocalCopy | None:
        """The customers the workspace kept for the account, shown at once (an account just opened):
        the first batch is painted while the rest are still being read."""
        def searchable(count: int) -> None:   # a keys-first read's documents may still be coming
            if count:
                log.info(LOCAL_COPY_SHOWN, session.account.id, count)

        kept = await session.service.load_local(self._local_batch_shown, searchable)
        return None if kept is None or not kept.customers else kept

    def _local_batch_shown(self, _count: int) -> None:
        gc.freeze()   # as for a page: these live as long as the window (see _show_progress)
        self._first_rows_shown()

    async def _workspace_opened(self, session: AccountSession) -> None:
        """Before the refresh: a workspace still opening (a warm start's) has opened; if it could not, the
        refresh keeps nothing locally (the copy shown stays)."""
        local_copy = self.window.local_copy
        if self.window.context.workspace.state == "opening" and not (await local_copy.ready()).is_open:
            session.service.keep_locally(None)

    async def _load(self, session: AccountSession) -> None:
        window, tr = self.window, self.window.tr
        status = window.statusBar()
        window.progress.setRange(0, 0)
        window.progress.setFormat(tr("Loading…"))
        window.progress.setVisible(True)
        window.cancel_button.setVisible(True)
        status.showMessage(tr("Loading customers from {0}…").format(session.account.name))
        kept: LocalCopy | None = None
        try:
            if window.model.loaded_count() == 0:   # an account just opened: its local copy, if any
                try:
                    kept = await self._show_local_copy(session)
                finally:
                    if window.context.workspace.deferred:   # a warm start's: opened once its copy is shown
                        window.context.workspace.start()
                self.as_of = kept.data_as_of if kept is not None else None
            if kept is not None:
                status.showMessage(tr("Showing the local copy ({0}); refreshing from {1}…").format(
                    data_as_of(tr, kept), session.account.name))
            await self._workspace_opened(session)
            progress = await session.service.load(self._show_progress)
        except asyncio.CancelledError:
            status.showMessage(tr("Loading stopped; {0} customers loaded.").format(window.model.loaded_count()))
            raise
        except e.ConsoleError as exc:
            if is_unreachable(exc) and window.model.loaded_count() > 0:
                # The rows shown stay, read-only, under the offline bar, which retries; no box each time.
                window.offline.went_offline(data_as_of(tr, self.as_of))
                status.showMessage(tr("{0} cannot be reached: {1}").format(session.account.name, exc.message))
                window.load_finished.emit(exc)
                return
            show_error(window, tr("Loading customers failed"), exc)
            if kept is not None:
                status.showMessage(tr("Showing the local copy ({0}); the refresh from {1} failed.").format(
                    data_as_of(tr, kept), session.account.name))
            window.load_finished.emit(exc)
            return
        finally:
            window.progress.setVisible(False)
            window.cancel_button.setVisible(False)
        if progress.failures:
            status.showMessage(tr("Loaded {0} customers; {1} could not be read: {2}").format(
                progress.loaded, len(progress.failures), progress.failures[0].message))
        else:
            status.showMessage(tr("Loaded {0} customers.").format(progress.loaded), 8000)
        self.as_of = datetime.now().astimezone()
        window.offline.back_online()
        window.customer_list.load_finished()
        window.start_snapshot.write()
        window.filter_bar.set_status_field(session.service.capabilities.status_filter,
                                           session.service.index.status_values())
        if not self._first_page_seen:
            self._first_page_seen = True
            window.first_page_shown.emit()
        window.load_finished.emit(progress)
