"""The customer dialog: fields from the provider's capabilities, checked as the user types.

Nothing is sent while a field is invalid. If saving fails for any reason the dialog stays open
with everything typed; a stale version offers the other person's copy without losing input.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.domain import errors as e
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer
from console.domain.validation import FieldProblem, check_values, clearing_problems
from console.services.customer_service import CustomerService, changed_by_others
from console.services.drafts import Draft, DraftStore
from console.ui.async_qt import WRITES, TaskRegistry, ask
from console.ui.collection_tab import CollectionTab
from console.ui.customer_table import format_value
from console.ui.field_widgets import FieldEditor, add_to_form
from console.ui.theme import badge_style, error_colour

log = logging.getLogger(__name__)

DRAFT_DELAY_MS = 300


class CustomerDialog(QDialog):
    """Create a customer (`customer` None) or edit one, at the account `service` belongs to."""

    saved = Signal(object)          # the Customer as the provider now has it
    save_failed = Signal(object)    # the ConsoleError; the dialog stays open
    open_existing = Signal(str)     # a duplicate's existing id, when the user asks to see it

    def __init__(self, service: CustomerService, customer: Customer | None, *, account_label: str,
                 environment: str, account_id: str = "", drafts: DraftStore | None = None,
                 draft_key: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account_id = account_id
        self.account_label = account_label
        self.drafts = drafts
        self.draft_key = draft_key or uuid.uuid4().hex
        self.setObjectName("customerDialog")
        self.service = service
        self.caps = service.capabilities
        self.original = customer
        self.creating = customer is None
        self.tasks = TaskRegistry()
        self._idempotency: tuple[CustomerChanges, str] | None = None
        self._group_ids: set[str] = set(customer.group_ids) if customer else set()
        self._saving = False
        provider = self.caps.display_name
        if customer is None:
            self.setWindowTitle(self.tr("New {0} customer").format(provider))
        else:
            self.setWindowTitle(self.tr("{0} — {1}").format(service.index.name(customer), provider))

        # Where this write goes, always visible.
        where = QHBoxLayout()
        account = QLabel(self.tr("Account: <b>{0}</b>").format(account_label), self)
        badge = QLabel(environment.upper(), self)
        badge.setObjectName("dialogEnvironment")
        badge.setStyleSheet(badge_style(environment))
        where.addWidget(account)
        where.addWidget(badge)
        where.addStretch(1)

        self.banner = QFrame(self)
        self.banner.setObjectName("banner")
        self.banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.banner_text = QLabel(self.banner)
        self.banner_text.setObjectName("bannerText")
        self.banner_text.setWordWrap(True)
        self.banner_action = QPushButton(self.banner)
        self.banner_action.setObjectName("bannerAction")
        self.banner_action.clicked.connect(self._banner_clicked)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.banner_action)
        self.banner.setVisible(False)
        self._banner_handler: Any = None

        self.tabs = QTabWidget(self)
        self.editors: dict[str, FieldEditor] = {}
        for section in self.caps.sections():
            self.tabs.addTab(self._section_page(section), self.tr(section))
        self.groups_list: QListWidget | None = None
        if self.caps.groups:
            self.tabs.addTab(self._groups_page(), self.tr("Groups"))
        self.collection_tabs: dict[str, CollectionTab] = {}
        if customer is not None:
            for spec in self.caps.collections:
                tab = CollectionTab(spec, service, customer, self.tasks, self)
                tab.customer_changed.connect(self._collection_changed)
                self.collection_tabs[spec.kind] = tab
                self.tabs.addTab(tab, spec.label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save_shortcut.activated.connect(self.save)
        self.state = QLabel(self)
        self.state.setObjectName("saveState")
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(where)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        if customer is not None:
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
        # What is typed reaches the disk shortly after, so a crash loses at most a moment of it.
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.write_draft)
        for editor in self.editors.values():
            editor.changed.connect(self._draft_timer.start)
        self.resize(560, 560)
        first = next((ed for ed in self.editors.values() if not ed.read_only), None)
        if first is not None:
            first.focus()

    # -- building -----------------------------------------------------------------------------
    def _section_page(self, section: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in self.caps.fields:
            if spec.section != section:
                continue
            if self.creating and not spec.editable:
                continue  # read-only facts (created through, ...) exist only once saved
            read_only = spec.create_only and not self.creating
            editor = FieldEditor(spec, read_only=read_only, clearable=self.creating or spec.clearable, parent=page)
            self.editors[spec.key] = editor
            add_to_form(form, editor)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _groups_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("Groups this customer belongs to:"), page))
        self.groups_list = QListWidget(page)
        self.groups_list.setObjectName("groupsList")
        layout.addWidget(self.groups_list)
        self.groups_status = QLabel(self.tr("Loading groups…"), page)
        layout.addWidget(self.groups_status)
        self.tasks.start(self._load_groups(), name="groups")
        return page

    async def _load_groups(self) -> None:
        assert self.groups_list is not None
        try:
            groups = await self.service.groups()
        except e.ConsoleError as exc:
            self.groups_status.setText(self.tr("Could not load groups: {0}").format(exc.message))
            return
        self.groups_list.clear()
        for group in sorted(groups, key=lambda g: g.name.casefold()):
            item = QListWidgetItem(group.name, self.groups_list)
            item.setData(Qt.ItemDataRole.UserRole, group.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if group.id in self._group_ids
                               else Qt.CheckState.Unchecked)
        self.groups_status.setText(self.tr("{0} groups").format(len(groups)) if groups
                                   else self.tr("This account has no customer groups."))

    def chosen_group_ids(self) -> set[str]:
        if self.groups_list is None or self.groups_list.count() == 0:
            return set(self._group_ids)
        chosen = set()
        for row in range(self.groups_list.count()):
            item = self.groups_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.add(item.data(Qt.ItemDataRole.UserRole))
        return chosen

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
        return edited or self.chosen_group_ids() != self._group_ids

    def problems(self) -> dict[str, FieldProblem]:
        values = self.values()
        problems = check_values(self.caps, values, creating=self.creating)
        if self.original is not None:
            # A value the provider cannot clear must not be left blank (the service refuses it too).
            before = {key: self.original.value(key) for key in values}
            for key, problem in clearing_problems(self.caps, before, values).items():
                problems.setdefault(key, problem)
        return problems

    def _revalidate(self) -> None:
        problems = self.problems()
        for key, editor in self.editors.items():
            editor.show_problem(problems.get(key))
        self.state.setText("")

    def _show_problems(self, problems: dict[str, FieldProblem | str]) -> None:
        first = None
        for key, editor in self.editors.items():
            problem = problems.get(key)
            editor.show_problem(problem)
            if problem is not None and first is None:
                first = editor
        if first is not None:
            self._reveal(first)

    def _reveal(self, editor: FieldEditor) -> None:
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            if page is not None and page.isAncestorOf(editor):
                self.tabs.setCurrentIndex(i)
                break
        editor.focus()

    # -- banner -------------------------------------------------------------------------------
    def show_banner(self, text: str, *, action: str | None = None, handler: Any = None,
                    error: bool = True) -> None:
        self.banner_text.setText(text)
        self.banner_text.setStyleSheet(f"color: {error_colour()};" if error else "")
        self.banner_action.setVisible(action is not None)
        if action:
            self.banner_action.setText(action)
        self._banner_handler = handler
        self.banner.setVisible(True)

    def hide_banner(self) -> None:
        self.banner.setVisible(False)
        self._banner_handler = None

    def _banner_clicked(self) -> None:
        if self._banner_handler is not None:
            self._banner_handler()

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        """Validate; if everything is acceptable, send it (in the background)."""
        if self._saving:
            return
        problems = self.problems()
        if problems:
            self._show_problems(dict(problems))
            self.state.setText(self.tr("Fix the highlighted fields; nothing was sent."))
            return
        if not self.has_unsaved_changes():
            self.accept()
            return
        self.tasks.start(self._confirm_then_save(), name="confirm-save")

    async def _confirm_then_save(self) -> None:
        # Fields whose new value has consequences (e.g. disabling a customer) ask first.
        changes = self.changes()
        for spec in self.caps.fields:
            if spec.confirm is not None and changes.touches(spec.key) \
                    and changes.get(spec.key) == spec.confirm.value:
                name = self.service.index.name(self.original) if self.original else self.tr("this customer")
                answer = await ask(self, spec.label, spec.confirm.message.format(name=name),
                                   icon=QMessageBox.Icon.Warning)
                if answer != QMessageBox.StandardButton.Yes:
                    self.state.setText(self.tr("Not saved."))
                    return
        # After any card or address change still being sent from this dialog, never instead of it.
        self._set_saving(True)
        self.tasks.queue(self._save(), WRITES)

    def _idempotency_key(self, changes: CustomerChanges) -> str:
        # The same logical create keeps its key across attempts, so a create whose answer was
        # lost is not made twice; changed content is a different create and gets a new key.
        if self._idempotency is None or self._idempotency[0] != changes:
            self._idempotency = (changes, uuid.uuid4().hex)
        return self._idempotency[1]

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)
        self.state.setText(self.tr("Saving…") if saving else "")

    async def _save(self) -> None:
        changes = self.changes()   # against `original` as it is now, after any write before this one
        self.hide_banner()
        try:
            if self.original is None:
                customer = await self.service.create(changes, idempotency_key=self._idempotency_key(changes))
                self.original = customer
                self.creating = False
            else:
                customer = await self.service.update(self.original, changes)
                self.original = customer
            customer = await self._apply_groups(customer)
        except e.ConsoleError as exc:
            self._set_saving(False)
            self._report(exc)
            self.save_failed.emit(exc)
            return
        except Exception as exc:  # keep the dialog and the typing whatever went wrong
            log.exception("saving a customer failed")
            self._set_saving(False)
            self.show_banner(self.tr("Saving failed unexpectedly ({0}). Nothing you typed was lost; "
                                     "try again.").format(type(exc).__name__))
            self.save_failed.emit(exc)
            return
        self._set_saving(False)
        self.saved.emit(customer)
        self.accept()

    async def _apply_groups(self, customer: Customer) -> Customer:
        wanted = self.chosen_group_ids()
        current = set(customer.group_ids)
        for group_id in sorted(wanted - current):
            customer = await self.service.set_group(customer, group_id, True)
        for group_id in sorted(current - wanted):
            customer = await self.service.set_group(customer, group_id, False)
        self._group_ids = set(customer.group_ids)
        return customer

    def _report(self, exc: e.ConsoleError) -> None:
        if isinstance(exc, e.StaleVersionError):
            current = exc.current
            self.show_banner(
                self.tr("Someone else changed this customer after you opened it. Nothing was saved."),
                action=self.tr("Reload their copy") if current is not None else None,
                handler=(lambda: self.adopt_current(current)) if current is not None else None)
            return
        if isinstance(exc, e.DuplicateError):
            existing = exc.existing_id
            self.show_banner(exc.message, action=self.tr("Open the existing profile") if existing else None,
                             handler=(lambda: self.open_existing.emit(existing)) if existing else None)
            return
        if isinstance(exc, e.InvalidInputError) and exc.field_errors:
            self._show_problems(dict(exc.field_errors))
            unplaced = [f"{key}: {msg}" for key, msg in exc.field_errors.items() if key not in self.editors]
            self.show_banner("\n".join([exc.message, *unplaced]) if unplaced else exc.message)
            return
        hint = self.tr(" Your changes are still here; try Save again.") if exc.retryable else ""
        self.show_banner(f"{exc.title}: {exc.message}{hint}")

    def adopt_current(self, current: Customer) -> None:
        """Take the other person's copy as the new base, keeping every field the user changed."""
        assert self.original is not None
        mine = self.changes()
        theirs = changed_by_others(self.original, current, list(self.editors))
        for key, editor in self.editors.items():
            if mine.touches(key):
                if key in theirs:
                    their_value = format_value(current.value(key))
                    editor.set_note(
                        FieldProblem(self.tr("They changed this to: {0}").format(their_value or "(empty)"),
                                     suggestion=current.value(key) or ""),
                        fix_label=self.tr("Use theirs"))
            else:
                editor.set_note(None)
                editor.set_value(current.value(key))
        self.original = current
        self._group_ids = set(current.group_ids)
        for tab in self.collection_tabs.values():
            tab.set_customer(current)
        both = [self.caps.field(k).label for k in theirs if mine.touches(k) and self.caps.has_field(k)]
        text = self.tr("Loaded their copy. Your changes are kept")
        text += self.tr("; they also changed {0} (see the notes).").format(", ".join(both)) if both else "."
        self.show_banner(text + self.tr(" Review and Save."), error=False)
        self._revalidate()

    def _collection_changed(self, customer: Customer) -> None:
        # A sub-record write changes the customer's version; later saves must use the new one.
        if self.original is not None:
            self.original = customer
        for tab in self.collection_tabs.values():
            if tab.customer is not customer:
                tab.set_customer(customer)

    # -- drafts -------------------------------------------------------------------------------
    def write_draft(self) -> None:
        """Save what is typed (or forget the draft once nothing differs from the customer)."""
        if self.drafts is None:
            return
        if not self.changes().is_empty():
            original = self.original
            self.drafts.save(self.draft_key, Draft(
                account_id=self.account_id, account_name=self.account_label,
                customer_id=original.id if original else None,
                customer_name=self.service.index.name(original) if original else self._typed_name(),
                values=self.values(),
                base_values={k: original.value(k) for k in self.editors} if original else {}))
        else:
            self.drafts.discard(self.draft_key)

    def _typed_name(self) -> str:
        values = self.values()
        return " ".join(str(values[k]) for k in ("given_name", "family_name") if values.get(k)) or self.tr(
            "a new customer")

    def restore_draft(self, draft: Draft) -> None:
        """Put back what was typed; where the provider's copy changed meanwhile, show their value too."""
        current = self.original
        for key, editor in self.editors.items():
            if editor.read_only or key not in draft.values:
                continue
            typed, base = draft.values[key], draft.base_values.get(key)
            if current is not None and same_value(typed, base):
                continue  # not something the user had changed
            editor.set_value(typed)
            if current is not None and not same_value(current.value(key), base):
                their = format_value(current.value(key))
                editor.set_note(FieldProblem(self.tr("Changed since your draft to: {0}").format(their or "(empty)"),
                                             suggestion=current.value(key) or ""),
                                fix_label=self.tr("Use theirs"))
        self._revalidate()
        self.show_banner(self.tr("Restored what you had typed. Review it and Save."), error=False)

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
                           default=QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            super().reject()

    def done(self, result: int) -> None:
        self.tasks.cancel("groups")
        self._draft_timer.stop()
        if self.drafts is not None:
            self.drafts.discard(self.draft_key)  # saved or deliberately discarded: nothing to restore
        super().done(result)
