"""The customer dialog's Custom fields tab (Square): one editor per definition, saved with the dialog.

The editors join the dialog's own (keyed 'custom.<key>'), so the Save check, drafts and the stale
choice cover them. Where the definitions or this customer's values have not been read yet, the
tab reads them first, with its editors read-only meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from console.domain import errors as e
from console.domain.custom_fields import CustomFieldDefinition
from console.services.custom_field_service import CustomFieldService
from console.ui.custom_field_editors import CustomFieldEditor
from console.ui.field_widgets import add_to_form, new_form

if TYPE_CHECKING:
    from console.ui.edit_dialog import CustomerDialog

TASK = "custom-fields"


class CustomFieldsTab(QWidget):
    """The definitions' editors in a form, with a line saying what is happening above it."""

    def __init__(self, dialog: CustomerDialog, custom_fields: CustomFieldService) -> None:
        super().__init__(dialog)
        self.setObjectName("customFieldsTab")
        self.d = dialog
        self.custom_fields = custom_fields
        self.editors: dict[str, CustomFieldEditor] = {}
        # The wrapped status line stays outside the scrolled page: inside it, its height-for-width
        # left a stray scroll bar over the fields' right edge once it was hidden.
        self.status = QLabel(self)
        self.status.setObjectName("customFieldsStatus")
        self.status.setWordWrap(True)
        page = QWidget()
        column = QVBoxLayout(page)
        self.form = new_form()
        column.addLayout(self.form)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        margins = column.contentsMargins()   # the status line lines up with the form below it
        self.status.setContentsMargins(margins.left(), margins.top(), margins.right(), 0)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.status)
        outer.addWidget(scroll, 1)
        dialog.finished.connect(lambda _r: dialog.tasks.cancel(TASK))

    def build(self, definitions: list[CustomFieldDefinition], *, waiting: bool) -> None:
        """An editor per definition, joined to the dialog's editors (read-only while `waiting`)."""
        for definition in definitions:
            editor = CustomFieldEditor(definition, read_only=waiting, region=self.d.region, parent=self)
            self.editors[editor.spec.key] = editor
            self.d.editors[editor.spec.key] = editor
            add_to_form(self.form, editor)
        self.status.setVisible(not definitions or waiting)
        self.status.setText(self.tr("Reading the custom fields…") if waiting else self.tr(
            "This account has no custom fields yet. Add them with Square → Custom fields…"))

    async def read(self, customer_id: str | None) -> None:
        """Read what is missing (definitions, this customer's values), then let the editors be edited."""
        try:
            definitions = await self.custom_fields.definitions()
            if not self.editors:
                self.build(definitions, waiting=True)
                self._join()
            if customer_id is not None and self.d.original is not None:
                fresh = await self.custom_fields.read_values(self.d.original)
                self.d.original = self.custom_fields.with_values(self.d.original)
                for key, editor in self.editors.items():
                    editor.set_value(fresh.value(key))
        except e.ConsoleError as exc:
            self.status.setText(self.tr("Could not read the custom fields: {0}").format(exc.message))
            return
        for editor in self.editors.values():
            editor.set_read_only(editor.definition.read_only or not editor.spec.editable)
        self.status.setVisible(not self.editors)
        if self.d.draft.restored is not None:
            self.d.draft.restore_fields(self.d.draft.restored, list(self.editors))
        self.d._revalidate()

    def _join(self) -> None:
        """Connect editors made after the dialog connected its own, as it does those."""
        for key, editor in self.editors.items():
            editor.changed.connect(self.d._revalidate)
            editor.changed.connect(self.d.draft.timer.start)
            self.d._initial_values.setdefault(key, editor.value())


def add_custom_fields_tab(dialog: CustomerDialog, custom_fields: CustomFieldService | None) -> CustomFieldsTab | None:
    """Add the tab to a dialog of an account with custom fields; built at once where everything is known."""
    if custom_fields is None or not custom_fields.available:
        return None
    tab = CustomFieldsTab(dialog, custom_fields)
    dialog.tabs.addTab(tab, dialog.tr("Custom fields"))
    definitions = custom_fields.known_definitions
    customer = dialog.original
    values_known = customer is None or custom_fields.values_of(customer.id) is not None
    if definitions is not None and values_known:
        if customer is not None:
            dialog.original = custom_fields.with_values(customer)
        tab.build(definitions, waiting=False)
        return tab
    if definitions is not None:
        tab.build(definitions, waiting=True)   # joined by the dialog with its own editors
    dialog.tasks.start(tab.read(customer.id if customer is not None else None), name=TASK)
    return tab
