"""Account settings: add, edit and remove provider accounts, and test their credentials.

Credentials go to the keychain (never the settings file); the form (account_form) is built from
the provider's declared credential and option fields.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.services.account_forms import account_problem, provider_form, provider_forms
from console.services.accounts import check_connection, save_accounts
from console.services.context import AppContext
from console.services.settings import AccountSettings
from console.ui.account_form import AccountForm
from console.ui.async_qt import TaskRegistry, ask
from console.ui.theme import error_colour


class AccountsDialog(QDialog):
    """Edits a copy of the account list; Save writes settings and keychain entries."""

    accounts_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle(self.tr("Accounts"))
        self.context = context
        self.tasks = TaskRegistry()
        self.accounts: list[AccountSettings] = [copy.deepcopy(a) for a in context.settings.accounts]
        self.typed_secrets: dict[str, dict[str, str]] = {}   # account id -> credential key -> value

        if context.secrets.warning:
            warning = QLabel(context.secrets.warning, self)
            warning.setObjectName("keychainWarning")
            warning.setWordWrap(True)
            warning.setStyleSheet(f"color: {error_colour()};")
        else:
            warning = None

        self.list = QListWidget(self)
        self.list.setObjectName("accountList")
        self.list.currentRowChanged.connect(self._select)
        add = QPushButton(self.tr("Add account"), self)
        add.setObjectName("addAccount")
        add.clicked.connect(self.add_account)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.remove_button.clicked.connect(self.remove_account)
        self.show_demo = QCheckBox(self.tr("Also show the demo accounts"), self)
        self.show_demo.setChecked(context.settings.show_demo_accounts)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.remove_button)
        left.addLayout(row)
        left.addWidget(self.show_demo)

        self.form = AccountForm(context.secrets, self.tasks, self.typed_secrets, self)
        self.form.edited.connect(self._relabel)
        self.form.test_button.clicked.connect(self.test_connection)
        # The form's parts tests and callers reach by name.
        self.name_edit, self.base_url_edit = self.form.name_edit, self.form.base_url_edit
        self.provider_combo, self.environment_combo = self.form.provider_combo, self.form.environment_combo
        self.test_button, self.test_result = self.form.test_button, self.form.test_result
        self.empty = QLabel(self.tr("No accounts yet. Click <b>Add account</b> to connect a Square, "
                                    "Authorize.net, Clover, PayArc or Digital River account. The demo "
                                    "accounts work without one."), self)
        self.empty.setObjectName("noAccounts")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.right = QStackedWidget(self)
        self.right.addWidget(self.empty)
        self.right.addWidget(self.form)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel(self)
        self.error.setObjectName("accountsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {error_colour()};")

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.right, 2)
        layout = QVBoxLayout(self)
        if warning is not None:
            layout.addWidget(warning)
        layout.addLayout(body, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 460)
        self._fill_list()
        if self.accounts:
            self.list.setCurrentRow(0)
        else:
            self._select(-1)

    # -- list ---------------------------------------------------------------------------------
    def _label(self, account: AccountSettings) -> str:
        provider_name = provider_form(account.provider).display_name
        return f"{account.name or self.tr('(unnamed)')} — {provider_name}, {account.environment}"

    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for account in self.accounts:
            QListWidgetItem(self._label(account), self.list)
        self.list.blockSignals(False)

    def _relabel(self) -> None:
        item = self.list.item(self.list.currentRow())
        if item is not None and self.form.account is not None:
            item.setText(self._label(self.form.account))

    def add_account(self) -> None:
        first = provider_forms()[0]
        account = AccountSettings(provider=first.key, name=self.tr("{0} account").format(first.display_name))
        self.accounts.append(account)
        self._fill_list()
        self.list.setCurrentRow(len(self.accounts) - 1)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def remove_account(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        account = self.accounts[row]

        async def confirm() -> None:
            answer = await ask(self, self.tr("Remove account"),
                               self.tr("Remove {0}? Its stored credentials and unsaved edits are deleted "
                                       "when you save.").format(account.name))
            if answer == QMessageBox.StandardButton.Yes:
                self.accounts.remove(account)
                self._fill_list()
                self.list.setCurrentRow(min(row, len(self.accounts) - 1))

        self.tasks.start(confirm(), name="remove")

    def _select(self, row: int) -> None:
        current = self.accounts[row] if 0 <= row < len(self.accounts) else None
        self.right.setCurrentWidget(self.form if current is not None else self.empty)
        self.remove_button.setEnabled(current is not None)
        self.test_result.setText("")
        self.form.load(current)

    # -- test, save ---------------------------------------------------------------------------
    def test_connection(self) -> None:
        if self.form.account is not None:
            self.tasks.start(self._test(copy.deepcopy(self.form.account)), name="test")

    async def _test(self, settings: AccountSettings) -> None:
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(self.tr("Connecting…"))
        try:
            environment = await check_connection(self.context, settings, self.typed_secrets.get(settings.id, {}))
        except e.ConsoleError as exc:
            self.test_result.setStyleSheet(f"color: {error_colour()};")
            self.test_result.setText(exc.message)
        else:
            self.test_result.setText(self.tr("Connected to {0} ({1}).").format(
                provider_form(settings.provider).display_name, environment))
        finally:
            self.test_button.setEnabled(True)

    def save(self) -> None:
        self.form.store()
        for account in self.accounts:
            if problem := account_problem(account):
                self.error.setText(problem)
                self.list.setCurrentRow(self.accounts.index(account))
                return
        self.tasks.start(self._save(), name="save")

    async def _save(self) -> None:
        try:
            problem = await save_accounts(self.context, self.accounts, self.typed_secrets,
                                          show_demo=self.show_demo.isChecked())
        except e.ConsoleError as exc:
            self.error.setText(exc.message)
            return
        if problem:
            self.error.setText(problem)
        self.accounts_changed.emit()
        self.accept()

    def done(self, result: int) -> None:
        self.tasks.cancel("stored")
        super().done(result)
