"""File → Team workspace…: the shared PostgreSQL server's connection, *Test connection*, and switching to it.

The password goes to the keychain, the rest to settings. Nothing here waits on the network on the Qt
thread: the check runs on a worker and the form stays usable, with the result shown under the form.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.services.blocking import run_blocking
from console.services.secrets import SecretStore
from console.services.team_server import (
    DEFAULT_PORT,
    TEAM_PASSWORD,
    TLS_MODES,
    ConnectionCheck,
    TeamServer,
    check_connection,
)
from console.services.workspace_move import MoveResult, move_local_workspace
from console.ui.async_qt import TaskRegistry
from console.ui.secret_field import add_reveal_toggle

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

TLS_LABELS = {"verify-full": "Verify the certificate and the host name (recommended)",
              "verify-ca": "Verify the certificate only", "require": "Encrypt, without verifying",
              "disable": "No encryption (a server on this computer only)"}
Switch = Callable[[TeamServer | None], Awaitable[None]]
Move = Callable[[Callable[[int, int], None]], Awaitable[MoveResult]]


class TeamWorkspaceDialog(QDialog):
    """Edits the team server's connection; *Use team workspace* saves it and switches, *Use local only* leaves it."""

    def __init__(self, server: TeamServer | None, secrets: SecretStore, switch: Switch, move: Move,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamWorkspaceDialog")
        self.setWindowTitle(self.tr("Team workspace"))
        self.secrets, self.switch, self.move_workspace, self.current = secrets, switch, move, server
        self.tasks = TaskRegistry()
        self.moved: MoveResult | None = None   # what Move my workspace there did
        intro = QLabel(self.tr(
            "Share the journal, jobs and customer copies with your team on a PostgreSQL server. "
            "Drafts, window layout and provider credentials stay on this computer."), self)
        intro.setWordWrap(True)
        self.host = self._line("teamHost", server.host if server else "")
        self.port = QSpinBox(self)
        self.port.setObjectName("teamPort")
        self.port.setRange(1, 65535)
        self.port.setValue(server.port if server else DEFAULT_PORT)
        self.database = self._line("teamDatabase", server.database if server else "")
        self.user = self._line("teamUser", server.user if server else "")
        self.password = self._line("teamPassword", "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("kept in the keychain"))
        add_reveal_toggle(self.password)
        self.tls = QComboBox(self)
        self.tls.setObjectName("teamTls")
        for mode in TLS_MODES:
            self.tls.addItem(self.tr(TLS_LABELS[mode]), mode)
        self.tls.setCurrentIndex(TLS_MODES.index(server.tls) if server else 0)
        self.ca_file = self._line("teamCaFile", (server.ca_file or "") if server else "")
        self.ca_file.setPlaceholderText(self.tr("the system's trusted roots"))
        browse = QPushButton(self.tr("Browse…"), self)
        browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        form = QFormLayout()
        for label, field in ((self.tr("&Host:"), self.host), (self.tr("P&ort:"), self.port),
                             (self.tr("&Database:"), self.database), (self.tr("&User:"), self.user),
                             (self.tr("Pass&word:"), self.password), (self.tr("&TLS:"), self.tls)):
            form.addRow(label, field)
        ca_label = QLabel(self.tr("CA &certificate:"), self)
        ca_label.setBuddy(self.ca_file)   # a row of a layout gets no buddy of its own
        form.addRow(ca_label, ca_row)
        self.outcome = QLabel(self)
        self.outcome.setObjectName("teamCheckResult")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.test_button = QPushButton(self.tr("&Test connection"), self)   # beside what it finds
        self.test_button.setObjectName("teamTest")
        self.use_button = self.buttons.addButton(self.tr("&Use team workspace"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button.setObjectName("teamUse")
        self.move_button = self.buttons.addButton(self.tr("&Move my workspace there"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.move_button.setObjectName("teamMove")
        self.move_button.setToolTip(self.tr("Use the team workspace, and copy this computer's history, jobs, "
                                            "dismissed duplicates and privacy receipts into it"))
        self.local_button = self.buttons.addButton(self.tr("Use &local workspace only"),
                                                   QDialogButtonBox.ButtonRole.DestructiveRole)
        self.local_button.setObjectName("teamLeave")
        self.local_button.setVisible(server is not None)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.test_button.clicked.connect(lambda: self.tasks.start(self.test(), name="team-test"))
        self.use_button.clicked.connect(lambda: self.tasks.start(self.use(), name="team-use"))
        self.move_button.clicked.connect(lambda: self.tasks.start(self.move_there(), name="team-move"))
        self.local_button.clicked.connect(lambda: self.tasks.start(self.leave(), name="team-leave"))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        check_row = QHBoxLayout()
        check_row.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignTop)
        check_row.addWidget(self.outcome, 1)
        layout.addLayout(check_row)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        if server is not None:
            self.tasks.start(self._load_password(), name="team-password")

    def _line(self, name: str, text: str) -> QLineEdit:
        edit = QLineEdit(text, self)
        edit.setObjectName(name)
        return edit

    async def _load_password(self) -> None:
        stored = await run_blocking(self.secrets.get, TEAM_PASSWORD)
        if stored and not self.password.text():
            self.password.setText(stored)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("The server's CA certificate"), self.ca_file.text(),
                                              self.tr("Certificates (*.crt *.pem);;All files (*)"))
        if path:
            self.ca_file.setText(path)

    def server(self) -> TeamServer | None:
        """The form as a connection, or None with the problem shown under the form."""
        try:
            return TeamServer(host=self.host.text(), port=self.port.value(), database=self.database.text(),
                              user=self.user.text(), tls=self.tls.currentData(), ca_file=self.ca_file.text() or None)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])).capitalize()}: "
                                 f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
            self._show(ConnectionCheck(False, self.tr("Check the form. {0}").format(problems)))
            return None

    def _show(self, check: ConnectionCheck) -> None:
        self.outcome.setText(check.message)

    def _busy(self, busy: bool, text: str = "") -> None:
        for button in (self.test_button, self.use_button, self.move_button, self.local_button):
            button.setEnabled(not busy)
        if busy:
            self.outcome.setText(text)

    async def test(self) -> ConnectionCheck | None:
        """Connect once with the form's values and say what was found."""
        server = self.server()
        if server is None:
            return None
        self._busy(True, self.tr("Connecting to {0}…").format(server.describe()))
        try:
            check = await run_blocking(check_connection, server, self.password.text() or None)
        finally:
            self._busy(False)
        self._show(check)
        return check

    async def use(self, *, then_close: bool = True) -> bool:
        """Check the connection, keep it (the password in the keychain), and switch the window to it."""
        check = await self.test()
        if check is None or not check.ok:
            return False
        server = self.server()
        assert server is not None
        password = self.password.text()
        if password:
            await run_blocking(self.secrets.set, TEAM_PASSWORD, password)
        else:
            await run_blocking(self.secrets.delete, TEAM_PASSWORD)
        self._busy(True, self.tr("Opening the team workspace…"))
        try:
            await self.switch(server)
        finally:
            self._busy(False)
        if then_close:
            self.accept()
        return True

    async def move_there(self) -> None:
        """Use the team workspace, then copy this computer's workspace into it (again is harmless: nothing twice)."""
        if not await self.use(then_close=False):
            return
        self._busy(True, self.tr("Copying your workspace…"))
        try:
            moved = await self.move_workspace(lambda done, total: self.outcome.setText(
                self.tr("Copying your workspace: {0:,} of {1:,} records…").format(done, total)))
        except Exception as exc:
            self._show(ConnectionCheck(False, self.tr("The copy stopped: {0}. The team workspace is in use; "
                                                      "Move again to finish it (nothing is copied twice).")
                                       .format(exc)))
            return
        finally:
            self._busy(False)
        self.moved = moved
        self.accept()

    async def leave(self) -> None:
        """Go back to this computer's own workspace; the team server's entry is forgotten, its password too."""
        self._busy(True, self.tr("Opening the local workspace…"))
        try:
            await run_blocking(self.secrets.delete, TEAM_PASSWORD)
            await self.switch(None)
        finally:
            self._busy(False)
        self.accept()


def open_team_workspace_dialog(window: MainWindow) -> TeamWorkspaceDialog:
    """Show File → Team workspace… for `window` (window-modal; the window switches when it is accepted)."""
    context = window.context
    dialog = TeamWorkspaceDialog(context.settings.team, context.secrets, window.local_copy.use_team,
                                 lambda progress: move_local_workspace(context.workspace, progress), window)
    dialog.accepted.connect(lambda: window.statusBar().showMessage(dialog.tr(
        "Moved your workspace: {0:,} of its {1:,} records were new to the team.").format(
            dialog.moved.added, dialog.moved.read), 10000) if dialog.moved is not None else None)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog
