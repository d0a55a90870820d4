"""*Copy fields from…* in Find duplicates: make one record complete from another, also across
accounts (where records cannot be merged). The chosen fields are saved to the target as a normal
save: its write path, its production confirmation, its journal entry."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer
from console.domain.duplicate_groups import MemberRef
from console.services.accounts import AccountSession
from console.ui.async_qt import wait_signal

Member = tuple[MemberRef, AccountSession, Customer]


def copyable(source: Member, target: Member) -> list[tuple[str, str, Any]]:
    """(key, label, value) of the fields the source holds that the target's provider lets an update
    set and that the target holds otherwise."""
    (_, _, frm), (_, session, into) = source, target
    out = []
    for spec in session.service.capabilities.fields:
        if not spec.editable or spec.create_only:
            continue
        value = frm.value(spec.key)
        if value not in (None, "", (), []) and not same_value(value, into.value(spec.key)):
            out.append((spec.key, spec.label, value))
    return out


class CopyFieldsDialog(QDialog):
    """Which record to complete, from which, and which of its fields."""

    def __init__(self, members: list[Member], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copyFieldsDialog")
        self.setWindowTitle(self.tr("Copy fields between records"))
        self.members = members
        self.fields = QListWidget(self)
        self.fields.setObjectName("copyFields")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Save to the record"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.target, self.source = QComboBox(self), QComboBox(self)
        self.target.setObjectName("copyInto")
        self.source.setObjectName("copyFrom")
        for box in (self.target, self.source):
            for (_account, customer_id), session, customer in members:
                name = session.service.index.name(customer)
                box.addItem(f"{name}  — {session.account.name} ({customer_id})")
        self.source.setCurrentIndex(1 if len(members) > 1 else 0)
        for box in (self.target, self.source):
            box.currentIndexChanged.connect(lambda _i: self._refill())
        form = QFormLayout()
        form.addRow(self.tr("Complete:"), self.target)
        form.addRow(self.tr("From:"), self.source)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.fields, 1)
        layout.addWidget(self.buttons)
        self._refill()
        self.resize(560, 360)

    def _refill(self) -> None:
        self.fields.clear()
        source, target = self.members[self.source.currentIndex()], self.members[self.target.currentIndex()]
        rows = copyable(source, target) if source is not target else []
        for key, label, value in rows:
            now = target[2].value(key)
            item = QListWidgetItem(f"{label}: {now if now not in (None, '') else '—'} → {value}")
            item.setData(Qt.ItemDataRole.UserRole, (key, value))
            item.setCheckState(Qt.CheckState.Checked if now in (None, "") else Qt.CheckState.Unchecked)
            self.fields.addItem(item)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(rows))
        ok.setToolTip("" if rows else self.tr("The source holds nothing the other lacks or differs in"))

    def changes(self) -> tuple[Member, CustomerChanges]:
        """The target and the ticked fields' values."""
        values = {}
        for row in range(self.fields.count()):
            item = self.fields.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                key, value = item.data(Qt.ItemDataRole.UserRole)
                values[key] = value
        return self.members[self.target.currentIndex()], CustomerChanges(values=values)


async def copy_fields(parent: QWidget, members: list[Member], report: Any) -> Customer | None:
    """Ask, then save the chosen fields to the chosen record; the record afterwards (None: nothing done)."""
    dialog = CopyFieldsDialog(members, parent)
    finished = wait_signal(dialog.finished)
    dialog.open()
    try:
        (result,) = await finished
        if result != QDialog.DialogCode.Accepted.value:
            return None
        (_ref, session, customer), changes = dialog.changes()
    finally:
        dialog.deleteLater()
    if changes.is_empty():
        return None
    try:
        return await session.service.update(customer, changes)
    except e.ConsoleError as exc:
        report(parent.tr("Copying fields failed: {0}").format(exc.message))
        return None
