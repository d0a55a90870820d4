"""A dialog tab for one list of records on a customer (addresses, cards, emails, tax ids...).

Built entirely from a `CollectionSpec`: the columns it shows, the form it asks for, and
which of add / edit / delete / set default the provider allows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.domain.capabilities import CollectionSpec
from console.domain.customer import Customer
from console.services.customer_service import CustomerService
from console.ui.async_qt import WRITES, TaskRegistry, ask
from console.ui.customer_table import format_value
from console.ui.field_widgets import FieldEditor, add_to_form
from console.ui.theme import error_colour

log = logging.getLogger(__name__)


def item_value(item: Any, key: str) -> Any:
    """An item's attribute, calling it when it is a method (e.g. a card's `masked()`)."""
    value = getattr(item, key, None)
    return value() if callable(value) else value


def item_is_default(item: Any) -> bool:
    return bool(getattr(item, "is_default", False) or getattr(item, "is_primary", False))


class ItemDialog(QDialog):
    """Add or edit one record: a form built from the collection's field specs."""

    def __init__(self, spec: CollectionSpec, item: Any | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName("itemDialog")
        noun = spec.label.rstrip("s").lower() if spec.label.endswith("s") else spec.label.lower()
        self.setWindowTitle(self.tr("Edit {0}").format(noun) if item else self.tr("Add {0}").format(noun))
        self.editors: dict[str, FieldEditor] = {}
        form = QFormLayout()
        for field in spec.fields:
            editor = FieldEditor(field, parent=self)
            if item is not None:
                editor.set_value(item_value(item, field.key))
            editor.changed.connect(lambda ed=editor: ed.show_problem(ed.check()))
            self.editors[field.key] = editor
            add_to_form(form, editor)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(420, self.sizeHint().height())

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
            first_bad.focus()
            return
        self.accept()


class CollectionTab(QWidget):
    """Lists a customer's records of one kind and runs the operations the provider allows."""

    customer_changed = Signal(object)   # the customer as it is after an operation
    operation_failed = Signal(object)   # the ConsoleError

    def __init__(self, spec: CollectionSpec, service: CustomerService, customer: Customer,
                 tasks: TaskRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.service = service
        self.customer = customer
        self.tasks = tasks
        self._pending = 0   # this tab's writes queued or under way
        self.setObjectName(f"collection:{spec.kind}")
        columns = [c.label for c in spec.columns]
        if spec.can_set_default or any(item_is_default(i) for i in self.items()):
            columns.append(spec.default_label)
        self.table = QTableWidget(0, len(columns), self)
        self.table.setObjectName(f"items:{spec.kind}")
        self.table.setHorizontalHeaderLabels(columns)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected() if spec.can_edit else None)

        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, label, allowed, slot in (
            ("add", self.tr("Add…"), spec.can_add, self.add),
            ("edit", self.tr("Edit…"), spec.can_edit, self.edit_selected),
            ("delete", self.tr("Delete"), spec.can_delete, self.delete_selected),
            ("default", self.tr("Make {0}").format(spec.default_label.lower()), spec.can_set_default,
             self.set_default_selected),
        ):
            if allowed:
                button = QPushButton(label, self)
                button.setObjectName(f"{name}:{spec.kind}")
                button.clicked.connect(slot)
                self.buttons[name] = button
                row.addWidget(button)
        row.addStretch(1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setObjectName(f"status:{spec.kind}")
        layout = QVBoxLayout(self)
        if spec.note:
            note = QLabel(spec.note, self)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.refresh()

    def items(self) -> tuple[Any, ...]:
        return tuple(getattr(self.customer, self.spec.kind))

    def refresh(self) -> None:
        items = self.items()
        self.table.setRowCount(len(items))
        for r, item in enumerate(items):
            for c, column in enumerate(self.spec.columns):
                cell = QTableWidgetItem(format_value(item_value(item, column.key)))
                cell.setData(Qt.ItemDataRole.UserRole, getattr(item, "id", None))
                self.table.setItem(r, c, cell)
            if self.table.columnCount() > len(self.spec.columns):
                mark = QTableWidgetItem("✓" if item_is_default(item) else "")
                mark.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, len(self.spec.columns), mark)
        if "add" in self.buttons and self.spec.max_items is not None:
            full = len(items) >= self.spec.max_items
            self.buttons["add"].setToolTip(
                self.tr("{0} allows at most {1}.").format(self.service.provider.name, self.spec.max_items)
                if full else "")
        self._update_buttons()

    def set_customer(self, customer: Customer) -> None:
        self.customer = customer
        self.refresh()

    def selected_item(self) -> Any | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        items = self.items()
        return items[row] if row < len(items) else None

    def _update_buttons(self) -> None:
        selected = self.selected_item()
        if "add" in self.buttons:
            self.buttons["add"].setEnabled(not self._pending)
        for name in ("edit", "delete", "default"):
            if name in self.buttons:
                enabled = selected is not None and not self._pending
                if name == "default" and selected is not None:
                    enabled = not item_is_default(selected)
                self.buttons[name].setEnabled(enabled)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {error_colour()};" if error else "")

    # -- operations ---------------------------------------------------------------------------
    def _run(self, description: str, operation: Callable[[], Any]) -> None:
        """Queue a write behind the dialog's others; `operation` reads the customer when its turn comes."""
        self._pending += 1
        for button in self.buttons.values():
            button.setEnabled(False)
        self._set_status(description)

        async def run() -> None:
            try:
                updated = await operation()
            except e.ConsoleError as exc:
                self._set_status(exc.message, error=True)
                self.operation_failed.emit(exc)
            else:
                self.customer = updated
                self.refresh()
                self._set_status(self.tr("Saved."))
                self.customer_changed.emit(updated)
            finally:
                self._pending -= 1
                self._update_buttons()

        self.tasks.queue(run(), WRITES)

    def _open_form(self, item: Any | None, then: Callable[[dict[str, Any]], None]) -> None:
        dialog = ItemDialog(self.spec, item, self)
        dialog.accepted.connect(lambda: then(dialog.values()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def add(self) -> None:
        if self.spec.max_items is not None and len(self.items()) >= self.spec.max_items:
            self._set_status(self.tr("{0} allows at most {1} {2} per customer.").format(
                self.service.provider.name, self.spec.max_items, self.spec.label.lower()), error=True)
            return
        self._open_form(None, lambda values: self._run(
            self.tr("Adding…"), lambda: self.service.add_item(self.customer, self.spec.kind, values)))

    def edit_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        self._open_form(item, lambda values: self._run(
            self.tr("Saving…"),
            lambda: self.service.update_item(self.customer, self.spec.kind, item.id, values)))

    def delete_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        description = ", ".join(format_value(item_value(item, c.key)) for c in self.spec.columns[:2])

        async def confirm_then_delete() -> None:
            answer = await ask(self, self.tr("Delete"), self.tr("Delete {0} from {1}?").format(
                description, self.service.index.name(self.customer)),
                informative=self.tr("This cannot be undone."))
            if answer == QMessageBox.StandardButton.Yes:
                self._run(self.tr("Deleting…"),
                          lambda: self.service.delete_item(self.customer, self.spec.kind, item.id))

        self.tasks.start(confirm_then_delete(), name=f"confirm:{self.spec.kind}")

    def set_default_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        self._run(self.tr("Saving…"),
                  lambda: self.service.set_default_item(self.customer, self.spec.kind, item.id))
