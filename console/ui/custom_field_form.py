"""One custom field definition, made or changed: name (the key derived from it), type, choices for a
selection, description. Checked against the custom field rules before OK is accepted."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.domain.custom_field_rules import definition_problems, key_from_name
from console.domain.custom_fields import CustomFieldDefinition, CustomFieldType, SelectionOption
from console.ui.theme import error_colour

TYPE_LABELS = {CustomFieldType.STRING: "Text", CustomFieldType.NUMBER: "Number", CustomFieldType.DATE: "Date",
               CustomFieldType.BOOLEAN: "Yes / no", CustomFieldType.SELECTION: "Choice from a list",
               CustomFieldType.EMAIL: "Email", CustomFieldType.PHONE: "Phone", CustomFieldType.ADDRESS: "Address"}
# Square takes addresses too, but the dialog has no editor for one: not offered for new fields.
NEW_TYPES = [t for t in TYPE_LABELS if t is not CustomFieldType.ADDRESS]


class DefinitionForm(QDialog):
    """Make a definition (`existing` None) or change one's name, description and choices."""

    def __init__(self, existing: CustomFieldDefinition | None, others: Sequence[CustomFieldDefinition],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("definitionForm")
        self.existing = existing
        self.others = [d for d in others if existing is None or d.key != existing.key]
        self.setWindowTitle(self.tr("New custom field") if existing is None else self.tr("Edit custom field"))
        self.name = QLineEdit(self)
        self.name.setObjectName("definitionName")
        self.key = QLabel(self)
        self.key.setObjectName("definitionKey")
        self.type = QComboBox(self)
        self.type.setObjectName("definitionType")
        for kind in NEW_TYPES if existing is None else [existing.type]:
            self.type.addItem(self.tr(TYPE_LABELS[kind]), kind.value)
        self.type.setEnabled(existing is None)   # a field keeps its type: values were made for it
        self.options = QPlainTextEdit(self)
        self.options.setObjectName("definitionOptions")
        self.options.setPlaceholderText(self.tr("One choice a line"))
        self.options.setTabChangesFocus(True)
        self.several = QCheckBox(self.tr("Several may be chosen"), self)
        self.several.setObjectName("definitionSeveral")
        self.description = QLineEdit(self)
        self.description.setObjectName("definitionDescription")
        self.description.setPlaceholderText(self.tr("What staff should enter here"))
        self.problem = QLabel(self)
        self.problem.setObjectName("definitionProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {error_colour()};")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("definitionOk")

        self.form = form = QFormLayout()
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("Key"), self.key)
        form.addRow(self.tr("&Type"), self.type)
        form.addRow(self.tr("&Choices"), self.options)
        form.addRow("", self.several)
        form.addRow(self.tr("&Description"), self.description)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

        if existing is not None:
            self.name.setText(existing.name)
            self.description.setText(existing.description)
            self.options.setPlainText("\n".join(o.name for o in existing.options))
            self.several.setChecked(existing.max_selections != 1)
        self.name.textChanged.connect(self._show_key)
        self.type.currentIndexChanged.connect(self._show_choices)
        self._show_key()
        self._show_choices()
        self.resize(440, self.sizeHint().height())

    def _kind(self) -> CustomFieldType:
        return CustomFieldType(self.type.currentData())

    def _show_key(self) -> None:
        self.key.setText(self.existing.key if self.existing is not None else
                         key_from_name(self.name.text(), [d.key for d in self.others]))

    def _show_choices(self) -> None:
        selection = self._kind() is CustomFieldType.SELECTION
        for widget in (self.options, self.several):
            self.form.setRowVisible(widget, selection)

    def definition(self) -> CustomFieldDefinition:
        """What the form holds; choices keep their ids by name, new ones get theirs from Square."""
        kind = self._kind()
        options: tuple[SelectionOption, ...] = ()
        if kind is CustomFieldType.SELECTION:
            known = {o.name: o.uid for o in self.existing.options} if self.existing is not None else {}
            names = [line.strip() for line in self.options.toPlainText().splitlines() if line.strip()]
            options = tuple(SelectionOption(uid=known.get(name, ""), name=name) for name in names)
        base = self.existing or CustomFieldDefinition(key=self.key.text(), name="", type=kind)
        return base.model_copy(update={
            "name": self.name.text().strip(), "description": self.description.text().strip(), "options": options,
            "max_selections": (None if self.several.isChecked() else 1) if options else None})

    def _accept_if_valid(self) -> None:
        problems = definition_problems(self.definition(), taken_names=[d.name for d in self.others])
        if problems:
            labels = {"key": self.tr("Key"), "name": self.tr("Name"), "description": self.tr("Description"),
                      "options": self.tr("Choices"), "max_selections": self.tr("Choices")}
            self.problem.setText("\n".join(f"{labels[k]}: {p.message}" for k, p in problems.items()))
            return
        self.accept()
