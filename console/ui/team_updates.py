"""Other consoles' saves shown live in team mode (issue 22): rows update in place, and an open edit dialog
of a customer someone else changed says who did, with the stale-edit choice, before its user saves."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QFrame, QLabel

from console.domain.customer import Customer
from console.domain.journal import JournalQuery
from console.domain.shared_changes import SharedChange
from console.services.shared_customers import apply_shared_change
from console.ui.customer_loading import data_as_of

if TYPE_CHECKING:
    from console.services.accounts import AccountSession
    from console.services.workspace import LocalWorkspace
    from console.ui.edit_dialog import CustomerDialog
    from console.ui.history_window import HistoryWindow
    from console.ui.main_window import MainWindow


HISTORY_AFTER_MS = 300   # History is read again this long after the last of a burst of notices


class TeamUpdates:
    """Applies the workspace's shared changes to the window's open accounts and edit dialogs."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        workspace = window.context.workspace
        workspace.shared_changes.append(self.changed)
        window.destroyed.connect(lambda *_: self._leave(workspace))
        self._history_soon = QTimer(window)
        self._history_soon.setSingleShot(True)
        self._history_soon.setInterval(HISTORY_AFTER_MS)
        self._history_soon.timeout.connect(self._reread_history)
        # A bar above the table, as the provider's offline bar, while the team server cannot be reached.
        self.away = QLabel(window)
        self.away.setObjectName("teamAway")
        self.away.setFrameShape(QFrame.Shape.StyledPanel)
        self.away.setWordWrap(True)
        self.away.setContentsMargins(8, 4, 8, 4)
        self.away.setVisible(False)
        window.central_layout.insertWidget(window.central_layout.indexOf(window.offline) + 1, self.away)
        # Which workspace the window works on, always in sight while it is a team's.
        self.where = QLabel(window)
        self.where.setObjectName("teamWhere")
        window.statusBar().addPermanentWidget(self.where)
        self.show_where()
        workspace.team_connection.append(self.connection)
        if workspace.team is not None:   # a console started in team mode: share and learn the accounts
            from console.ui.team_accounts_offer import offer_team_accounts  # team mode's only

            window.tasks.start(offer_team_accounts(window), name="team-accounts")

    def show_where(self) -> None:
        """The team workspace's server in the status bar (nothing for this computer's own workspace)."""
        team = self.window.context.workspace.team
        self.where.setText(self.window.tr("Team: {0}").format(f"{team.database} on {team.host}") if team else "")
        self.where.setToolTip(team.describe() if team else "")
        self.where.setVisible(team is not None)

    def _leave(self, workspace: LocalWorkspace) -> None:
        for listeners, listener in ((workspace.shared_changes, self.changed),
                                    (workspace.team_connection, self.connection)):
            if listener in listeners:
                listeners.remove(listener)  # type: ignore[arg-type]

    def why_away(self, session: AccountSession | None) -> str | None:
        """Why `session`'s account cannot be changed now (its team workspace is away), else None."""
        local = session.service.local if session is not None else None
        if local is None or not local.away:
            return None
        return self.window.tr("The team workspace cannot be reached, so its accounts are read-only until it is back.")

    def connection(self, up: bool) -> None:
        """The team server went away (say so until it is back), or came back."""
        tr, workspace = self.window.tr, self.window.context.workspace
        if workspace.cached:   # away when the console started: the rows are this computer's last copy
            self.away.setText(tr("Team workspace unreachable — showing this computer's last copy of the team's "
                                 "accounts ({0}), read-only; History and jobs return with it. Retrying…")
                              .format(data_as_of(tr, workspace.cached_as_of)))
        else:
            self.away.setText(tr("Team workspace unreachable — the team's accounts are read-only and show what "
                                 "was last read; others' changes are not arriving. Retrying…"))
        self.away.setVisible(not up)
        self.window.update_actions()
        if up:
            self.window.statusBar().showMessage(self.window.tr(
                "The team workspace is back: the open accounts were read again."), 8000)

    def _reread_history(self) -> None:
        """An open History window lists the other consoles' saves too, as they arrive."""
        # Found by name: its module is imported when History is first opened.
        history = cast("HistoryWindow | None", self.window.findChild(QDialog, "historyWindow"))
        if history is not None and history.isVisible():
            history.reload()

    def _sessions(self) -> list[AccountSession]:
        window = self.window
        return [window.session] if window.session is not None else list(window.all_accounts.sessions.values())

    def changed(self, change: SharedChange | None) -> None:
        self._history_soon.start()   # one History read for a burst of notices (a refresh's pages)
        for session in self._sessions():
            if change is None or session.account.id == change.account_id:
                self.window.tasks.start(self._apply(session, change), name="team-change")

    async def _apply(self, session: AccountSession, change: SharedChange | None) -> None:
        found = await apply_shared_change(session.service, change)
        for customer in found:
            for dialog in list(self.window.editing.dialogs):
                if (dialog.account_id or session.account.id) == session.account.id and dialog.original is not None \
                        and dialog.original.id == customer.id and _differs(dialog, customer):
                    await self._tell(dialog, session, customer)

    async def _tell(self, dialog: CustomerDialog, session: AccountSession, current: Customer) -> None:
        journal = self.window.context.journal
        latest = await journal.entries(JournalQuery(customer=(session.account.id, current.id)), limit=1) \
            if journal.available else []
        who = latest[0].intent.who if latest else None
        if dialog.original is None or not _differs(dialog, current):
            return   # saved or reloaded meanwhile
        tr = dialog.tr
        text = (tr("{0} changed this customer.").format(who) if who else tr("Someone else changed this customer."))
        dialog.show_banner(text + tr(" Your edits are not saved yet: load their copy and review before saving."),
                           action=tr("Reload their copy"), handler=lambda: dialog.saving.adopt_current(current))


def _differs(dialog: CustomerDialog, current: Customer) -> bool:
    """Whether the shared copy is not what the dialog started from (nor what it just saved)."""
    original = dialog.original
    assert original is not None
    # The dialog's copy carries custom field values, which the shared copy does not hold.
    return replace(current, custom_fields=()) != replace(original, custom_fields=())
