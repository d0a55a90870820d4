"""One editor widget per `FieldSpec`, with its message line underneath.

Every editor offers the same small interface (value, set_value, changed, show_problem), so
forms are assembled from capabilities without knowing which provider they are for.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain.capabilities import FieldKind, FieldSpec
from console.domain.validation import FieldProblem, check_value
from console.ui.theme import error_colour


class KeyValueEditor(QWidget):
    """A small two-column table of key/value pairs (provider metadata)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Key"), self.tr("Value")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(110)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        self.table.installEventFilter(self)
        add = QPushButton(self.tr("Add entry"), self)
        add.clicked.connect(self.add_row)
        remove = QPushButton(self.tr("Remove entry"), self)
        remove.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Return belongs to the table, never to the dialog's Save.

        While a cell is edited its editor commits it (Qt does that; the key then reaches the
        table); otherwise Return opens the current cell, as in a spreadsheet.
        """
        if (watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            item = self.table.currentItem()
            if self.table.state() != QAbstractItemView.State.EditingState and item is not None:
                self.table.editItem(item)
            return True
        return super().eventFilter(watched, event)

    def add_row(self, key: str = "", value: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(key))
        self.table.setItem(row, 1, QTableWidgetItem(value))
        first = self.table.item(row, 0)
        if not key and first is not None:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(first)
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()

    def value(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            key_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            key = key_item.text().strip() if key_item else ""
            if key or (value_item and value_item.text()):
                out[key] = value_item.text() if value_item else ""
        return out

    def set_value(self, value: Any) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for key, item in dict(value or {}).items():
            self.add_row(str(key), "" if item is None else str(item))
        self.table.blockSignals(False)


class FieldEditor(QWidget):
    """The editor for one field, plus a line for its problem (and a fix to apply, if any)."""

    changed = Signal()

    def __init__(self, spec: FieldSpec, *, read_only: bool = False, clearable: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.clearable = clearable
        self.setObjectName(f"field:{spec.key}")
        self._suggestion: Any = None
        self._note: FieldProblem | None = None
        self._note_fix: str | None = None
        self.editor = self._make_editor(spec)
        self.editor.setObjectName(f"editor:{spec.key}")
        self.editor.setAccessibleName(spec.label)
        if spec.help:
            self.editor.setToolTip(spec.help)
        self.set_read_only(read_only or not spec.editable)

        self.message = QLabel(self)
        self.message.setObjectName(f"message:{spec.key}")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setVisible(False)
        self.fix = QPushButton(self)
        self.fix.setObjectName(f"fix:{spec.key}")
        self.fix.setVisible(False)
        self.fix.clicked.connect(self.apply_suggestion)

        message_row = QHBoxLayout()
        message_row.setContentsMargins(0, 0, 0, 0)
        message_row.addWidget(self.message, 1)
        message_row.addWidget(self.fix, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        layout.addLayout(message_row)

    def _make_editor(self, spec: FieldSpec) -> QWidget:
        if spec.kind is FieldKind.MULTILINE:
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setFixedHeight(72)
            text.textChanged.connect(self.changed)
            return text
        if spec.kind is FieldKind.BOOL:
            box = QCheckBox(spec.label, self)
            box.toggled.connect(lambda _on: self.changed.emit())
            return box
        if spec.kind is FieldKind.CHOICE:
            combo = QComboBox(self)
            if not spec.required:
                combo.addItem(self.tr("(not set)"), "")
            for choice in spec.choices:
                combo.addItem(choice.label, choice.value)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            return combo
        if spec.kind is FieldKind.KEY_VALUE:
            kv = KeyValueEditor(self)
            kv.changed.connect(self.changed)
            return kv
        line = QLineEdit(self)
        # No one-click clear where the provider cannot clear the value (the field explains why).
        line.setClearButtonEnabled(self.clearable)
        if spec.placeholder:
            line.setPlaceholderText(spec.placeholder)
        line.textChanged.connect(lambda _t: self.changed.emit())
        return line

    # -- value --------------------------------------------------------------------------------
    def value(self) -> Any:
        w = self.editor
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox):
            return w.currentData() or ""
        if isinstance(w, KeyValueEditor):
            return w.value()
        assert isinstance(w, QLineEdit)
        return w.text()

    def set_value(self, value: Any) -> None:
        w = self.editor
        if isinstance(w, QPlainTextEdit):
            w.setPlainText("" if value is None else str(value))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QComboBox):
            i = w.findData("" if value is None else str(value))
            w.setCurrentIndex(max(i, 0))
        elif isinstance(w, KeyValueEditor):
            w.set_value(value)
        else:
            assert isinstance(w, QLineEdit)
            w.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        w = self.editor
        if isinstance(w, QLineEdit | QPlainTextEdit):
            w.setReadOnly(read_only)
        else:
            w.setEnabled(not read_only)
        self.read_only = read_only

    def focus(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- problems -----------------------------------------------------------------------------
    def check(self) -> FieldProblem | None:
        return None if self.read_only else check_value(self.spec, self.value())

    def set_note(self, note: FieldProblem | None, *, fix_label: str | None = None) -> None:
        """A standing remark (e.g. another person's value) shown whenever there is no problem."""
        self._note, self._note_fix = note, fix_label
        self.show_problem(None)

    def show_problem(self, problem: FieldProblem | str | None, *, fix_label: str | None = None) -> None:
        """Show a problem under the editor; None shows the standing note, if any, or nothing."""
        if isinstance(problem, str):
            problem = FieldProblem(problem)
        is_problem = problem is not None
        shown = problem if problem is not None else self._note
        if problem is None:
            fix_label = self._note_fix
        self._suggestion = shown.suggestion if shown else None
        self.message.setVisible(shown is not None)
        self.message.setText(shown.message if shown else "")
        self.message.setStyleSheet(f"color: {error_colour()};" if is_problem else "")
        self.fix.setVisible(self._suggestion is not None)
        if self._suggestion is not None:
            self.fix.setText(fix_label or (shown.fix_label if shown else None) or self.tr("Use this"))
        self.editor.setProperty("invalid", is_problem)

    def apply_suggestion(self) -> None:
        if self._suggestion is not None:
            value = self._suggestion
            self._note = None
            self.set_value(value)
            self.show_problem(self.check())
            self.focus()


def add_to_form(form: QFormLayout, editor: FieldEditor) -> None:
    """Add `editor` to `form` with its label (check boxes carry their own)."""
    if editor.spec.kind is FieldKind.BOOL:
        form.addRow("", editor)
    else:
        label = QLabel(editor.spec.label + ("*" if editor.spec.required else ""))
        label.setBuddy(editor.editor)
        form.addRow(label, editor)
