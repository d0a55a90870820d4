"""The workspace database as the window shows it: View → Keep a local copy, and what is said when
the local copy could not be used (a newer version's database, a file set aside)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from console.services.team_server import TeamServer
from console.services.workspace import LocalWorkspace
from console.ui.async_qt import Yes, ask

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class LocalCopySetting:
    """Follows `window.keep_local_action`; hands the account opening the workspace once it is ready."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._told: str | None = None   # the notice already shown
        action = window.keep_local_action
        action.setChecked(window.context.settings.keep_local_copy)
        action.toggled.connect(lambda on: window.tasks.start(self._set(on), name="local-copy"))

    async def ready(self) -> LocalWorkspace:
        """The workspace once its opening has finished; says once why it could not be used, if so."""
        workspace = self.window.context.workspace
        await workspace.ready()
        if workspace.notice and workspace.notice != self._told:
            self._told = workspace.notice
            box = QMessageBox(QMessageBox.Icon.Warning, self.window.tr("Local copy"), workspace.notice,
                              QMessageBox.StandardButton.Ok, self.window)
            box.setObjectName("workspaceNoticeBox")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            if workspace.is_open:
                await self.window.context.journal.note_lost_history()   # History says what it could not keep
        return workspace

    def _show_checked(self, on: bool) -> None:
        action = self.window.keep_local_action
        action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(False)

    async def _set(self, on: bool) -> None:
        window, tr, context = self.window, self.window.tr, self.window.context
        if on == context.settings.keep_local_copy:
            return
        sessions = [window.session] if window.session is not None else list(window.all_accounts.sessions.values())
        if not on:
            answer = await ask(
                window, tr("Keep a local copy"), tr("Stop keeping a local copy of the customers on this computer?"),
                informative=tr("The local copy is deleted now. Each account then loads from its provider "
                               "every time it is opened. Use this on a computer others use too."),
                labels={Yes: tr("Delete the local copy"), QMessageBox.StandardButton.No: tr("Keep it")})
            if answer != Yes:
                self._show_checked(True)
                return
            context.settings.keep_local_copy = False
            window.preferences.save()
            for session in sessions:
                session.service.keep_locally(None)
            await context.workspace.turn_off()
            window.statusBar().showMessage(tr("No local copy is kept; it was deleted."), 8000)
            return
        context.settings.keep_local_copy = True
        window.preferences.save()
        context.workspace.start()
        workspace = await self.ready()
        if sessions and workspace.is_open:
            for session in sessions:
                account = session.account
                session.service.keep_locally(workspace.for_account(account.id, account.info.key))
            window.loading.start()   # the refresh fills the new local copy

    async def use_team(self, server: TeamServer | None) -> None:
        """Switch the window to the team workspace at `server` (None: this computer's own), and refresh into it."""
        window, tr, context = self.window, self.window.tr, self.window.context
        sessions = [window.session] if window.session is not None else list(window.all_accounts.sessions.values())
        context.settings.team = server
        window.preferences.save()
        for session in sessions:
            session.service.keep_locally(None)
        await context.workspace.switch(server)
        workspace = await self.ready()
        if workspace.is_open:
            for session in sessions:
                account = session.account
                session.service.keep_locally(workspace.for_account(account.id, account.info.key))
            window.loading.start()
            if server is not None:
                from console.ui.team_accounts_offer import offer_team_accounts

                window.tasks.start(offer_team_accounts(window), name="team-accounts")
        window.team_updates.show_where()
        where = server.describe() if server is not None else tr("this computer")
        window.statusBar().showMessage(
            (tr("Working on the team workspace {0}.") if server is not None else tr("Working on {0}'s workspace."))
            .format(where) if workspace.is_open else tr("The workspace could not be opened."), 10000)
