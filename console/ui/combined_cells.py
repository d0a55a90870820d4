"""The cell texts of the All accounts table: each row's cells as its own account formats them,
with the account's name in the Account column."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from console.domain.capabilities import ColumnSpec
from console.services.combined_index import ACCOUNT_COLUMN, SHIFT, CombinedIndex
from console.services.customer_index import CustomerIndex
from console.ui.table_cells import RowTexts

_LOCAL = (1 << SHIFT) - 1


class CombinedTexts:
    """`RowTexts` for a `CombinedIndex`: one per account (their display names differ), kept apart."""

    def __init__(self, index: CombinedIndex, columns: tuple[ColumnSpec, ...],
                 formats: Mapping[str, Callable[[Any], str]] | None = None) -> None:
        self._names = index.account_names
        self._at = next((n for n, c in enumerate(columns) if c.key == ACCOUNT_COLUMN), None)
        self.icon_column: int | None = self._at   # the Account column shows the provider's icon too
        rest = tuple(c for c in columns if c.key != ACCOUNT_COLUMN)
        self._members = [RowTexts(member, rest, formats) for member in index.members]

    def row(self, position: int) -> tuple[str, ...]:
        member = position >> SHIFT
        cells = self._members[member].row(position & _LOCAL)
        at = self._at
        if at is None:
            return cells
        return (*cells[:at], self._names[member], *cells[at:])

    def forget(self, positions: Iterable[int]) -> None:
        for position in positions:
            self._members[position >> SHIFT].forget((position & _LOCAL,))


def cell_texts(index: CustomerIndex | CombinedIndex | None, columns: tuple[ColumnSpec, ...],
               formats: Mapping[str, Callable[[Any], str]]) -> RowTexts | CombinedTexts:
    """The cell texts for a table over one account's index, or All accounts' combined one."""
    if isinstance(index, CombinedIndex):
        return CombinedTexts(index, columns, formats)
    return RowTexts(index, columns, formats)
