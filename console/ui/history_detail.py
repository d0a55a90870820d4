"""One journal entry in full: every field change before and after, who, where, when and how it ended."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from console.domain.journal import JournalEntry
from console.services import history_rows as text


class HistoryDetail(QDialog):
    """A read-only page of one entry (plain text: customer data is never read as markup)."""

    def __init__(self, entry: JournalEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyDetail")
        self.setWindowTitle(self.tr("History entry"))
        self.resize(640, 480)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("historyDetailText")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(self.describe(entry))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    def describe(self, entry: JournalEntry) -> str:
        intent, tr = entry.intent, self.tr
        lines = [
            f"{tr('When')}:       {text.when(entry)}",
            f"{tr('Finished')}:   {text.local_time(entry.finished_at) if entry.finished_at else text.NOTHING}",
            f"{tr('Who')}:        {intent.who} ({intent.os_user} {tr('on')} {intent.computer}"
            + (f"; {tr('team database login')} {entry.db_role}" if entry.db_role else "") + ")",
            f"{tr('Account')}:    {text.account_text(entry)} ({intent.account_id}, {intent.provider})",
            f"{tr('Customer')}:   {text.customer_text(entry)}",
            f"{tr('Operation')}:  {text.operation_text(entry)}",
        ]
        if intent.target:
            lines.append(f"{tr('Target')}:     {intent.target}")
        lines.append(f"{tr('Outcome')}:    {entry.outcome.value}")
        for label, value in ((tr("Error"), entry.error), (tr("Note"), entry.note),
                             (tr("Reverts"), intent.reverts), (tr("Replaces"), intent.replaces),
                             (tr("Copied from"), intent.copied_from)):
            if value:
                lines.append(f"{label + ':':<12}{value}")
        lines.append(f"{tr('Entry')}:      {entry.entry_id}" + (f"  ({tr('save')} {intent.group_id})"
                                                                 if intent.group_id else ""))
        lines += ["", tr("Changes") + ":" if intent.changes else tr("No field changes.")]
        for change in intent.changes:
            lines += [f"  {change.field}", f"    {tr('before')}: {text.value_text(change.before)}",
                      f"    {tr('after')}:  {text.value_text(change.after)}"]
        if intent.snapshot:
            lines += ["", tr("The customer before it was deleted") + ":", f"  {text.value_text(intent.snapshot)}"]
        return "\n".join(lines)
