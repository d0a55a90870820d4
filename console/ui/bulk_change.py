"""*Customer → Change a field…*: one field set (or cleared) on every selected customer, as a job per
account (Jobs panel), after a preview of how many customers and which value and a confirmation naming
the accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from console.domain.capabilities import FieldKind
from console.domain.customer import Customer
from console.domain.jobs import OpKind, PlannedOp
from console.services.accounts import AccountSession
from console.ui.async_qt import wait_signal
from console.ui.production_confirmation import confirm_accounts
from console.ui.wording import count_of

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow

_KINDS = (FieldKind.TEXT, FieldKind.EMAIL, FieldKind.PHONE)


def common_fields(sessions: list[AccountSession]) -> list[tuple[str, str]]:
    """(key, label) of the plain fields every one of these accounts lets an update set."""
    keys: dict[str, str] | None = None
    for session in sessions:
        mine = {f.key: f.label for f in session.service.capabilities.fields
                if f.editable and not f.create_only and f.kind in _KINDS}
        keys = mine if keys is None else {k: v for k, v in keys.items() if k in mine}
    return sorted((keys or {}).items(), key=lambda kv: kv[1])


class BulkChangeDialog(QDialog):
    """Which field, which value (empty clears it)."""

    def __init__(self, fields: list[tuple[str, str]], count: int, accounts: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkChangeDialog")
        self.setWindowTitle(self.tr("Change a field"))
        self.field = QComboBox(self)
        self.field.setObjectName("bulkField")
        for key, label in fields:
            self.field.addItem(label, key)
        self.value = QLineEdit(self)
        self.value.setObjectName("bulkValue")
        self.value.setPlaceholderText(self.tr("(empty: clear it)"))
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.setMinimumWidth(460)
        self.count, self.accounts = count, accounts
        self.field.currentIndexChanged.connect(lambda _i: self._say())
        self.value.textChanged.connect(lambda _t: self._say())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start the job"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Field:"), self.field)
        form.addRow(self.tr("New value:"), self.value)
        form.addRow(self.summary)
        form.addRow(buttons)
        self._say()

    def _say(self) -> None:
        value = self.value.text().strip()
        what = self.tr("Set {0} to “{1}”").format(self.field.currentText(), value) if value else \
            self.tr("Clear {0}").format(self.field.currentText())
        self.summary.setText(self.tr("{0} on {1} customers in {2} account(s), as a job you can pause or "
                                     "cancel; each change is journaled.").format(what, self.count, self.accounts))

    def planned(self, customers: list[Customer], name: str) -> list[PlannedOp]:
        key, value = self.field.currentData(), self.value.text().strip()
        return [PlannedOp(OpKind.UPDATE, c.id, values={key: value} if value else {},
                          cleared=() if value else (key,), label=(name and f"{name}: {c.id}") or c.id)
                for c in customers]


async def change_field(window: MainWindow) -> None:
    """Ask, then start one job per account of the selected rows."""
    rows = window.customer_list.selected_or_current_rows()
    groups: dict[str, tuple[AccountSession, list[Customer]]] = {}
    for row in rows:
        session = window.all_accounts.session_of_row(row)
        if session is not None:
            groups.setdefault(session.account.id, (session, []))[1].append(window.model.customer(row))
    if not groups:
        window.statusBar().showMessage(window.tr("Select the customers to change first."), 8000)
        return
    fields = common_fields([s for s, _ in groups.values()])
    dialog = BulkChangeDialog(fields, sum(len(c) for _, c in groups.values()), len(groups), window)
    finished = wait_signal(dialog.finished)
    dialog.open()
    try:
        (result,) = await finished
        if result != QDialog.DialogCode.Accepted.value:
            return
        title = dialog.summary.text().split(" on ")[0]
        touched = [(session, len(customers)) for session, customers in groups.values()]
        what = count_of(sum(n for _, n in touched), window.tr("customer"))
        if not await confirm_accounts(window, window.tr("Change a field"),
                                      window.tr("{0} on {1}?").format(title, what), touched,
                                      go=window.tr("Change {0}").format(what)):
            return
        for session, customers in groups.values():
            planned = dialog.planned(customers, session.account.name)
            await window.jobs.submit(session, f"{title} ({session.account.name})", planned)
    finally:
        dialog.deleteLater()
