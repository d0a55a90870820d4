"""History's table model: the journal's entries for one query, counted in the database and read a page
at a time as the view reaches them, so a journal of any size opens at once and never sits in memory."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from console.domain.journal import JournalEntry, JournalQuery
from console.services import history_rows as text
from console.services.journal import Journal
from console.ui.async_qt import TaskRegistry

PAGE = 200
KEPT_PAGES = 50          # pages held at most (10,000 entries); the least recently read go first
LOADING = "…"
# The group column: a bracket joining the entries of one save (rows are newest first).
FIRST, MIDDLE, LAST = "┌", "│", "└"

ModelIndex = QModelIndex | QPersistentModelIndex
_DISPLAY, _TOOLTIP = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)


class HistoryModel(QAbstractTableModel):
    """Rows of journal entries, newest first: `load(query)` counts them and reads the first page; the
    other pages are read when the view first asks for one of their rows."""

    loaded = Signal(int)      # a query's count (its first page is in)
    page_read = Signal(int)   # a page's number, once its rows are in

    GROUP, WHEN, WHO, ACCOUNT, CUSTOMER, OPERATION, CHANGES, OUTCOME = range(8)

    def __init__(self, journal: Journal, tasks: TaskRegistry, parent: Any = None) -> None:
        super().__init__(parent)
        self.journal = journal
        self.tasks = tasks
        self.query = JournalQuery()
        self._rows = 0
        self._pages: OrderedDict[int, list[JournalEntry]] = OrderedDict()
        self._reading: set[int] = set()
        self._generation = 0      # bumped by each load: pages read for an older query are dropped
        self._texts: dict[int, tuple[str, ...]] = {}   # a row's cell texts, made once per row read
        self._headers = ("", self.tr("When"), self.tr("Who"), self.tr("Account"), self.tr("Customer"),
                         self.tr("Operation"), self.tr("Changes"), self.tr("Outcome"))

    # -- reading --------------------------------------------------------------------------------
    async def load(self, query: JournalQuery) -> int:
        """Show the entries `query` matches; returns how many."""
        self._generation += 1
        generation = self._generation
        total, first = await self.journal.first_page(query, limit=PAGE)
        if generation != self._generation:
            return total   # a newer load has started; it shows its own
        self.beginResetModel()
        self.query, self._rows = query, total
        self._pages = OrderedDict({0: first}) if first else OrderedDict()
        self._texts.clear()
        self._reading.clear()
        self.endResetModel()
        self.loaded.emit(total)
        return total

    def entry(self, row: int) -> JournalEntry | None:
        """The entry at `row` if its page has been read (else None, and the page is asked for)."""
        if not 0 <= row < self._rows:
            return None
        number, offset = divmod(row, PAGE)
        page = self._pages.get(number)
        if page is None:
            self._read(number)
            return None
        self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def _peek(self, row: int) -> JournalEntry | None:
        """The entry at `row` if read, without asking for its page."""
        number, offset = divmod(row, PAGE)
        page = self._pages.get(number)
        return page[offset] if page is not None and offset < len(page) else None

    def _read(self, number: int) -> None:
        if number in self._reading:
            return
        self._reading.add(number)
        self.tasks.start(self._read_page(number, self._generation))

    async def _read_page(self, number: int, generation: int) -> None:
        before = self._pages.get(number - 1)
        if before:   # go on from the page above: no OFFSET to count through
            page = await self.journal.entries(replace(self.query, before=before[-1].seq), limit=PAGE)
        else:
            page = await self.journal.entries(self.query, offset=number * PAGE, limit=PAGE)
        if generation != self._generation:
            return
        self._reading.discard(number)
        self._pages[number] = page
        while len(self._pages) > KEPT_PAGES:
            self._pages.popitem(last=False)
        self._texts.clear()   # brackets beside the page change, and evicted pages' rows go
        # The rows beside the page change too: their group brackets may join it.
        first, last = max(0, number * PAGE - 1), min(self._rows, (number + 1) * PAGE + 1) - 1
        if first <= last:
            self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))
        self.page_read.emit(number)

    # -- showing --------------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks each visible cell for a dozen roles on every paint; only three are answered, so
        # the others return before any entry is looked up, and a row's texts are made once.
        if role == _DISPLAY:
            row, column = index.row(), index.column()
            texts = self._texts.get(row)
            if texts is None:
                entry = self.entry(row)
                if entry is None:
                    return LOADING if column == self.WHEN else None
                texts = self._texts[row] = self._row_texts(entry, row)
            return texts[column]
        if role == _TOOLTIP:
            return self._tooltip(index.row(), index.column())
        if role == _ALIGNMENT and index.column() == self.GROUP:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _tooltip(self, row: int, column: int) -> str | None:
        entry = self.entry(row)
        if entry is None:
            return None
        if column == self.CHANGES:
            return text.changes_text(entry, limit=None)
        if column == self.GROUP and self._bracket(entry, row):
            return self.tr("Written in one save with the entries it joins")
        if column == self.OUTCOME:
            return text.outcome_text(entry)
        return None

    def _row_texts(self, entry: JournalEntry, row: int) -> tuple[str, ...]:
        return (self._bracket(entry, row), text.when(entry), entry.intent.who, text.account_text(entry),
                text.customer_text(entry), text.operation_text(entry), text.changes_text(entry),
                text.outcome_text(entry))

    def _bracket(self, entry: JournalEntry, row: int) -> str:
        group = entry.intent.group_id
        if group is None:
            return ""
        above, below = self._peek(row - 1) if row else None, self._peek(row + 1)
        joins_above = above is not None and above.intent.group_id == group
        joins_below = below is not None and below.intent.group_id == group
        if joins_above and joins_below:
            return MIDDLE
        return FIRST if joins_below else LAST if joins_above else ""
