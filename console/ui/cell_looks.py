"""How a table cell in one state paints (its fill, pen and icon mode), as QCommonStyle picks them; the
style state flags the table's painters read (cell_painter.py, row_painter.py)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QBrush, QIcon, QPalette, QPen
from PySide6.QtWidgets import QStyle

SELECTED, ENABLED, ACTIVE, FOCUS, OPEN = (int(f.value) for f in (
    QStyle.StateFlag.State_Selected, QStyle.StateFlag.State_Enabled, QStyle.StateFlag.State_Active,
    QStyle.StateFlag.State_HasFocus, QStyle.StateFlag.State_Open))
_LOOK = SELECTED | ENABLED | ACTIVE | OPEN   # the states a cell's colours and icon depend on
_KEPT = 4096


@dataclass(frozen=True, slots=True)
class Look:
    """How a cell in one state paints: its fill (None: the row's own), text pen and icon mode."""

    highlight: QBrush | None
    pen: QPen
    icon_mode: QIcon.Mode
    icon_state: QIcon.State


class CellLooks:
    """The looks of cells by palette and state, each made once."""

    def __init__(self) -> None:
        self._looks: dict[tuple[int, int], Look] = {}   # (palette, state) -> look

    def clear(self) -> None:
        self._looks.clear()

    def look(self, palette: QPalette, state: int) -> Look:
        """The colours and icon mode of a cell in `state` (as QCommonStyle picks them)."""
        key = (palette.cacheKey(), state & _LOOK)
        look = self._looks.get(key)
        if look is not None:
            return look
        group = (QPalette.ColorGroup.Disabled if not state & ENABLED
                 else QPalette.ColorGroup.Active if state & ACTIVE else QPalette.ColorGroup.Inactive)
        selected = bool(state & SELECTED)
        look = Look(
            highlight=palette.brush(group, QPalette.ColorRole.Highlight) if selected else None,
            pen=QPen(palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)),
            icon_mode=(QIcon.Mode.Disabled if not state & ENABLED else QIcon.Mode.Selected if selected
                       else QIcon.Mode.Normal),
            icon_state=QIcon.State.On if state & OPEN else QIcon.State.Off)
        if len(self._looks) >= _KEPT:
            self._looks.clear()
        self._looks[key] = look
        return look
