"""*Merge…* a group of duplicates within one account: which record to keep, which value wins for each
field where they differ, a preview of every step (and of what cannot move), then the merge as one
journaled save. A saved card that would be lost needs its own tick, naming it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.domain.customer import Customer
from console.services.accounts import AccountSession
from console.services.customer_merge import MergePlan, apply_merge, plan_merge
from console.ui.async_qt import wait_signal


class MergeDialog(QDialog):
    """Choices for one merge; `plan` is what Merge will do."""

    def __init__(self, session: AccountSession, customers: list[Customer], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.setWindowTitle(self.tr("Merge duplicates in {0}").format(session.account.name))
        self.session, self.customers = session, customers
        caps = session.service.capabilities
        name = session.service.index.name
        self.keep = QComboBox(self)
        self.keep.setObjectName("mergeKeep")
        for customer in customers:
            self.keep.addItem(f"{name(customer)}  ({customer.id})", customer.id)
        form = QFormLayout()
        form.addRow(self.tr("Keep:"), self.keep)
        self.choices: dict[str, QComboBox] = {}
        for spec in caps.fields:
            values = [(c.id, c.value(spec.key)) for c in customers]
            if not spec.editable or spec.create_only or len({str(v or "") for _, v in values}) < 2:
                continue
            box = QComboBox(self)
            box.setObjectName(f"mergeField_{spec.key}")
            for customer_id, value in values:
                box.addItem(str(value) if value not in (None, "") else self.tr("(empty)"), customer_id)
            box.currentIndexChanged.connect(lambda _i: self._replan())
            self.choices[spec.key] = box
            form.addRow(self.tr("{0}:").format(spec.label), box)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("mergePreview")
        self.preview.setReadOnly(True)
        self.accept_loss = QCheckBox(self)
        self.accept_loss.setObjectName("mergeAcceptLoss")
        self.accept_loss.toggled.connect(lambda _on: self._update_button())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.merge_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText(self.tr("Merge"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("What the merge will do:"), self))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.accept_loss)
        layout.addWidget(self.buttons)
        self.keep.currentIndexChanged.connect(lambda _i: self._keep_changed())
        self.plan: MergePlan | None = None
        self._keep_changed()
        self.resize(640, 520)

    def _keep_changed(self) -> None:
        kept = self.keep.currentData()
        for box in self.choices.values():   # the kept record's own values, until chosen otherwise
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(kept)))
            box.blockSignals(False)
        self._replan()

    def choices_made(self) -> dict[str, str]:
        return {key: box.currentData() for key, box in self.choices.items()}

    def _replan(self) -> None:
        service = self.session.service
        self.plan = plan_merge(service.capabilities, self.customers, self.keep.currentData(), self.choices_made())
        lines = self.plan.lines(service.index.name)
        if self.plan.cannot:
            lines += ["", self.tr("Cannot move:"), *(f"• {c}" for c in self.plan.cannot)]
        self.preview.setPlainText("\n".join(lines))
        losses = self.plan.card_losses
        self.accept_loss.setVisible(bool(losses))
        self.accept_loss.setChecked(False)
        self.accept_loss.setText(self.tr("Delete anyway, losing: {0}").format("; ".join(losses)))
        self._update_button()

    def _update_button(self) -> None:
        blocked = self.plan is not None and bool(self.plan.card_losses) and not self.accept_loss.isChecked()
        self.merge_button.setEnabled(not blocked)
        self.merge_button.setToolTip(self.tr("Tick the box to accept losing the saved cards") if blocked else "")


async def merge_group(parent: QWidget, session: AccountSession, customers: list[Customer]) -> Customer | None:
    """Ask how to merge `customers` and do it; the kept customer, or None when cancelled or failed."""
    dialog = MergeDialog(session, customers, parent)
    finished = wait_signal(dialog.finished)
    dialog.open()
    try:
        (result,) = await finished
        plan = dialog.plan
        if result != QDialog.DialogCode.Accepted.value or plan is None:
            return None
        accept_loss = dialog.accept_loss.isChecked()
    finally:
        dialog.deleteLater()
    try:
        return await apply_merge(session.service, plan, accept_card_loss=accept_loss)
    except e.ConsoleError as exc:
        report: Any = getattr(parent, "main", parent)
        if hasattr(report, "statusBar"):
            report.statusBar().showMessage(parent.tr("Merging failed: {0}").format(exc.message))
        return None
