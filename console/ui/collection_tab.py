"""A dialog tab for one list of records on a customer (addresses, cards, emails, tax ids...).

Built entirely from a `CollectionSpec`: the columns it shows, the form it asks for, and which of
add / edit / delete / set default the provider allows. Nothing is sent from here: each change is
planned in the dialog's `ItemPlan` and sent with the customer when the dialog is saved.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain.capabilities import CollectionSpec, FieldKind
from console.domain.customer import Customer
from console.services.item_plan import ItemPlan, ItemState
from console.services.phone_display import DEFAULT_REGION, display_phone
from console.ui.async_qt import TaskRegistry, ask
from console.ui.cell_marks import mark_item_cell
from console.ui.customer_table import format_value
from console.ui.item_dialog import ItemDialog, item_value
from console.ui.theme import error_colour
from console.ui.wording import count_of


def item_is_default(item: Any) -> bool:
    return bool(getattr(item, "is_default", False) or getattr(item, "is_primary", False))


class CollectionTab(QWidget):
    """Lists a customer's records of one kind, as they will be once the dialog is saved."""

    plan_changed = Signal()   # something was planned (or unplanned) on this tab

    def __init__(self, spec: CollectionSpec, plan: ItemPlan, customer: Customer | None, tasks: TaskRegistry, *,
                 provider_name: str, region: str = DEFAULT_REGION, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.plan = plan
        self.customer = customer
        self.tasks = tasks
        self.provider_name = provider_name
        self.region = region
        self._phone_columns = {f.key for f in spec.fields if f.kind is FieldKind.PHONE and not f.digits_only}
        self.setObjectName(f"collection:{spec.kind}")
        columns = [c.label for c in spec.columns]
        self._default_column = spec.can_set_default or any(item_is_default(i) for i in self.items())
        if self._default_column:
            columns.append(spec.default_label)
        columns.append(self.tr("On Save"))
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

        self.empty = QLabel(self)
        self.empty.setObjectName(f"empty:{spec.kind}")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        label = html.escape(spec.label.lower())
        self.empty.setText(self.tr("No {0} yet — <a href='add'>Add one…</a>").format(label) if spec.can_add
                           else self.tr("No {0} on file.").format(label))
        self.empty.linkActivated.connect(lambda _link: self.add())
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.buttons: dict[str, QPushButton] = {}
        self._needs_selection: set[str] = set()
        self._added_buttons: list[QPushButton] = []
        self._button_row = row = QHBoxLayout()
        for name, text, allowed, slot in (
            ("add", self.tr("Add…"), spec.can_add, self.add),
            ("edit", self.tr("Edit…"), spec.can_edit, self.edit_selected),
            ("delete", self.tr("Delete"), spec.can_delete, self.delete_selected),
            ("default", self.tr("Make {0}").format(spec.default_label.lower()), spec.can_set_default,
             self.set_default_selected),
        ):
            if allowed:
                button = QPushButton(text, self)
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
        layout.addWidget(self.stack, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.refresh()

    def add_button(self, name: str, text: str, slot: Any, *, needs_selection: bool = False) -> QPushButton:
        """A button for an action that writes at once rather than on Save (Add card), before the others."""
        button = QPushButton(text, self)
        button.setObjectName(f"{name}:{self.spec.kind}")
        button.clicked.connect(lambda _=False: slot())
        self.buttons[name] = button
        if needs_selection:
            self._needs_selection.add(name)
        self._button_row.insertWidget(len(self._added_buttons), button)
        self._added_buttons.append(button)
        self._update_buttons()
        return button

    def items(self) -> list[Any]:
        return self.plan.items(self.customer, self.spec.kind)

    def _cell_text(self, item: Any, key: str) -> str:
        text = format_value(item_value(item, key))
        return display_phone(text, self.region) if key in self._phone_columns and text else text

    def describe(self, item: Any) -> str:
        """A few words naming the item, for confirmations and the save progress."""
        return ", ".join(t for t in (self._cell_text(item, c.key) for c in self.spec.columns[:2]) if t)

    def refresh(self) -> None:
        items = self.items()
        self.table.setRowCount(len(items))
        on_save = {ItemState.NEW: self.tr("Added"), ItemState.EDITED: self.tr("Changed"),
                   ItemState.DELETED: self.tr("Deleted")}
        faded = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for r, item in enumerate(items):
            state = self.plan.state(self.spec.kind, item.id)
            texts = [self._cell_text(item, c.key) for c in self.spec.columns]
            if self._default_column:
                texts.append("✓" if item_is_default(item) else "")
            texts.append(on_save.get(state, "") if state else "")
            for c, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                if c < len(self.spec.columns):
                    mark_item_cell(cell, item, self.spec.columns[c].key)
                if state is ItemState.DELETED:
                    font = cell.font()
                    font.setStrikeOut(True)
                    cell.setFont(font)
                    cell.setForeground(faded)
                elif state is ItemState.NEW:
                    font = cell.font()
                    font.setItalic(True)
                    cell.setFont(font)
                self.table.setItem(r, c, cell)
        self.table.setColumnHidden(self.table.columnCount() - 1, not self.plan.count(self.spec.kind))
        self.stack.setCurrentWidget(self.table if items else self.empty)
        pending = self.plan.count(self.spec.kind)
        if pending:
            changes = count_of(pending, self.tr("change"), self.tr("changes"))
            self._set_status(self.tr("{0} will be sent when you save the customer.").format(changes))
        elif not self.status.property("failed"):
            self._set_status("")
        self._update_buttons()

    def set_customer(self, customer: Customer | None) -> None:
        self.customer = customer
        self.refresh()

    def show_failures(self, messages: list[str]) -> None:
        """What could not be saved on this tab (the changes stay listed, so Save can try again)."""
        self._set_status("\n".join(messages), error=True)
        self.status.setProperty("failed", bool(messages))

    def selected_item(self) -> Any | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        items = self.items()
        return items[row] if row < len(items) else None

    def _live_count(self) -> int:
        return sum(1 for i in self.items() if self.plan.state(self.spec.kind, i.id) is not ItemState.DELETED)

    def _update_buttons(self) -> None:
        selected = self.selected_item()
        deleted = selected is not None and self.plan.state(self.spec.kind, selected.id) is ItemState.DELETED
        if "add" in self.buttons:
            full = self.spec.max_items is not None and self._live_count() >= self.spec.max_items
            self.buttons["add"].setToolTip(self.tr("{0} allows at most {1}.").format(
                self.provider_name, self.spec.max_items) if full else "")
        if "delete" in self.buttons:
            self.buttons["delete"].setText(self.tr("Undo delete") if deleted else self.tr("Delete"))
            self.buttons["delete"].setEnabled(selected is not None)
        if "edit" in self.buttons:
            self.buttons["edit"].setEnabled(selected is not None and not deleted)
        for name in self._needs_selection:
            self.buttons[name].setEnabled(selected is not None and not deleted)
        if "default" in self.buttons:
            self.buttons["default"].setEnabled(selected is not None and not deleted and not item_is_default(selected))

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {error_colour()};" if error else "")

    def _planned(self) -> None:
        self.status.setProperty("failed", False)
        self.refresh()
        self.plan_changed.emit()

    # -- planning -----------------------------------------------------------------------------
    def _open_form(self, item: Any | None, then: Any) -> None:
        dialog = ItemDialog(self.spec, item, region=self.region, parent=self)
        dialog.accepted.connect(lambda: then(dialog.values()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def add(self) -> None:
        if self.spec.max_items is not None and self._live_count() >= self.spec.max_items:
            self._set_status(self.tr("{0} allows at most {1} {2} per customer.").format(
                self.provider_name, self.spec.max_items, self.spec.label.lower()), error=True)
            return

        def plan(values: dict[str, Any]) -> None:
            new = self.plan.add(self.spec.kind, values)
            item = next(i for i in self.items() if i.id == new)
            self.plan.edit(self.spec.kind, new, values, label=self._label(self.tr("Add {0}"), item))
            self._planned()

        self._open_form(None, plan)

    def _label(self, action: str, item: Any) -> str:
        """'Add address: 1 Main St, Austin' ('{0}' in `action` is the item noun)."""
        return f"{action.format(self.spec.noun, self.spec.default_label.lower())}: {self.describe(item)}"

    def edit_selected(self) -> None:
        item = self.selected_item()
        if item is None or self.plan.state(self.spec.kind, item.id) is ItemState.DELETED:
            return

        def plan(values: dict[str, Any]) -> None:
            self.plan.edit(self.spec.kind, item.id, values)
            edited = next(i for i in self.items() if i.id == item.id)
            label = self.tr("Add {0}") if self.plan.state(self.spec.kind, item.id) is ItemState.NEW \
                else self.tr("Change {0}")
            self.plan.edit(self.spec.kind, item.id, values, label=self._label(label, edited))
            self._planned()

        self._open_form(item, plan)

    def delete_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        state = self.plan.state(self.spec.kind, item.id)
        if state is ItemState.DELETED:
            self.plan.undo_delete(self.spec.kind, item.id)
            self._planned()
            return
        if state is ItemState.NEW:   # never sent: nothing to confirm
            self.plan.delete(self.spec.kind, item.id)
            self._planned()
            return

        async def confirm_then_plan() -> None:
            noun = self.spec.noun
            answer = await ask(self, self.tr("Delete {0}").format(noun),
                               self.tr("Delete {0}?").format(self.describe(item)),
                               informative=self.tr("It is deleted when you save the customer."),
                               labels={QMessageBox.StandardButton.Yes: self.tr("Delete this {0}").format(noun),
                                       QMessageBox.StandardButton.No: self.tr("Keep it")})
            if answer == QMessageBox.StandardButton.Yes:
                self.plan.delete(self.spec.kind, item.id, label=self._label(self.tr("Delete {0}"), item))
                self._planned()

        self.tasks.start(confirm_then_plan(), name=f"confirm:{self.spec.kind}")

    def set_default_selected(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        self.plan.set_default(self.spec.kind, item.id, label=self._label(self.tr("Make {0} {1}"), item))
        self._planned()
