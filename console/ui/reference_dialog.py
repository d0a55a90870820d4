"""Asks for one provider reference (e.g. a transaction id) to make a customer from."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from console.domain.capabilities import CreateFromSpec
from console.ui.theme import error_colour


class ReferenceDialog(QDialog):
    """One field, checked against the spec's pattern before OK is accepted."""

    def __init__(self, spec: CreateFromSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referenceDialog")
        self.spec = spec
        self.setWindowTitle(spec.label.rstrip("…"))
        self.field = QLineEdit(self)
        self.field.setObjectName("referenceField")
        self.problem = QLabel(self)
        self.problem.setStyleSheet(f"color: {error_colour()};")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(spec.prompt, self.field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def value(self) -> str:
        return self.field.text().strip()

    def _accept_if_valid(self) -> None:
        if not self.value():
            self.problem.setText(self.tr("Enter the {0}.").format(self.spec.prompt.lower()))
            return
        if self.spec.pattern and not re.fullmatch(self.spec.pattern, self.value()):
            self.problem.setText(self.spec.pattern_message or self.tr("Not in the expected format."))
            return
        self.accept()
