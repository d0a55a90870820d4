"""Customer → Copy to another account…: choose the target, preview what goes and what stays, copy, summary.

The target account is opened here (its own session, closed with the dialog); every create goes
through its CustomerService, queued in the window's write lane so quitting waits for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.domain.customer import Customer
from console.services.accounts import Account, AccountSession, all_accounts, open_session
from console.services.context import AppContext
from console.services.customer_copy import CopyItem, CopyOutcome, copy_one, plan_copy, with_custom_fields
from console.ui.async_qt import WRITES, TaskRegistry
from console.ui.copy_preview import make_tree, show_outcomes, show_plan
from console.ui.production_confirmation import ask_before_production_writes
from console.ui.wording import count_of

CHOOSE, PREVIEW, COPY = range(3)


class CopyDialog(QDialog):
    """Copies the customers chosen in the window (from `source`) into another account."""

    previewed = Signal()       # the preview of the chosen target is shown
    copied = Signal(object)    # list[CopyOutcome], once the copy has ended (finished or stopped)

    def __init__(self, context: AppContext, source: AccountSession, customers: Sequence[Customer], *,
                 writes: TaskRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copyDialog")
        self.setWindowTitle(self.tr("Copy to another account"))
        self.context, self.source, self.customers = context, source, list(customers)
        self.writes = writes            # the window's registry: its write lane
        self.tasks = TaskRegistry()     # this dialog's reads (opening the target, planning)
        self.target: AccountSession | None = None
        self.items: list[CopyItem] = []
        self.outcomes: list[CopyOutcome] = []
        self.copying = False
        self.stopping = False
        self.accounts = [a for a in all_accounts(context.settings, context.demo) if a.id != source.account.id]
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._choose_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._copy_page())
        self.back_button = QPushButton(self.tr("< &Back"), self)
        self.next_button = QPushButton(self.tr("&Preview >"), self)
        self.copy_button = QPushButton(self.tr("&Copy"), self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        for name, button in (("copyBack", self.back_button), ("copyPreviewButton", self.next_button),
                             ("copyStart", self.copy_button), ("copyCancel", self.cancel_button)):
            button.setObjectName(name)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.preview)
        self.copy_button.clicked.connect(self.copy)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.copy_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(760, 520)
        self.finished.connect(lambda _r: self._closed())
        self._show_page(CHOOSE)

    # -- pages --------------------------------------------------------------------------------
    def _choose_page(self) -> QWidget:
        page = QWidget(self)
        intro = QLabel(self.tr("Copy {0} from {1} to:").format(
            count_of(len(self.customers), self.tr("customer")), self.source.account.name), page)
        self.target_list = QListWidget(page)
        self.target_list.setObjectName("targetList")
        for account in self.accounts:
            entry = QListWidgetItem(f"{account.name}  [{account.environment.upper()}]", self.target_list)
            entry.setToolTip(account.info.display_name)
        self.target_list.currentRowChanged.connect(lambda _r: self._enable())
        self.target_list.itemDoubleClicked.connect(lambda _i: self.preview())
        self.choose_status = QLabel(page)
        self.choose_status.setObjectName("copyChooseStatus")
        self.choose_status.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.target_list, 1)
        layout.addWidget(self.choose_status)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget(self)
        self.preview_summary = QLabel(page)
        self.preview_summary.setObjectName("copySummary")
        self.preview_summary.setWordWrap(True)
        self.preview_tree = make_tree(page, "copyPreview", [self.tr("Customer"), self.tr("At the target")])
        note = QLabel(self.tr("Cards are never copied: they stay at the provider that holds them."), page)
        note.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(self.preview_summary)
        layout.addWidget(self.preview_tree, 1)
        layout.addWidget(note)
        return page

    def _copy_page(self) -> QWidget:
        page = QWidget(self)
        self.progress = QProgressBar(page)
        self.progress.setObjectName("copyProgress")
        self.copy_status = QLabel(page)
        self.copy_status.setObjectName("copyStatus")
        self.copy_status.setWordWrap(True)
        self.results = make_tree(page, "copyResults", [self.tr("Customer"), self.tr("Result")])
        layout = QVBoxLayout(page)
        layout.addWidget(self.copy_status)
        layout.addWidget(self.progress)
        layout.addWidget(self.results, 1)
        return page

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self._enable()

    def _enable(self, busy: bool = False) -> None:
        page = self.pages.currentIndex()
        copyable = sum(1 for item in self.items if item.can_copy)
        self.back_button.setVisible(page == PREVIEW)
        self.next_button.setVisible(page == CHOOSE)
        self.next_button.setEnabled(not busy and self.target_list.currentRow() >= 0)
        self.copy_button.setVisible(page == PREVIEW)
        self.copy_button.setEnabled(copyable > 0)
        self.copy_button.setText(self.tr("&Copy {0}").format(count_of(copyable, self.tr("customer"))))
        done = page == COPY and not self.copying
        self.cancel_button.setText(self.tr("Close") if done else self.tr("Stop") if self.copying else self.tr("Cancel"))
        self.cancel_button.setEnabled(not self.stopping)

    # -- choosing and previewing ----------------------------------------------------------------
    def chosen(self) -> Account | None:
        row = self.target_list.currentRow()
        return self.accounts[row] if 0 <= row < len(self.accounts) else None

    def preview(self) -> None:
        account = self.chosen()
        if account is not None:
            self.tasks.start(self._prepare(account), name="prepare")

    async def _prepare(self, account: Account) -> None:
        """Open the target account and plan the copy into it."""
        self._enable(busy=True)
        self.choose_status.setText(self.tr("Opening {0}…").format(account.name))
        try:
            if self.target is None or self.target.account != account:
                await self._close_target()
                self.target = await open_session(account, secrets=self.context.secrets, demo=self.context.demo,
                                                 transport=self.context.transport,
                                                 confirmations=self.context.confirmations)
                ask_before_production_writes(self, self.target)
            self.choose_status.setText(self.tr("Reading the customers' custom fields…"))
            customers, definitions = await with_custom_fields(self.source.custom_fields, self.customers)
        except e.ConsoleError as exc:
            self.choose_status.setText(f"{exc.title}: {exc.message}")
            self._enable()
            return
        self.items = plan_copy(customers, self.source.service.capabilities, self.target.service.capabilities,
                               definitions)
        self.choose_status.clear()
        show_plan(self.preview_tree, self.items)
        self.preview_summary.setText(self._summary(account))
        self._show_page(PREVIEW)
        self.previewed.emit()

    def _summary(self, account: Account) -> str:
        copyable = sum(1 for item in self.items if item.can_copy)
        left = sum(len(item.left_behind) for item in self.items)
        provider = account.info.display_name
        where = account.name if provider in account.name else f"{account.name} ({provider})"
        text = self.tr("{0} will be created in {1}.").format(count_of(copyable, self.tr("customer")), where)
        if copyable < len(self.items):
            text += " " + self.tr("{0} cannot be copied.").format(
                count_of(len(self.items) - copyable, self.tr("customer")))
        if left:
            text += " " + self.tr("{0} stay behind, each with its reason below.").format(
                count_of(left, self.tr("value or record"), self.tr("values or records")))
        return text

    def back(self) -> None:
        self._show_page(CHOOSE)

    # -- copying ------------------------------------------------------------------------------
    def copy(self) -> None:
        if self.target is None or self.copying:
            return
        self.copying = True
        self.outcomes = []
        self.progress.setRange(0, len(self.items))
        self.progress.setValue(0)
        self.results.clear()
        self._show_page(COPY)
        self.writes.queue(self._copy(self.target, list(self.items)), WRITES)

    async def _copy(self, target: AccountSession, items: list[CopyItem]) -> None:
        name = target.account.name
        try:
            for number, item in enumerate(items, 1):
                if self.stopping:
                    break
                self.copy_status.setText(self.tr("Copying {0} of {1} to {2}: {3}").format(
                    number, len(items), name, item.source_name))
                outcome = await copy_one(item, target.service)
                self.outcomes.append(outcome)
                self.progress.setValue(number)
                show_outcomes(self.results, self.outcomes, name)
                if outcome.stops_the_copy:
                    break
        finally:
            self.copying = False
            self.stopping = False
            self.copy_status.setText(self._result_text(len(items)))
            self._enable()
            self.copied.emit(list(self.outcomes))

    def _result_text(self, planned: int) -> str:
        created = sum(1 for o in self.outcomes if o.created is not None)
        failed = len(self.outcomes) - created
        text = self.tr("Created {0}; {1} failed.").format(count_of(created, self.tr("customer")), failed)
        if len(self.outcomes) < planned:
            text += " " + self.tr("Stopped: {0} not sent.").format(
                count_of(planned - len(self.outcomes), self.tr("customer")))
        return text

    # -- closing ------------------------------------------------------------------------------
    def reject(self) -> None:
        if self.copying:
            # Stop after the customer being sent: a create is never cut off halfway.
            self.stopping = True
            self.copy_status.setText(self.tr("Stopping after the customer being sent…"))
            self._enable()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.copying:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def _closed(self) -> None:
        self.tasks.cancel("prepare")
        target, self.target = self.target, None
        if target is not None:
            # After the write lane's work (a copy under way finishes first).
            self.writes.queue(target.aclose(), WRITES)

    async def _close_target(self) -> None:
        target, self.target = self.target, None
        if target is not None:
            await target.aclose()


def open_copy_dialog(context: AppContext, source: AccountSession, customers: Sequence[Customer], *,
                     writes: TaskRegistry, parent: QWidget) -> CopyDialog:
    """Show the copy dialog (window-modal); it is deleted once closed."""
    dialog = CopyDialog(context, source, customers, writes=writes, parent=parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
