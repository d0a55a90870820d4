"""The customer dialog: fields from the provider's capabilities, checked as the user types.

Nothing is sent while a field is invalid, and nothing at all before Save: changes to addresses,
phones, cards... are planned on their tabs and sent with the customer, so Cancel cancels
everything. If saving fails the dialog stays open with everything typed (see dialog_saving).
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.domain.validation import FieldProblem, check_values, clearing_problems
from console.services.custom_field_service import CustomFieldService
from console.services.customer_service import CustomerService
from console.services.drafts import Draft, DraftStore
from console.services.item_plan import ItemPlan
from console.services.phone_display import phone_region
from console.ui.async_qt import TaskRegistry, ask
from console.ui.collection_tab import CollectionTab
from console.ui.custom_fields_tab import add_custom_fields_tab
from console.ui.dialog_drafts import DialogDrafts
from console.ui.dialog_header import Banner, DialogHeader
from console.ui.dialog_saving import DialogSaving
from console.ui.dialog_tabs import DialogTabs
from console.ui.field_widgets import FieldEditor, add_to_form, new_form
from console.ui.groups_tab import GroupsTab
from console.ui.history_tab import add_history_tab
from console.ui.save_progress import SaveProgress


class CustomerDialog(QDialog):
    """Create a customer (`customer` None) or edit one, at the account `service` belongs to."""

    saved = Signal(object)          # the Customer as the provider now has it
    save_failed = Signal(object)    # the ConsoleError; the dialog stays open
    open_existing = Signal(str)     # a duplicate's existing id, when the user asks to see it
    reverted = Signal(object)       # the Customer after a revert from the History tab (None: deleted)

    def __init__(self, service: CustomerService, customer: Customer | None, *, account_label: str,
                 environment: str, account_id: str = "", drafts: DraftStore | None = None,
                 draft_key: str | None = None, parent: QWidget | None = None,
                 custom_fields: CustomFieldService | None = None) -> None:
        super().__init__(parent)
        self.account_id = account_id
        self.account_label = account_label
        self.draft_key = draft_key or uuid.uuid4().hex
        self.setObjectName("customerDialog")
        self.service = service
        self.caps = service.capabilities
        self.original = customer
        self.creating = customer is None
        self.tasks = TaskRegistry()
        self.plan = ItemPlan()
        self.region = phone_region(customer)
        self._group_ids: set[str] = set(customer.group_ids) if customer else set()
        self._saving = False
        self.saving = DialogSaving(self)
        self.draft = DialogDrafts(self, drafts, self.draft_key)
        provider = service.provider_name
        if customer is None:
            self.setWindowTitle(self.tr("New {0} customer").format(provider))
        else:
            self.setWindowTitle(self.tr("{0} — {1}").format(service.index.name(customer), provider))

        # Where this write goes, always visible; and what is special about this customer.
        self.header = DialogHeader(account_label, environment, self)
        self.header.show_customer(self.caps, customer)
        self.banner = Banner(self)
        self.banner_text, self.banner_action = self.banner.text, self.banner.action
        self.tabs = DialogTabs(self)
        self.editors: dict[str, FieldEditor] = {}
        for section in self.caps.sections():
            self.tabs.addTab(self._section_page(section), self.tr(section))
        self.groups_tab: GroupsTab | None = None
        if self.caps.groups:
            self.groups_tab = GroupsTab(service, self.tasks, lambda: self._group_ids, self)
            self.tabs.addTab(self.groups_tab, self.tr("Groups"))
        self.custom_fields, self.custom_tab = custom_fields, add_custom_fields_tab(self, custom_fields)
        self.collection_tabs: dict[str, CollectionTab] = {}
        for spec in self.caps.collections:
            if customer is None and not spec.on_create:
                continue
            tab = CollectionTab(spec, self.plan, customer, self.tasks, provider_name=provider, region=self.region,
                                parent=self)
            tab.plan_changed.connect(self._plan_changed)
            self.collection_tabs[spec.kind] = tab
            self.tabs.addTab(tab, self.tr(spec.label))
        self.history_tab = add_history_tab(self)
        if customer is not None and any(t.spec.default_from_detail for t in self.collection_tabs.values()):
            self.tasks.start(self._read_default_marks(customer.id), name="default-marks")

        self.progress = SaveProgress(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)
        self.state = QLabel(self)
        self.state.setObjectName("saveState")
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.progress)
        layout.addLayout(bottom)

        if (customer := self.original) is not None:   # carrying its custom field values, where known
            for key, editor in self.editors.items():
                editor.set_value(customer.value(key))
        else:
            for field_spec in self.caps.fields:
                if field_spec.default is not None and field_spec.key in self.editors:
                    self.editors[field_spec.key].set_value(field_spec.default)
        # A new customer's form is unchanged while it holds only the defaults it started with.
        self._initial_values = self.values()
        for editor in self.editors.values():
            editor.changed.connect(self._revalidate)
            editor.changed.connect(self.draft.timer.start)
        self.resize(max(600, self.minimumSizeHint().width()), 580)
        first = next((ed for ed in self.editors.values() if not ed.read_only), None)
        if first is not None:
            first.focus()

    # -- building -----------------------------------------------------------------------------
    def _section_page(self, section: str) -> QWidget:
        page = QWidget()
        form = new_form()
        grows = False
        for spec in self.caps.fields:
            if spec.section != section:
                continue
            if self.creating and not spec.editable:
                continue  # read-only facts (created through, ...) exist only once saved
            read_only = spec.create_only and not self.creating
            editor = FieldEditor(spec, read_only=read_only, clearable=self.creating or spec.clearable,
                                 region=self.region, parent=page)
            self.editors[spec.key] = editor
            add_to_form(form, editor)
            grows = grows or editor.grows
        column = QVBoxLayout(page)
        column.addLayout(form, 1 if grows else 0)
        if not grows:
            column.addStretch(1)   # rows keep their height; the space left stays below the last
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    async def _read_default_marks(self, customer_id: str) -> None:
        """Show which record is the default where only a read of the one customer says so."""
        try:
            fresh = await self.service.fetch(customer_id)
        except e.ConsoleError:
            return  # the marks stay unshown; nothing else in the dialog depends on them
        for tab in self.collection_tabs.values():
            if tab.spec.default_from_detail:
                tab.set_customer(fresh)

    def chosen_group_ids(self) -> set[str]:
        chosen = self.groups_tab.chosen() if self.groups_tab is not None else None
        return set(self._group_ids) if chosen is None else chosen

    # -- values and validation ----------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """What the editable fields hold now, keyed by field key."""
        return {key: ed.value() for key, ed in self.editors.items() if not ed.read_only}

    def changes(self) -> CustomerChanges:
        return CustomerChanges.between(self.original, self.values())

    def has_unsaved_changes(self) -> bool:
        if self.creating and self.original is None:
            edited = self.values() != self._initial_values
        else:
            edited = not self.changes().is_empty()
        return edited or not self.plan.is_empty() or self.chosen_group_ids() != self._group_ids

    def problems(self) -> dict[str, FieldProblem]:
        problems = check_values(self.caps, self.values(), creating=self.creating)
        for key, editor in self.editors.items():
            if key not in problems and (problem := editor.check()) is not None:
                problems[key] = problem   # what only the widget knows, e.g. an unknown country
        if self.original is not None:
            # A value the provider cannot clear must not be left blank (the service refuses it too).
            values = self.values()
            before = {key: self.original.value(key) for key in values}
            for key, problem in clearing_problems(self.caps, before, values).items():
                problems.setdefault(key, problem)
        return problems

    def _revalidate(self) -> None:
        problems = self.problems()
        for key, editor in self.editors.items():
            editor.show_problem(problems.get(key))
        self._mark_tabs()
        self.state.setText("")

    def _show_problems(self, problems: dict[str, FieldProblem | str]) -> None:
        first = None
        for key, editor in self.editors.items():
            problem = problems.get(key)
            editor.show_problem(problem)
            if problem is not None and first is None:
                first = editor
        self._mark_tabs()
        if first is not None:
            self._reveal(first)

    def _mark_tabs(self) -> None:
        """Every tab holding a field shown as invalid, or a change that failed, is marked."""
        bad = [ed for ed in self.editors.values() if ed.editor.property("invalid")]
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            failed = isinstance(page, CollectionTab) and bool(page.status.property("failed"))
            self.tabs.mark(i, failed or any(page is not None and page.isAncestorOf(ed) for ed in bad))

    def _reveal(self, editor: FieldEditor) -> None:
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            if page is not None and page.isAncestorOf(editor):
                self.tabs.setCurrentIndex(i)
                break
        editor.focus()

    def _plan_changed(self) -> None:
        self._mark_tabs()
        self.state.setText("")
        self.draft.timer.start()

    # -- saving (see dialog_saving) ------------------------------------------------------------
    def save(self) -> None:
        """Validate; if everything is acceptable, send it (in the background)."""
        self.saving.save()

    def adopt_current(self, current: Customer) -> None:
        """Take the other person's copy as the new base, keeping every field the user changed."""
        self.saving.adopt_current(current)

    # -- banner -------------------------------------------------------------------------------
    def show_banner(self, text: str, *, action: str | None = None, handler: Any = None,
                    error: bool = True) -> None:
        self.banner.show_message(text, action=action, handler=handler, error=error)

    def hide_banner(self) -> None:
        self.banner.hide_message()

    # -- drafts (see dialog_drafts) ------------------------------------------------------------
    def restore_draft(self, draft: Draft) -> None:
        """Put back what was typed; where the provider's copy changed meanwhile, show their value too."""
        self.draft.restore(draft)

    # -- closing ------------------------------------------------------------------------------
    def reject(self) -> None:
        if self._saving:
            return
        if self.has_unsaved_changes():
            self.tasks.start(self._confirm_discard(), name="discard")
            return
        super().reject()

    async def _confirm_discard(self) -> None:
        answer = await ask(self, self.tr("Discard changes?"),
                           self.tr("You have changes that are not saved. Discard them?"),
                           buttons=QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                           default=QMessageBox.StandardButton.Cancel,
                           labels={QMessageBox.StandardButton.Discard: self.tr("Discard changes"),
                                   QMessageBox.StandardButton.Cancel: self.tr("Keep editing")})
        if answer == QMessageBox.StandardButton.Discard:
            super().reject()

    def done(self, result: int) -> None:
        self.tasks.cancel("groups")
        self.draft.close()
        super().done(result)
