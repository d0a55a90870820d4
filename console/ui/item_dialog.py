"""The small form that adds or edits one record of a collection (an address, a phone, a tax id)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLayout, QVBoxLayout, QWidget

from console.domain.capabilities import CollectionSpec
from console.services.phone_display import DEFAULT_REGION
from console.ui.field_widgets import FieldEditor, add_to_form, new_form


def item_value(item: Any, key: str) -> Any:
    """An item's attribute, calling it when it is a method (e.g. a card's `masked()`)."""
    value = getattr(item, key, None)
    return value() if callable(value) else value


class ItemDialog(QDialog):
    """Add or edit one record: a form built from the collection's field specs."""

    def __init__(self, spec: CollectionSpec, item: Any | None, *, region: str = DEFAULT_REGION,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName("itemDialog")
        title = self.tr("Edit {0}") if item is not None else self.tr("Add {0}")
        self.setWindowTitle(title.format(spec.noun))
        self.editors: dict[str, FieldEditor] = {}
        form = new_form()
        for field in spec.fields:
            editor = FieldEditor(field, region=region, parent=self)
            if item is not None:
                editor.set_value(item_value(item, field.key))
            editor.changed.connect(lambda ed=editor: self._show(ed))
            self.editors[field.key] = editor
            add_to_form(form, editor)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # Grows (never shrinks below what it shows) when a message appears under a field.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(440, self.sizeHint().height())

    def _show(self, editor: FieldEditor) -> None:
        editor.show_problem(editor.check())
        QTimer.singleShot(0, self.fit)   # once the message's new layout is in place

    def fit(self) -> None:
        """Grow to show every message whole: wrapped lines need more height than the minimum size says."""
        layout = self.layout()
        assert layout is not None
        layout.activate()
        needed = layout.heightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if needed > self.height():
            self.resize(self.width(), needed)

    def values(self) -> dict[str, Any]:
        return {key: editor.value() for key, editor in self.editors.items()}

    def _accept_if_valid(self) -> None:
        first_bad = None
        for editor in self.editors.values():
            problem = editor.check()
            editor.show_problem(problem)
            if problem and first_bad is None:
                first_bad = editor
        if first_bad is not None:
            QTimer.singleShot(0, self.fit)
            first_bad.focus()
            return
        self.accept()
