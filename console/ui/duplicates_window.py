"""*Customer → Find duplicates…*: the customers shown (one account, or All accounts) scanned off the
GUI thread for groups that look like one person, each with its reasons; a threshold slider that
regroups at once; *Not the same person* (remembered); *Merge…* within one account; *Copy fields
from…* and *Open side by side* across accounts."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain.customer import Customer
from console.domain.duplicate_groups import DuplicateGroup, MemberRef
from console.services.accounts import AccountSession
from console.services.duplicate_dismissals import DuplicateDismissals
from console.services.duplicate_records import held_when_read, scan_accounts
from console.services.duplicate_scoring import DEFAULT_THRESHOLD
from console.services.duplicates import FLOOR, DuplicateScan, ScanCancelledError, ScanMemory
from console.ui.duplicate_group_actions import GroupActions
from console.ui.duplicate_groups_model import GroupsModel
from console.ui.duplicate_regrouping import Regrouping, Wanted
from console.ui.progress_bar import ProgressBar

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

TASK = "duplicates"
MEMORY = ScanMemory()   # the session's last scan: a later one keys only the customers changed since
COLUMNS = ("Account", "Name", "Email", "Phone", "Company", "City", "ID")


class DuplicatesWindow(QDialog):
    """One scan of the customers shown when it opened; non-modal."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main = window
        self.setObjectName("duplicatesWindow")
        self.setWindowTitle(self.tr("Find duplicates"))
        self.sessions: dict[str, AccountSession] = (
            dict(window.all_accounts.sessions) if window.all_accounts.active
            else {window.session.account.id: window.session} if window.session is not None else {})
        self.dismissals = DuplicateDismissals(window.context.workspace, window.context.journal.author.who)
        self.found: DuplicateScan | None = None
        self.groups: list[DuplicateGroup] = []
        self.dismissed: list[frozenset[MemberRef]] = []
        self._cancel = threading.Event()
        self._when_shown: list[Callable[[], None]] = []   # the scan's, once its groups are shown
        self.task = f"{TASK}:{id(self)}"   # this window's scan, stopped when it closes
        self.regrouping = Regrouping(self, window.tasks, f"{self.task}:regroup", self._wanted, self._show_groups)
        self.group_actions = GroupActions(self)
        self._build()
        self.resize(1280, 680)   # the members' seven columns in view beside the list
        self.finished.connect(self._closed)

    def _closed(self) -> None:
        self._cancel.set()
        self.main.tasks.cancel(self.task)
        self._scan_shown()   # closed before its groups were: the scan is kept all the same

    def _build(self) -> None:
        tr = self.tr
        self.scope = QLabel(self)
        self.progress = ProgressBar(self)
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton(tr("Cancel"), self)
        self.cancel_button.clicked.connect(self._cancel.set)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("duplicatesThreshold")
        self.slider.setRange(int(FLOOR * 100), 100)
        self.slider.setValue(int(DEFAULT_THRESHOLD * 100))
        self.slider.valueChanged.connect(lambda _v: self.regroup())
        self.threshold_label = QLabel(self)
        self.list = QListView(self)
        self.list.setObjectName("duplicateGroups")
        self.list.setUniformItemSizes(True)   # else the view measures every row's text
        # Labels fit the list's width, cut in the middle so the score and the accounts stay (the tooltip
        # holds the reasons, the members table the names in full).
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.model = GroupsModel(self._label, self)
        self.list.setModel(self.model)
        self.list.selectionModel().currentRowChanged.connect(lambda *_: self.show_group())
        self.members = QTableWidget(0, len(COLUMNS), self)
        self.members.setObjectName("duplicateMembers")
        self.members.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.members.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.members.verticalHeader().setVisible(False)
        self.reasons = QLabel(self)
        self.reasons.setObjectName("duplicateReasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = {key: QPushButton(text, self) for key, text in (
            ("dismiss", tr("Not the same person")), ("merge", tr("Merge…")), ("copy", tr("Copy fields from…")),
            ("side", tr("Open side by side")))}
        for key, slot in (("dismiss", self.dismiss_current), ("merge", self.group_actions.merge),
                          ("side", self.group_actions.side_by_side), ("copy", self.group_actions.copy)):
            self.buttons[key].clicked.connect(slot)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.members, 1)
        column.addWidget(self.reasons)
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
        split = QSplitter(self)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setSizes([350, 930])
        top = QHBoxLayout()
        top.addWidget(self.scope, 1)
        top.addWidget(QLabel(tr("Alike at least:"), self))
        top.addWidget(self.slider)
        top.addWidget(self.threshold_label)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(busy)
        layout.addWidget(split, 1)
        self._update_buttons()

    # -- scanning -----------------------------------------------------------------------------
    def start(self) -> None:
        self.main.tasks.start(self.scan(), name=self.task)

    async def scan(self) -> None:
        """Scan the customers shown now and show the groups (again after a merge)."""
        tr = self.tr
        held = await held_when_read({account_id: s.service.index for account_id, s in self.sessions.items()})
        names = ", ".join(s.account.name for s in self.sessions.values())
        self.scope.setText(tr("{0:n} customers of {1}").format(sum(len(ids) for _, (ids, _) in held), names))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self._cancel.clear()
        loop = asyncio.get_running_loop()
        share = [0.0]

        def progress(done: float) -> None:   # on the scan's thread: handed to the event loop
            if done - share[0] >= 0.02 or done >= 1.0:
                share[0] = done
                loop.call_soon_threadsafe(self.progress.setValue, int(done * 100))

        try:
            self.dismissed = await self.dismissals.dismissed()
            copies = {account_id: s.service.local for account_id, s in self.sessions.items()}
            self.found, shown = await asyncio.to_thread(scan_accounts, held, copies, self.main.context.workspace,
                                                        progress=progress, cancelled=self._cancel.is_set, memory=MEMORY)
        except ScanCancelledError:
            if shiboken6.isValid(self):
                self.scope.setText(tr("Scan cancelled."))
            return
        finally:
            if shiboken6.isValid(self):
                self.progress.setVisible(False)
                self.cancel_button.setVisible(False)
        # Kept for the next session, and what the scan is done with let go of, once its groups are shown: a large
        # scan's are formed on another thread, which neither may compete with for Python's lock.
        self._when_shown.append(shown)
        self.regroup()

    def regroup(self) -> None:
        """The groups at the slider's threshold, no new scan (duplicate_regrouping.py)."""
        threshold = self.slider.value() / 100
        self.threshold_label.setText(f"{threshold:.2f}")
        if not self.regrouping.regroup():
            self.scope.setText(self.tr("Grouping at {0:.2f}…").format(threshold))   # the list stays until then

    def _wanted(self) -> Wanted:
        return self.found, self.slider.value() / 100, self.dismissed

    def _show_groups(self, groups: list[DuplicateGroup], threshold: float) -> None:
        before, self.groups = self.groups, groups
        self.model.set_groups(groups)
        self.regrouping.let_go(before)
        self.scope.setText(self.tr("{0} groups at {1:.2f} or more").format(len(groups), threshold))
        if groups:
            self.list.setCurrentIndex(self.model.index(0))
        self.show_group()
        self._scan_shown()

    def _scan_shown(self) -> None:
        when_shown, self._when_shown = self._when_shown, []
        for call in when_shown:
            call()

    def _label(self, group: DuplicateGroup) -> str:
        names = " / ".join(dict.fromkeys(self._name(m) for m in group.members))
        accounts = len(group.accounts)
        where = self.tr("{0} accounts").format(accounts) if accounts > 1 else self._account_name(group.accounts[0])
        return f"{group.score:.2f}  {names}  ({where})"

    # -- one group ----------------------------------------------------------------------------
    def current(self) -> DuplicateGroup | None:
        row = self.list.currentIndex().row()
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def member_customer(self, member: MemberRef) -> Customer | None:
        """The member as its account's index holds it now (None: gone since the scan)."""
        session = self.sessions.get(member[0])
        return session.service.index.get(member[1]) if session is not None else None

    def _name(self, member: MemberRef) -> str:
        session, customer = self.sessions.get(member[0]), self.member_customer(member)
        if session is None or customer is None:
            return member[1]
        return session.service.index.name(customer)

    def _account_name(self, account_id: str) -> str:
        session = self.sessions.get(account_id)
        return session.account.name if session is not None else account_id

    def show_group(self) -> None:
        group = self.current()
        members = group.members if group is not None else ()
        self.members.setRowCount(len(members))
        for row, member in enumerate(members):
            customer = self.member_customer(member)
            city = customer.address.city if customer is not None and customer.address else None
            cells = (self._account_name(member[0]), self._name(member), customer and customer.email,
                     customer and customer.phone, customer and customer.company, city, member[1])
            for column, value in enumerate(cells):
                self.members.setItem(row, column, QTableWidgetItem(str(value or "")))
        self.members.resizeColumnsToContents()
        self.reasons.setText("\n".join(f"• {r}" for r in group.reasons) if group is not None else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        group = self.current()
        one_account = group is not None and len(group.accounts) == 1
        for key in ("dismiss", "side", "copy"):
            self.buttons[key].setEnabled(group is not None)
        self.buttons["merge"].setEnabled(one_account)
        self.buttons["merge"].setToolTip("" if one_account or group is None else self.tr(
            "Records at different providers cannot be merged: open them side by side instead."))

    def dismiss_current(self) -> None:
        group = self.current()
        if group is not None:
            self.main.tasks.start(self._dismiss(group), name=f"{self.task}:dismiss")

    async def _dismiss(self, group: DuplicateGroup) -> None:
        await self.dismissals.dismiss(group.members)
        self.dismissed = await self.dismissals.dismissed()
        self.regroup()


def find_duplicates(window: MainWindow) -> DuplicatesWindow | None:
    """Open Find duplicates over what the window shows, and start its scan."""
    if window.session is None and not window.all_accounts.active:
        return None
    dialog = DuplicatesWindow(window)
    dialog.finished.connect(dialog.deleteLater)
    dialog.show()
    dialog.start()
    return dialog
