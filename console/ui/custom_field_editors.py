"""One editor per custom field definition, by its type: the dialog's `FieldEditor` with the widgets
Square's types need (a date picker, a number, one or several choices) and the custom field rules.

Each editor is keyed 'custom.<key>' among the dialog's editors, so drafts, the stale choice and
the Save check treat it like any other field; the dialog's Save sends it through the custom field
service (see dialog_saving).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from console.domain.capabilities import Choice, FieldKind, FieldSpec
from console.domain.custom_field_rules import display_text, value_problem
from console.domain.custom_fields import CustomFieldDefinition, CustomFieldType, column_key
from console.domain.validation import FieldProblem
from console.ui.field_widgets import FieldEditor, soften_placeholder

_KINDS = {CustomFieldType.STRING: FieldKind.TEXT, CustomFieldType.NUMBER: FieldKind.TEXT,
          CustomFieldType.EMAIL: FieldKind.EMAIL, CustomFieldType.PHONE: FieldKind.PHONE,
          CustomFieldType.DATE: FieldKind.DATE, CustomFieldType.BOOLEAN: FieldKind.BOOL,
          CustomFieldType.SELECTION: FieldKind.CHOICE, CustomFieldType.ADDRESS: FieldKind.TEXT}
_PLACEHOLDERS = {CustomFieldType.NUMBER: "e.g. 12.5", CustomFieldType.EMAIL: "name@example.com",
                 CustomFieldType.PHONE: "+1 206 555 0100"}
LIST_ROWS = 5


def spec_for(definition: CustomFieldDefinition) -> FieldSpec:
    """The dialog field of a definition (its rules stay the custom field rules, see `check`)."""
    return FieldSpec(key=column_key(definition.key), label=definition.name, kind=_KINDS[definition.type],
                     section="Custom fields", editable=not definition.read_only,
                     choices=tuple(Choice(value=o.uid, label=o.name) for o in definition.options),
                     placeholder=None if definition.read_only else _PLACEHOLDERS.get(definition.type),
                     help=definition.description or None)


def multiple(definition: CustomFieldDefinition) -> bool:
    return definition.type is CustomFieldType.SELECTION and definition.max_selections != 1


class CustomFieldEditor(FieldEditor):
    """The editor of one custom field; `value()` is what the custom field service sends."""

    def __init__(self, definition: CustomFieldDefinition, *, read_only: bool = False, region: str = "US",
                 parent: QWidget | None = None) -> None:
        self.definition = definition
        self._loaded: Any = None   # the value last set: an unticked box means "no" only if it was set
        # Addresses are shown, not edited, here (Square's address type has a form of its own).
        fixed = definition.read_only or definition.type is CustomFieldType.ADDRESS
        super().__init__(spec_for(definition), read_only=read_only or fixed, region=region, parent=parent)

    def _make_editor(self, spec: FieldSpec) -> QWidget:
        kind = self.definition.type
        if kind is CustomFieldType.DATE:
            return self._date_picker(spec)
        if multiple(self.definition):
            choices = QListWidget(self)
            for option in self.definition.options:
                item = QListWidgetItem(option.name, choices)
                item.setData(Qt.ItemDataRole.UserRole, option.uid)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            choices.setMaximumHeight(choices.sizeHintForRow(0) * LIST_ROWS + 2 * choices.frameWidth())
            choices.itemChanged.connect(lambda _i: self.changed.emit())
            return choices
        return super()._make_editor(spec)

    def _date_picker(self, spec: FieldSpec) -> QWidget:
        """A date typed as YYYY-MM-DD (emptied to unset it) or picked from a calendar beside it."""
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        line = self.date_line = QLineEdit(box)
        line.setObjectName(f"date:{spec.key}")
        line.setPlaceholderText("YYYY-MM-DD")
        line.setClearButtonEnabled(True)
        soften_placeholder(line)
        line.textChanged.connect(lambda _t: self.changed.emit())
        pick = QToolButton(box)
        pick.setObjectName(f"pick:{spec.key}")
        pick.setText(self.tr("Calendar…"))
        pick.setToolTip(self.tr("Choose the date from a calendar"))
        pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(pick)
        self.calendar = QCalendarWidget(menu)
        shown = QWidgetAction(menu)
        shown.setDefaultWidget(self.calendar)
        menu.addAction(shown)
        pick.setMenu(menu)

        def open_at_typed_date() -> None:
            typed = QDate.fromString(line.text().strip(), "yyyy-MM-dd")
            self.calendar.setSelectedDate(typed if typed.isValid() else QDate.currentDate())

        def chosen(date: QDate) -> None:
            line.setText(date.toString("yyyy-MM-dd"))
            menu.close()

        menu.aboutToShow.connect(open_at_typed_date)
        self.calendar.clicked.connect(chosen)
        self.calendar.activated.connect(chosen)
        row.addWidget(line, 1)
        row.addWidget(pick)
        box.setFocusProxy(line)
        return box

    def value(self) -> Any:
        w, kind = self.editor, self.definition.type
        if kind is CustomFieldType.ADDRESS:
            return self._loaded
        if kind is CustomFieldType.DATE:
            return self.date_line.text().strip()
        if isinstance(w, QListWidget):
            items = (w.item(row) for row in range(w.count()))
            return tuple(i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked)
        if kind is CustomFieldType.SELECTION and isinstance(w, QComboBox):
            return (w.currentData(),) if w.currentData() else ()
        value = super().value()
        if kind is CustomFieldType.BOOLEAN and value is False and self._loaded is None:
            return None   # never set and still unticked: nothing to save
        return value

    def set_value(self, value: Any) -> None:
        self._loaded = value
        w, kind = self.editor, self.definition.type
        if kind is CustomFieldType.ADDRESS:
            super().set_value(display_text(self.definition, value))
        elif kind is CustomFieldType.DATE:
            self.date_line.setText("" if value is None else str(value))
        elif isinstance(w, QListWidget):
            chosen = set(value or ())
            for row in range(w.count()):
                item = w.item(row)
                item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen
                                   else Qt.CheckState.Unchecked)
        elif kind is CustomFieldType.SELECTION:
            super().set_value(next(iter(value), "") if isinstance(value, tuple | list) else value)
        else:
            super().set_value(value)

    def shown(self, value: Any) -> str:
        return display_text(self.definition, value)   # choices by name, not by their ids

    def check(self) -> FieldProblem | None:
        if self.read_only:
            return None
        return value_problem(self.definition, self.value())
