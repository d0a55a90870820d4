"""The customer dialog's draft: what is typed is kept on disk until Save or Cancel, and put back after a crash."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from console.domain.changes import same_value
from console.domain.validation import FieldProblem
from console.services.drafts import Draft, DraftStore

if TYPE_CHECKING:
    from console.ui.edit_dialog import CustomerDialog

DRAFT_DELAY_MS = 300


class DialogDrafts:
    """The draft half of a `CustomerDialog`: written shortly after each edit, restored, forgotten on close."""

    def __init__(self, dialog: CustomerDialog, store: DraftStore | None, key: str) -> None:
        self.d = dialog
        self.store = store
        self.key = key
        self.restored: Draft | None = None   # the draft put back, for fields that come later
        # What is typed reaches the disk shortly after, so a crash loses at most a moment of it.
        self.timer = QTimer(dialog)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DRAFT_DELAY_MS)
        self.timer.timeout.connect(self.write)

    def write(self) -> None:
        """Save what is typed and planned (or forget the draft once nothing differs from the customer)."""
        if self.store is None:
            return
        d = self.d
        if not d.changes().is_empty() or not d.plan.is_empty():
            original = d.original
            self.store.save(self.key, Draft(
                account_id=d.account_id, account_name=d.account_label,
                customer_id=original.id if original else None,
                customer_name=d.service.index.name(original) if original else self._typed_name(),
                values=d.values(),
                base_values={k: original.value(k) for k in d.editors} if original else {},
                item_changes=d.plan.to_json()))
        else:
            self.store.discard(self.key)

    def _typed_name(self) -> str:
        values = self.d.values()
        return " ".join(str(values[k]) for k in ("given_name", "family_name") if values.get(k)) or self.d.tr(
            "a new customer")

    def restore(self, draft: Draft) -> None:
        """Put back what was typed; where the provider's copy changed meanwhile, show their value too."""
        d = self.d
        self.restored = draft
        self.restore_fields(draft, list(d.editors))
        d.plan.restore(draft.item_changes)
        for tab in d.collection_tabs.values():
            tab.refresh()
        d._revalidate()
        d.show_banner(d.tr("Restored what you had typed. Review it and Save."), error=False)

    def restore_fields(self, draft: Draft, keys: list[str]) -> None:
        """Put back the typed values of these fields (the Custom fields tab's, once it has read them)."""
        d = self.d
        current = d.original
        for key in keys:
            editor = d.editors[key]
            if editor.read_only or key not in draft.values:
                continue
            typed, base = draft.values[key], draft.base_values.get(key)
            if current is not None and same_value(typed, base):
                continue  # not something the user had changed
            editor.set_value(typed)
            if current is not None and not same_value(current.value(key), base):
                their = editor.shown(current.value(key))
                editor.set_note(FieldProblem(d.tr("Changed since your draft to: {0}").format(their or "(empty)"),
                                             suggestion=current.value(key) or ""),
                                fix_label=d.tr("Use theirs"))

    def close(self) -> None:
        """Saved or deliberately discarded: nothing left to restore."""
        self.timer.stop()
        if self.store is not None:
            self.store.discard(self.key)
