"""The accounts dialog's form: one account's provider, name, environment, credentials and options.

Built from the provider's declared credential and option fields (services.account_forms).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from console.services.account_forms import (
    ProviderForm,
    default_base_url,
    environment_from_key,
    provider_form,
    provider_forms,
)
from console.services.accounts import stored_credential_keys
from console.services.secrets import SecretStore
from console.services.settings import AccountSettings
from console.ui.async_qt import TaskRegistry
from console.ui.secret_field import add_reveal_toggle

ENVIRONMENT_LABELS = {"sandbox": "Sandbox (test data)", "production": "Production (live data)"}


class AccountForm(QWidget):
    """Shows one account and writes every edit straight back into it (and typed secrets aside)."""

    edited = Signal()   # the account changed; its line in the list follows

    def __init__(self, secrets: SecretStore, tasks: TaskRegistry, typed_secrets: dict[str, dict[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.secrets = secrets
        self.tasks = tasks
        self.typed_secrets = typed_secrets   # account id -> credential key -> value; shared with the dialog
        self.account: AccountSettings | None = None
        self._loading = False
        self.form = QFormLayout(self)

        self.provider_combo = QComboBox(self)
        self.provider_combo.setObjectName("accountProvider")
        for form in provider_forms():
            self.provider_combo.addItem(form.display_name, form.key)
        self.provider_combo.currentIndexChanged.connect(self._provider_changed)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("accountName")
        self.name_edit.textEdited.connect(self.store)
        self.environment_combo = QComboBox(self)
        self.environment_combo.setObjectName("accountEnvironment")
        self.environment_combo.currentIndexChanged.connect(self.store)
        self.base_url_edit = QLineEdit(self)
        self.base_url_edit.setObjectName("accountBaseUrl")
        self.base_url_edit.textEdited.connect(self.store)
        self.read_only = QCheckBox(self.tr("Read-only (refuse every change to this account)"), self)
        self.read_only.setObjectName("accountReadOnly")
        self.read_only.toggled.connect(self.store)
        self.credential_edits: dict[str, QLineEdit] = {}
        self.option_edits: dict[str, QLineEdit | QComboBox] = {}
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.setObjectName("testConnection")
        self.test_result = QLabel(self)
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _rebuild(self, info: ProviderForm) -> None:
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
            edit = QLineEdit(self)
            edit.setObjectName(f"credential:{cred.key}")
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            add_reveal_toggle(edit)
            if cred.help:
                edit.setToolTip(cred.help)
            edit.textEdited.connect(self.store)
            self.credential_edits[cred.key] = edit
            self.form.addRow(cred.label, edit)
        for option in info.options:
            widget: QLineEdit | QComboBox
            if option.choices:
                combo = QComboBox(self)
                for value, text in option.choices:
                    combo.addItem(text, value)
                combo.currentIndexChanged.connect(self.store)
                widget = combo
            else:
                line = QLineEdit(self)
                line.textEdited.connect(self.store)
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

    def load(self, account: AccountSettings | None) -> None:
        """Show `account` (None: nothing to show) with what was typed for it so far."""
        self.account = account
        if account is None:
            return
        self._loading = True
        info = provider_form(account.provider)
        self.provider_combo.setCurrentIndex(self.provider_combo.findData(info.key))
        self._rebuild(info)
        self.name_edit.setText(account.name)
        self.environment_combo.clear()
        for env in info.environments:
            self.environment_combo.addItem(self.tr(ENVIRONMENT_LABELS.get(env, env)), env)
        self.environment_combo.setCurrentIndex(max(0, self.environment_combo.findData(account.environment)))
        self.environment_combo.setEnabled(not info.environment_from_key)
        self.environment_combo.setToolTip(self.tr("Set by the key you enter (test or live).")
                                          if info.environment_from_key else "")
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
        self._loading = False
        self.tasks.start(self._show_stored(account), name="stored")

    async def _show_stored(self, account: AccountSettings) -> None:
        stored = await stored_credential_keys(account, self.secrets)
        for key, edit in self.credential_edits.items():
            if key in stored and not edit.text():
                edit.setPlaceholderText(self.tr("Stored in the keychain — type to replace"))

    def _show_default_url(self, account: AccountSettings) -> None:
        # Said as a default, so the grey text is not mistaken for a value that was typed.
        self.base_url_edit.setPlaceholderText(self.tr("Default: {0}").format(default_base_url(account)))

    def _provider_changed(self) -> None:
        if self._loading or self.account is None:
            return
        info = provider_form(self.provider_combo.currentData())
        self.account.provider = info.key
        self.account.options = {}
        if self.account.environment not in info.environments:
            self.account.environment = "sandbox"
        self.load(self.account)
        self.store()

    def store(self) -> None:
        """Write the form into the account, and what was typed for its secrets into `typed_secrets`."""
        if self._loading or self.account is None:
            return
        account = self.account
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
        decided = environment_from_key(account.provider, typed)
        if decided in ("sandbox", "production") and decided != account.environment:
            # The key itself says test or live (Digital River): the badge must not claim otherwise.
            account.environment = decided
            self.environment_combo.blockSignals(True)
            self.environment_combo.setCurrentIndex(max(0, self.environment_combo.findData(decided)))
            self.environment_combo.blockSignals(False)
        self._show_default_url(account)
        self.edited.emit()
