"""Square → Custom fields…: the account's custom field definitions, made, changed and deleted.

Deleting a definition deletes every customer's value of it, so the confirmation says how many of
the loaded customers hold one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.domain.custom_fields import CustomFieldDefinition
from console.services.custom_field_service import CustomFieldService
from console.ui.async_qt import WRITES, No, TaskRegistry, Yes, ask
from console.ui.custom_field_form import TYPE_LABELS, DefinitionForm
from console.ui.wording import count_of


class CustomFieldsDialog(QDialog):
    """The definitions in a list, with Add, Edit and Delete."""

    changed = Signal()   # a definition was made, changed or deleted

    def __init__(self, custom_fields: CustomFieldService, *, account_label: str, read_only: bool,
                 writes: TaskRegistry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customFieldsDialog")
        self.setWindowTitle(self.tr("Custom fields — {0}").format(account_label))
        self.custom_fields = custom_fields
        self.read_only = read_only
        self.tasks = TaskRegistry()
        # Writes wait their turn with the window's, which quitting and switching accounts wait for.
        self.writes = writes if writes is not None else self.tasks
        self.list = QListWidget(self)
        self.list.setObjectName("definitionsList")
        self.list.itemDoubleClicked.connect(lambda _i: self.edit())
        self.list.currentRowChanged.connect(lambda _r: self._enable())
        self.status = QLabel(self.tr("Reading the custom fields…"), self)
        self.status.setObjectName("definitionsStatus")
        self.status.setWordWrap(True)
        self.add_button = QPushButton(self.tr("&Add…"), self)
        self.add_button.setObjectName("addDefinition")
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.edit_button.setObjectName("editDefinition")
        self.delete_button = QPushButton(self.tr("&Delete…"), self)
        self.delete_button.setObjectName("deleteDefinition")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        side = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(520, 360)
        self._enable()
        self.finished.connect(lambda _r: self.tasks.cancel("read"))
        self.tasks.start(self._read(), name="read")

    # -- showing ------------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            definitions = await self.custom_fields.definitions()
        except e.ConsoleError as exc:
            self.status.setText(self.tr("Could not read the custom fields: {0}").format(exc.message))
            return
        self._show(definitions)

    def _show(self, definitions: list[CustomFieldDefinition], select: str | None = None) -> None:
        self.list.clear()
        for definition in definitions:
            kind = self.tr(TYPE_LABELS[definition.type])
            note = (self.tr(" (read-only)") if definition.read_only
                    else "" if definition.owned else self.tr(" (made elsewhere: values only)"))
            text = f"{definition.name} — {kind}{note}"
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, definition.key)
            item.setToolTip(definition.description)
            if definition.key == select:
                self.list.setCurrentItem(item)
        self.status.setText(count_of(len(definitions), self.tr("custom field"), self.tr("custom fields"))
                            if definitions else self.tr("No custom fields yet: Add one."))
        self._enable()

    def selected(self) -> CustomFieldDefinition | None:
        item = self.list.currentItem()
        return self.custom_fields.definition(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _enable(self) -> None:
        chosen = self.selected()
        self.add_button.setEnabled(not self.read_only)
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(self._changeable(chosen))

    def _changeable(self, definition: CustomFieldDefinition | None) -> bool:
        """Only fields this application made can be changed or deleted here (Square's rule)."""
        return not self.read_only and definition is not None and definition.owned

    # -- changing -----------------------------------------------------------------------------
    def add(self) -> DefinitionForm:
        return self._open_form(None)

    def edit(self) -> DefinitionForm | None:
        chosen = self.selected()
        return self._open_form(chosen) if chosen is not None and self._changeable(chosen) else None

    def _open_form(self, existing: CustomFieldDefinition | None) -> DefinitionForm:
        form = DefinitionForm(existing, self.custom_fields.known_definitions or [], self)
        key = self.custom_fields.customers.new_idempotency_key()
        form.accepted.connect(lambda: self.writes.queue(self._send(form.definition(), existing is None, key), WRITES))
        form.finished.connect(form.deleteLater)
        form.open()
        return form

    async def _send(self, definition: CustomFieldDefinition, new: bool, key: str) -> None:
        what = self.tr("Creating") if new else self.tr("Saving")
        self.status.setText(self.tr("{0} {1}…").format(what, definition.name))
        try:
            if new:
                saved = await self.custom_fields.create_definition(definition, idempotency_key=key)
            else:
                saved = await self.custom_fields.update_definition(definition, idempotency_key=key)
        except e.ConsoleError as exc:
            self.status.setText(f"{exc.title}: {exc.message}")
            return
        self._show(self.custom_fields.known_definitions or [], select=saved.key)
        self.changed.emit()

    def delete(self) -> None:
        chosen = self.selected()
        if chosen is not None and self._changeable(chosen):
            self.tasks.start(self._confirm_delete(chosen), name="delete")

    async def _confirm_delete(self, definition: CustomFieldDefinition) -> None:
        self.status.setText(self.tr("Counting the customers who hold a value…"))
        holders, counted = await self.custom_fields.holder_count(definition.key)
        self.status.setText("")
        held = (count_of(holders, self.tr("customer holds"), self.tr("customers hold")) if counted
                else count_of(holders, self.tr("loaded customer holds"), self.tr("loaded customers hold")))
        answer = await ask(self, self.tr("Delete custom field"),
                           self.tr("Delete the custom field “{0}”?").format(definition.name),
                           informative=self.tr("{0} a value of it; every customer's value is deleted with it, "
                                               "and this cannot be undone.").format(held),
                           icon=QMessageBox.Icon.Warning,
                           labels={Yes: self.tr("Delete the field"), No: self.tr("Keep it")})
        if answer != Yes:
            return
        self.status.setText(self.tr("Deleting {0}…").format(definition.name))
        try:
            await self.writes.queue(self.custom_fields.delete_definition(definition.key), WRITES)
        except e.ConsoleError as exc:
            self.status.setText(f"{exc.title}: {exc.message}")
            return
        self._show(self.custom_fields.known_definitions or [])
        self.changed.emit()


def open_custom_fields(custom_fields: CustomFieldService, *, account_label: str, read_only: bool,
                       writes: TaskRegistry, parent: QWidget) -> CustomFieldsDialog:
    """Show the manager (window-modal); it is deleted once closed."""
    dialog = CustomFieldsDialog(custom_fields, account_label=account_label, read_only=read_only, writes=writes,
                                parent=parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
