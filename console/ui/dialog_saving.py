"""Saving the customer dialog: the customer's fields, its groups, then every planned item change.

One Save may take several requests (Clover: the customer, then each address, phone and email;
Authorize.net: the profile, then each shipping address). Each is shown as it goes; any that fail
stay planned, with everything typed, and the next Save sends only those.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.domain.validation import FieldProblem
from console.services.custom_field_service import split_changes
from console.services.customer_service import changed_by_others
from console.services.item_plan import StepReport
from console.ui.async_qt import WRITES, ask

if TYPE_CHECKING:
    from console.ui.edit_dialog import CustomerDialog

log = logging.getLogger(__name__)


class DialogSaving:
    """The Save half of a `CustomerDialog` (kept apart so each module stays readable)."""

    def __init__(self, dialog: CustomerDialog) -> None:
        self.d = dialog
        self._idempotency: tuple[CustomerChanges, str] | None = None

    def save(self) -> None:
        """Validate; if everything is acceptable, send it (in the background)."""
        if self.d._saving:
            return
        if not self.d.save_button.isEnabled():
            self.d.state.setText(self.d.save_button.toolTip())   # Ctrl+S while offline: why not, not a failed send
            return
        problems = self.d.problems()
        if problems:
            self.d._show_problems(dict(problems))
            self.d.state.setText(self.d.tr("Fix the highlighted fields; nothing was sent."))
            return
        if not self.d.has_unsaved_changes():
            self.d.accept()
            return
        self.d.tasks.start(self._confirm_then_save(), name="confirm-save")

    async def _confirm_then_save(self) -> None:
        # Fields whose new value has consequences (e.g. disabling a customer) ask first.
        changes = self.d.changes()
        for spec in self.d.caps.fields:
            if spec.confirm is not None and changes.touches(spec.key) \
                    and changes.get(spec.key) == spec.confirm.value:
                name = self.d.service.index.name(self.d.original) if self.d.original else self.d.tr("this customer")
                answer = await ask(self.d, spec.label, spec.confirm.message.format(name=name),
                                   icon=QMessageBox.Icon.Warning,
                                   labels={QMessageBox.StandardButton.Yes: self.d.tr("Save the change"),
                                           QMessageBox.StandardButton.No: self.d.tr("Keep editing")})
                if answer != QMessageBox.StandardButton.Yes:
                    self.d.state.setText(self.d.tr("Not saved."))
                    return
        self._set_saving(True)
        self.d.tasks.queue(self._save(), WRITES)

    def _idempotency_key(self, changes: CustomerChanges) -> str:
        # The same logical create keeps its key across attempts, so a create whose answer was
        # lost is not made twice; changed content is a different create and gets a new key.
        if self._idempotency is None or self._idempotency[0] != changes:
            self._idempotency = (changes, self.d.service.new_idempotency_key())
        return self._idempotency[1]

    def _set_saving(self, saving: bool) -> None:
        self.d._saving = saving
        self.d.save_button.setEnabled(not saving)
        self.d.state.setText(self.d.tr("Saving…") if saving else "")

    async def _save(self) -> None:
        # Against `original` as it is now, after any write before this one; custom fields go apart.
        changes, custom = split_changes(self.d.changes())
        self.d.hide_banner()
        customer_step = (self.d.original is None or not changes.is_empty()
                         or self.d.chosen_group_ids() != self.d._group_ids)
        first = self.d.tr("Create the customer") if self.d.original is None else self.d.tr("Save the details")
        steps = [first] if customer_step else []
        steps += [self.d.tr("Save the custom fields")] if custom else []
        offset = step = len(steps)
        steps += [c.label or f"{c.op} {c.kind}" for c in self.d.plan.changes]
        self.d.progress.start(steps)
        failures: dict[str, list[str]] = {}
        first_failure: list[e.ConsoleError] = []

        def on_step(report: StepReport) -> None:
            self.d.progress.finish(offset + report.index, report.error.message if report.error else None)
            if report.error is not None:
                failures.setdefault(report.change.kind, []).append(f"{report.change.label}: {report.error.message}")
                first_failure.append(report.error)

        with self.d.service.grouped():   # one save reads as one group in History
            try:
                step = 0
                customer = await self._save_customer(changes) if customer_step else self.d.original
                if customer_step:
                    self.d.progress.finish(0)
                    step = 1
                assert customer is not None
                if custom:
                    customer = await self._save_custom(customer, custom)
                    self.d.progress.finish(step)
                    step += 1
                if not self.d.plan.is_empty():
                    customer = self.with_values(await self.d.plan.apply(self.d.service, customer, on_step))
                    self.d.original = customer
            except e.ConsoleError as exc:   # from the customer's own requests: item failures are reported per step
                if step < offset:
                    self.d.progress.finish(step, exc.message)
                self.d.progress.leave_unsent(self.d.tr("not sent"))
                self._set_saving(False)
                self._report(exc)
                self.d.save_failed.emit(exc)
                return
            except Exception as exc:  # keep the dialog and the typing whatever went wrong
                log.exception("saving a customer failed")
                self._set_saving(False)
                self.d.show_banner(self.d.tr("Saving failed unexpectedly ({0}). Nothing you typed was lost; "
                                         "try again.").format(type(exc).__name__))
                self.d.save_failed.emit(exc)
                return
        self._customer_saved(customer)
        self._set_saving(False)
        if not self.d.plan.is_empty():
            self.d.progress.leave_unsent(self.d.tr("waits for the change above it that failed"))
            for kind, tab in self.d.collection_tabs.items():
                tab.show_failures(failures.get(kind, []))
            self.d._mark_tabs()
            self.d.show_banner(self.d.tr("{0} of {1} changes were not saved; they are still listed. What was saved "
                                     "is not sent again: fix the rest and Save, or Cancel to leave them.").format(
                                         self.d.plan.count(), len(steps)))
            self.d.save_failed.emit(first_failure[0] if first_failure else e.ConsoleError("not saved"))
            return
        self.d.saved.emit(customer)
        self.d.accept()

    async def _save_customer(self, changes: CustomerChanges) -> Customer:
        if self.d.original is None:
            customer = await self.d.service.create(changes, idempotency_key=self._idempotency_key(changes))
            self.d.creating = False
        else:
            customer = await self.d.service.update(self.d.original, changes)
        self.d.original = customer = self.with_values(customer)
        return await self._apply_groups(customer)

    async def _save_custom(self, customer: Customer, custom: dict[str, Any]) -> Customer:
        assert self.d.custom_fields is not None
        self.d.original = customer = await self.d.custom_fields.save_values(customer, custom)
        return customer

    def with_values(self, customer: Customer) -> Customer:
        """The provider's copy of the profile with the custom field values as last read or saved."""
        return self.d.custom_fields.with_values(customer) if self.d.custom_fields is not None else customer

    async def _apply_groups(self, customer: Customer) -> Customer:
        wanted = self.d.chosen_group_ids()
        current = set(customer.group_ids)
        for group_id in sorted(wanted - current):
            customer = await self.d.service.set_group(customer, group_id, True)
        for group_id in sorted(current - wanted):
            customer = await self.d.service.set_group(customer, group_id, False)
        self.d._group_ids = set(customer.group_ids)
        self.d.original = customer = self.with_values(customer)
        return customer

    def _report(self, exc: e.ConsoleError) -> None:
        if isinstance(exc, e.StaleVersionError):
            current = exc.current
            self.d.show_banner(
                self.d.tr("Someone else changed this customer after you opened it. Nothing was saved."),
                action=self.d.tr("Reload their copy") if current is not None else None,
                handler=(lambda: self.adopt_current(current)) if current is not None else None)
            return
        if isinstance(exc, e.DuplicateError):
            existing = exc.existing_id
            self.d.show_banner(exc.message, action=self.d.tr("Open the existing profile") if existing else None,
                             handler=(lambda: self.d.open_existing.emit(existing)) if existing else None)
            return
        if isinstance(exc, e.InvalidInputError) and exc.field_errors:
            self.d._show_problems(dict(exc.field_errors))
            unplaced = [f"{key}: {msg}" for key, msg in exc.field_errors.items() if key not in self.d.editors]
            self.d.show_banner("\n".join([exc.message, *unplaced]) if unplaced else exc.message)
            return
        hint = self.d.tr(" Your changes are still here; try Save again.") if exc.retryable else ""
        self.d.show_banner(f"{exc.title}: {exc.message}{hint}")

    def adopt_current(self, current: Customer) -> None:
        """Take the other person's copy as the new base, keeping every field the user changed."""
        assert self.d.original is not None
        current = self.with_values(current)   # a profile read has no custom field values
        mine = self.d.changes()
        theirs = changed_by_others(self.d.original, current, list(self.d.editors))
        for key, editor in self.d.editors.items():
            if mine.touches(key):
                if key in theirs:
                    their_value = editor.shown(current.value(key))
                    editor.set_note(
                        FieldProblem(self.d.tr("They changed this to: {0}").format(their_value or "(empty)"),
                                     suggestion=current.value(key) or ""),
                        fix_label=self.d.tr("Use theirs"))
            else:
                editor.set_note(None)
                editor.set_value(current.value(key))
        self.d._group_ids = set(current.group_ids)
        self._customer_saved(current)
        both = [self.d.caps.field(k).label for k in theirs if mine.touches(k) and self.d.caps.has_field(k)]
        text = self.d.tr("Loaded their copy. Your changes are kept")
        text += self.d.tr("; they also changed {0} (see the notes).").format(", ".join(both)) if both else "."
        self.d.show_banner(text + self.d.tr(" Review and Save."), error=False)
        self.d._revalidate()

    def take_provider_copy(self, current: Customer) -> None:
        """The provider's copy after a write made outside Save (Add card): the new base, typed edits kept."""
        if self.d.original is None:
            return
        current = self.with_values(current)   # a profile read has no custom field values
        mine = self.d.changes()
        for key, editor in self.d.editors.items():
            if not mine.touches(key):
                editor.set_value(current.value(key))
        self._customer_saved(current)
        self.d._revalidate()

    def _customer_saved(self, customer: Any) -> None:
        """The provider's copy is the new base: tabs list its items with what is still planned."""
        self.d.original = customer = self.with_values(customer)
        self.d.header.show_customer(self.d.caps, customer)
        for tab in self.d.collection_tabs.values():
            tab.set_customer(customer)
