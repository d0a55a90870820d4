"""Account settings: add, edit and remove provider accounts, and test their credentials.

Credentials go to the keychain (never the settings file); the form is built from the
provider's declared credential and option fields.
"""

from __future__ import annotations

import copy
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.providers.registry import ProviderInfo, provider, providers
from console.services.accounts import Account, credentials_for_test, open_session, save_account_changes
from console.services.base_url import base_url_problem
from console.services.context import AppContext
from console.services.secrets import get_secret
from console.services.settings import AccountSettings
from console.ui.async_qt import TaskRegistry, ask
from console.ui.secret_field import add_reveal_toggle
from console.ui.theme import error_colour

log = logging.getLogger(__name__)

ENVIRONMENT_LABELS = {"sandbox": "Sandbox (test data)", "production": "Production (live data)"}


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
        self._current: AccountSettings | None = None
        self._loading_form = False

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

        self.form_widget = QWidget(self)
        self.form = QFormLayout(self.form_widget)
        self.empty = QLabel(self.tr("No accounts yet. Click <b>Add account</b> to connect a Square, "
                                    "Authorize.net, Clover, PayArc or Digital River account. The demo "
                                    "accounts work without one."), self)
        self.empty.setObjectName("noAccounts")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.right = QStackedWidget(self)
        self.right.addWidget(self.empty)
        self.right.addWidget(self.form_widget)

        self.provider_combo = QComboBox(self.form_widget)
        self.provider_combo.setObjectName("accountProvider")
        for info in providers():
            self.provider_combo.addItem(info.display_name, info.key)
        self.provider_combo.currentIndexChanged.connect(self._provider_changed)
        self.name_edit = QLineEdit(self.form_widget)
        self.name_edit.setObjectName("accountName")
        self.name_edit.textEdited.connect(self._store_form)
        self.environment_combo = QComboBox(self.form_widget)
        self.environment_combo.setObjectName("accountEnvironment")
        self.environment_combo.currentIndexChanged.connect(self._store_form)
        self.base_url_edit = QLineEdit(self.form_widget)
        self.base_url_edit.setObjectName("accountBaseUrl")
        self.base_url_edit.textEdited.connect(self._store_form)
        self.read_only = QCheckBox(self.tr("Read-only (refuse every change to this account)"), self.form_widget)
        self.read_only.setObjectName("accountReadOnly")
        self.read_only.toggled.connect(self._store_form)
        self.credential_edits: dict[str, QLineEdit] = {}
        self.option_edits: dict[str, QLineEdit | QComboBox] = {}
        self.test_button = QPushButton(self.tr("Test connection"), self.form_widget)
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel(self.form_widget)
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

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
        info = provider(account.provider)
        return f"{account.name or self.tr('(unnamed)')} — {info.display_name}, {account.environment}"

    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for account in self.accounts:
            QListWidgetItem(self._label(account), self.list)
        self.list.blockSignals(False)

    def add_account(self) -> None:
        info = providers()[0]
        account = AccountSettings(provider=info.key, name=self.tr("{0} account").format(info.display_name))
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

    # -- form ---------------------------------------------------------------------------------
    def _select(self, row: int) -> None:
        self._current = self.accounts[row] if 0 <= row < len(self.accounts) else None
        self.right.setCurrentWidget(self.form_widget if self._current is not None else self.empty)
        self.remove_button.setEnabled(self._current is not None)
        self.test_result.setText("")
        if self._current is not None:
            self._load_form(self._current)

    def _info(self) -> ProviderInfo:
        return provider(self.provider_combo.currentData())

    def _rebuild_form(self, info: ProviderInfo) -> None:
        while self.form.rowCount():
            row = self.form.takeRow(0)
            # takeRow keeps the row's widgets alive; the labels were made for this form only.
            row_label = row.labelItem.widget() if row.labelItem is not None else None
            if row_label is not None:
                row_label.deleteLater()
        for old in (*self.credential_edits.values(), *self.option_edits.values()):
            old.deleteLater()
        self.credential_edits.clear()
        self.option_edits.clear()
        self.form.addRow(self.tr("Provider"), self.provider_combo)
        self.form.addRow(self.tr("Display name"), self.name_edit)
        self.form.addRow(self.tr("Environment"), self.environment_combo)
        for cred in info.credentials:
            edit = QLineEdit(self.form_widget)
            edit.setObjectName(f"credential:{cred.key}")
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            add_reveal_toggle(edit)
            if cred.help:
                edit.setToolTip(cred.help)
            edit.textEdited.connect(self._store_form)
            self.credential_edits[cred.key] = edit
            self.form.addRow(cred.label, edit)
        for option in info.options:
            widget: QLineEdit | QComboBox
            if option.choices:
                combo = QComboBox(self.form_widget)
                for value, text in option.choices:
                    combo.addItem(text, value)
                combo.currentIndexChanged.connect(self._store_form)
                widget = combo
            else:
                line = QLineEdit(self.form_widget)
                line.textEdited.connect(self._store_form)
                widget = line
            widget.setObjectName(f"option:{option.key}")
            if option.help:
                widget.setToolTip(option.help)
            self.option_edits[option.key] = widget
            self.form.addRow(option.label, widget)
        self.form.addRow(self.tr("Base URL override"), self.base_url_edit)
        self.form.addRow("", self.read_only)
        self.form.addRow("", self.test_button)
        self.form.addRow("", self.test_result)

    def _load_form(self, account: AccountSettings) -> None:
        self._loading_form = True
        info = provider(account.provider)
        self.provider_combo.setCurrentIndex(self.provider_combo.findData(info.key))
        self._rebuild_form(info)
        self.name_edit.setText(account.name)
        self.environment_combo.clear()
        for env in info.environments:
            self.environment_combo.addItem(self.tr(ENVIRONMENT_LABELS.get(env, env)), env)
        self.environment_combo.setCurrentIndex(max(0, self.environment_combo.findData(account.environment)))
        by_key = info.environment_from_credentials is not None
        self.environment_combo.setEnabled(not by_key)
        self.environment_combo.setToolTip(self.tr("Set by the key you enter (test or live).") if by_key else "")
        self.base_url_edit.setText(account.base_url or "")
        self._show_default_url(account)
        self.read_only.setChecked(account.read_only)
        typed = self.typed_secrets.get(account.id, {})
        for key, edit in self.credential_edits.items():
            edit.setText(typed.get(key, ""))
            edit.setPlaceholderText("")
        for option in info.options:
            editor = self.option_edits[option.key]
            value = account.options.get(option.key, option.default or "")
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            else:
                editor.setText(value)
        self._loading_form = False
        self.tasks.start(self._show_stored(account), name="stored")

    async def _show_stored(self, account: AccountSettings) -> None:
        for key, edit in list(self.credential_edits.items()):
            stored = await get_secret(self.context.secrets, account.id, account.provider, key)
            if stored and not edit.text():
                edit.setPlaceholderText(self.tr("Stored in the keychain — type to replace"))

    def _show_default_url(self, account: AccountSettings) -> None:
        # Said as a default, so the grey text is not mistaken for a value that was typed.
        url = provider(account.provider).base_url(account.environment, account.options)
        self.base_url_edit.setPlaceholderText(self.tr("Default: {0}").format(url))

    def _provider_changed(self) -> None:
        if self._loading_form or self._current is None:
            return
        info = self._info()
        self._current.provider = info.key
        self._current.options = {}
        if self._current.environment not in info.environments:
            self._current.environment = "sandbox"
        self._load_form(self._current)
        self._store_form()

    def _store_form(self) -> None:
        if self._loading_form or self._current is None:
            return
        account = self._current
        account.name = self.name_edit.text().strip()
        env = self.environment_combo.currentData()
        if env in ("sandbox", "production"):
            account.environment = env
        account.base_url = self.base_url_edit.text().strip() or None
        account.read_only = self.read_only.isChecked()
        account.options = {}
        for key, widget in self.option_edits.items():
            value = widget.currentData() if isinstance(widget, QComboBox) else widget.text().strip()
            if value:
                account.options[key] = value
        typed = {k: edit.text().strip() for k, edit in self.credential_edits.items() if edit.text().strip()}
        self.typed_secrets[account.id] = typed
        decide = provider(account.provider).environment_from_credentials
        decided = decide(typed) if decide is not None and typed else None
        if decided in ("sandbox", "production") and decided != account.environment:
            # The key itself says test or live (Digital River): the badge must not claim otherwise.
            account.environment = decided
            self.environment_combo.blockSignals(True)
            self.environment_combo.setCurrentIndex(max(0, self.environment_combo.findData(decided)))
            self.environment_combo.blockSignals(False)
        self._show_default_url(account)
        item = self.list.item(self.list.currentRow())
        if item is not None:
            item.setText(self._label(account))

    # -- checks, test, save -------------------------------------------------------------------
    def _problem(self, account: AccountSettings) -> str | None:
        info = provider(account.provider)
        if not account.name:
            return self.tr("Give every account a display name.")
        if account.base_url and (problem := base_url_problem(account.base_url)):
            return f"{account.name}: {problem}"
        for option in info.options:
            if option.required and not account.options.get(option.key):
                return self.tr("{0}: enter the {1}.").format(account.name, option.label)
        return None

    def test_connection(self) -> None:
        if self._current is not None:
            self.tasks.start(self._test(copy.deepcopy(self._current)), name="test")

    async def _test(self, settings: AccountSettings) -> None:
        self.test_button.setEnabled(False)
        self.test_result.setStyleSheet("")
        self.test_result.setText(self.tr("Connecting…"))
        try:
            problem = self._problem(settings)
            if problem:
                raise e.InvalidInputError(problem)
            saved = next((a for a in self.context.settings.accounts if a.id == settings.id), None)
            credentials = await credentials_for_test(settings, saved, self.typed_secrets.get(settings.id, {}),
                                                     self.context.secrets)
            info = provider(settings.provider)
            account = Account(id=settings.id, info=info, name=settings.name,
                              environment=settings.environment, settings=settings)
            session = await open_session(account, secrets=self.context.secrets, demo=self.context.demo,
                                         transport=self.context.transport, credentials=credentials)
            try:
                await session.provider.test_connection()
            finally:
                await session.aclose()
        except e.ConsoleError as exc:
            self.test_result.setStyleSheet(f"color: {error_colour()};")
            self.test_result.setText(exc.message)
        else:
            self.test_result.setText(self.tr("Connected to {0} ({1}).").format(
                info.display_name, session.environment))
        finally:
            self.test_button.setEnabled(True)

    def save(self) -> None:
        self._store_form()
        for account in self.accounts:
            if problem := self._problem(account):
                self.error.setText(problem)
                self.list.setCurrentRow(self.accounts.index(account))
                return
        self.tasks.start(self._save(), name="save")

    async def _save(self) -> None:
        try:
            await save_account_changes(self.context, self.accounts, self.typed_secrets)
        except e.ConsoleError as exc:
            self.error.setText(exc.message)
            return
        except Exception as exc:  # keyring backends raise their own error types
            log.warning("keychain write failed: %s", type(exc).__name__)
            self.error.setText(self.tr("The keychain refused to store the credentials ({0}). Nothing "
                                       "was saved.").format(type(exc).__name__))
            return
        settings = self.context.settings
        settings.accounts = [copy.deepcopy(a) for a in self.accounts]
        settings.show_demo_accounts = self.show_demo.isChecked()
        if problem := self.context.save_settings():
            self.error.setText(problem)
        self.accounts_changed.emit()
        self.accept()

    def done(self, result: int) -> None:
        self.tasks.cancel("stored")
        super().done(result)
