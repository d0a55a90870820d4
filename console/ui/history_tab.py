"""The edit dialog's History tab: this customer's journaled changes, newest first, one save per
group (field: old → new, who, when, how it ended), and *Revert this change…* for the chosen save."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain.journal import JournalEntry, JournalQuery
from console.services.history_rows import outcome_text, value_text
from console.services.journal_revert import revertible
from console.ui.revert_flow import revert_flow
from console.ui.wording import count_of

if TYPE_CHECKING:
    from console.ui.edit_dialog import CustomerDialog

TASK = "history"
_ENTRIES = Qt.ItemDataRole.UserRole + 1


def describe(entry: JournalEntry, limit: int | None = None) -> list[str]:
    """Each change of an entry as a line: 'email: a@x.com → b@x.com' (or what the operation did),
    values shortened to `limit` characters where given."""
    intent = entry.intent
    if intent.changes and intent.operation not in ("delete",):
        return [f"{c.field}: {value_text(c.before, limit)} → {value_text(c.after, limit)}" for c in intent.changes]
    what = intent.operation.replace("_", " ")
    return [f"{what} {intent.target}" if intent.target else what]


def groups(entries: list[JournalEntry]) -> list[list[JournalEntry]]:
    """Entries (newest first) gathered by save: consecutive entries sharing a group id."""
    gathered: list[list[JournalEntry]] = []
    for entry in entries:
        group = entry.intent.group_id
        if gathered and group is not None and gathered[-1][0].intent.group_id == group:
            gathered[-1].append(entry)
        else:
            gathered.append([entry])
    return gathered


class HistoryTab(QWidget):
    """Filled when first shown, and again after each save or revert."""

    def __init__(self, dialog: CustomerDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.setObjectName("historyTab")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("historyTree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("Change"), self.tr("Outcome")])
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column, mode in ((0, QHeaderView.ResizeMode.ResizeToContents), (1, QHeaderView.ResizeMode.ResizeToContents),
                             (2, QHeaderView.ResizeMode.Stretch), (3, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)   # both ends of "old → new" stay readable
        self.tree.currentItemChanged.connect(lambda *_: self._update_button())
        self.details = QLabel(self)   # the chosen save in full: long values do not fit a column
        self.details.setObjectName("historyDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.revert_button = QPushButton(self.tr("Revert this change…"), self)
        self.revert_button.setObjectName("revertButton")
        self.revert_button.clicked.connect(self.revert_current)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.revert_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.details)
        layout.addLayout(row)
        self.loaded = False
        self._update_button()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.reload()

    def reload(self) -> None:
        self.loaded = True
        self.dialog.tasks.start(self._fill(), name=TASK)

    async def _fill(self) -> None:
        dialog = self.dialog
        journal = dialog.service.journal
        if journal is None or dialog.original is None or not journal.journal.available:
            self.note.setText(self.tr("No history is kept on this computer (View → Keep a local copy is off)."))
            return
        query = JournalQuery(customer=(journal.account_id, dialog.original.id))
        entries = await journal.journal.entries(query, limit=500)
        self.tree.clear()
        for group in groups(entries):
            first = group[0]
            lines = [line for entry in group for line in describe(entry)]   # elided in the middle when long
            summary = lines[0] if len(lines) == 1 else self.tr("{0} changes in one save").format(len(lines))
            top = QTreeWidgetItem([first.at.astimezone().strftime("%Y-%m-%d %H:%M"), first.intent.who, summary,
                                   outcome_text(first)])
            top.setData(0, _ENTRIES, group)
            top.setToolTip(2, "\n".join(lines))
            if len(lines) > 1:
                for line in lines:
                    top.addChild(QTreeWidgetItem(["", "", line]))
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        if (newest := self.tree.topLevelItem(0)) is not None:
            self.tree.setCurrentItem(newest)
        self.note.setText(self.tr("{0} made through this console, newest first.").format(
            count_of(len(entries), self.tr("change"), self.tr("changes"))) if entries else
            self.tr("No changes have been made to this customer through this console."))
        self._update_button()

    def chosen(self) -> list[JournalEntry]:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return list(item.data(0, _ENTRIES) or []) if item is not None else []

    def _update_button(self) -> None:
        chosen = self.chosen()
        self.details.setText("\n".join(
            [line for entry in chosen for line in describe(entry)]
            + ([self.tr("{0} on {1}, {2}: {3}").format(chosen[0].intent.who, chosen[0].intent.computer,
                                                       chosen[0].at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                                                       outcome_text(chosen[0]))] if chosen else [])))
        why = next((w for entry in chosen if (w := revertible(entry))), None) if chosen else self.tr("Choose a change.")
        self.revert_button.setEnabled(bool(chosen) and why is None)
        self.revert_button.setToolTip(why or self.tr("Preview the change that puts these values back"))

    def revert_current(self) -> None:
        chosen = self.chosen()
        if chosen:
            self.dialog.tasks.start(self._revert(chosen), name="revert")

    async def _revert(self, entries: list[JournalEntry]) -> None:
        dialog = self.dialog
        done, result = await revert_flow(dialog, dialog.service, entries, lambda text: dialog.show_banner(text))
        if not done:
            return
        if result is None:   # the revert deleted the customer (it undid its creation)
            dialog.reverted.emit(None)
            dialog.accept()
            return
        dialog.adopt_current(result)
        dialog.reverted.emit(result)
        self.reload()


def add_history_tab(dialog: CustomerDialog) -> HistoryTab | None:
    """The History tab, for a customer that exists (a new one has no history yet)."""
    if dialog.original is None or dialog.service.journal is None:
        return None
    tab = HistoryTab(dialog)
    dialog.tabs.addTab(tab, dialog.tr("History"))
    return tab
