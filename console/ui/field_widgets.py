"""One editor widget per `FieldSpec`, with its message line underneath.

Every editor offers the same small interface (value, set_value, changed, show_problem), so
forms are assembled from capabilities without knowing which provider they are for.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.domain.capabilities import FieldKind, FieldSpec
from console.domain.validation import FieldProblem, check_value
from console.services.phone_display import DEFAULT_REGION, display_phone
from console.ui.country_box import CountryBox
from console.ui.key_value_editor import KeyValueEditor
from console.ui.table_cells import format_value
from console.ui.theme import error_colour, placeholder_colour

# A placeholder that is a format to follow (YYYY-MM-DD) rather than an example value.
_FORMAT_HINT = re.compile(r"[A-Z]{2,}([ /.-][A-Z]{2,})*( or [A-Z]{2,}([ /.-][A-Z]{2,})*)?")
NOTE_MIN_HEIGHT = 72


def is_country(spec: FieldSpec) -> bool:
    """Country fields are chosen from ISO 3166 rather than typed freely."""
    return spec.key.rsplit(".", 1)[-1] == "country" and spec.kind is FieldKind.TEXT


def placeholder_text(placeholder: str) -> str:
    """An example never looks like data typed in: 'US' reads 'e.g. US'; formats stay as they are."""
    if placeholder.lower().startswith("e.g.") or _FORMAT_HINT.fullmatch(placeholder):
        return placeholder
    return f"e.g. {placeholder}"


def soften_placeholder(widget: QWidget) -> None:
    """A lighter placeholder colour than Qt's default, in light and dark mode."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.PlaceholderText, placeholder_colour(palette))
    widget.setPalette(palette)


class FieldEditor(QWidget):
    """The editor for one field, plus a line for its problem (and a fix to apply, if any)."""

    changed = Signal()

    def __init__(self, spec: FieldSpec, *, read_only: bool = False, clearable: bool = True,
                 region: str = DEFAULT_REGION, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.clearable = clearable
        self.region = region                      # phones are shown in this country's national form
        self._phone_shown: tuple[str, str] | None = None   # (text shown, value as loaded)
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
        layout.addWidget(self.editor, 1)
        layout.addLayout(message_row)
        # Only a note grows with the dialog (pages without one end in a stretch, see new_form).
        self.grows = spec.kind in (FieldKind.MULTILINE, FieldKind.KEY_VALUE)
        grows = self.grows
        self.setSizePolicy(QSizePolicy.Policy.Preferred,
                           QSizePolicy.Policy.Expanding if grows else QSizePolicy.Policy.Maximum)

    def _make_editor(self, spec: FieldSpec) -> QWidget:
        if spec.kind is FieldKind.MULTILINE:
            text = QPlainTextEdit(self)
            text.setTabChangesFocus(True)
            text.setMinimumHeight(NOTE_MIN_HEIGHT)
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
        if is_country(spec):
            countries = CountryBox(self)
            countries.changed.connect(self.changed)
            line_edit = countries.lineEdit()
            assert line_edit is not None
            line_edit.setPlaceholderText(self.tr("e.g. United States or US"))
            soften_placeholder(line_edit)
            return countries
        line = QLineEdit(self)
        # No one-click clear where the provider cannot clear the value (the field explains why).
        line.setClearButtonEnabled(self.clearable)
        if spec.placeholder:
            line.setPlaceholderText(placeholder_text(spec.placeholder))
            soften_placeholder(line)
        line.textChanged.connect(lambda _t: self.changed.emit())
        return line

    # -- value --------------------------------------------------------------------------------
    def value(self) -> Any:
        w = self.editor
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, CountryBox):
            return w.value()
        if isinstance(w, QComboBox):
            return w.currentData() or ""
        if isinstance(w, KeyValueEditor):
            return w.value()
        assert isinstance(w, QLineEdit)
        if self._phone_shown is not None and w.text() == self._phone_shown[0]:
            return self._phone_shown[1]   # shown formatted, saved as it was unless edited
        return w.text()

    def set_value(self, value: Any) -> None:
        w = self.editor
        if isinstance(w, QPlainTextEdit):
            w.setPlainText("" if value is None else str(value))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, CountryBox):
            w.set_value("" if value is None else str(value))
        elif isinstance(w, QComboBox):
            i = w.findData("" if value is None else str(value))
            w.setCurrentIndex(max(i, 0))
        elif isinstance(w, KeyValueEditor):
            w.set_value(value)
        else:
            assert isinstance(w, QLineEdit)
            text = "" if value is None else str(value)
            self._phone_shown = None
            if self.spec.kind is FieldKind.PHONE and text and not self.spec.digits_only:
                # Digits-only providers would refuse the formatted form once touched, so they see digits.
                self._phone_shown = (display_phone(text, self.region), text)
                text = self._phone_shown[0]
            w.setText(text)

    def shown(self, value: Any) -> str:
        """A value of this field as text, for a note such as another person's value."""
        return format_value(value)

    def set_read_only(self, read_only: bool) -> None:
        w = self.editor
        if isinstance(w, QLineEdit | QPlainTextEdit):
            w.setReadOnly(read_only)
            # Selectable, but drawn on the window's colour so it does not look like a field to type in.
            palette = self.palette()
            if read_only:
                palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
            w.setPalette(palette)
            if isinstance(w, QLineEdit):
                w.setClearButtonEnabled(self.clearable and not read_only)
        else:
            w.setEnabled(not read_only)
        self.read_only = read_only

    def focus(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- problems -----------------------------------------------------------------------------
    def check(self) -> FieldProblem | None:
        if self.read_only:
            return None
        if isinstance(self.editor, CountryBox) and not self.editor.recognised():
            return FieldProblem(self.tr("Not a country on the list: type its name or a code such as US."))
        return check_value(self.spec, self.value())

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
        return
    label = QLabel(editor.spec.label + ("*" if editor.spec.required else ""))
    label.setObjectName(f"label:{editor.spec.key}")
    label.setBuddy(editor.editor)
    # The label sits level with the editor's first line, however tall the row grows below it
    # (a note, a message under the field): at the row's top, lowered to a one-line editor's text.
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setContentsMargins(0, max(0, (QLineEdit().sizeHint().height() - label.fontMetrics().height()) // 2), 0, 0)
    form.addRow(label, editor)


def new_form(parent: QWidget | None = None) -> QFormLayout:
    """A form whose labels keep to the top of their rows."""
    form = QFormLayout() if parent is None else QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return form
