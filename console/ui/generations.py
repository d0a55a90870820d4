"""What the table's painters keep of what they drew lately, in two generations (cell_painter.py's laid
out texts, table_cells.py's formatted rows).

Laying rows out ahead (layout_ahead.py) fills a cache with hundreds of rows a keystroke: cleared whole
when full, it would drop the rows on screen with the rest. So the newer generation takes what is made
or used again, and when it is full the older one goes and the newer becomes the older: what is on
screen is used at every repaint and so is always in one of the two.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QTimer

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Generations(Generic[K, V]):
    """Values by key in two generations of `size` each at most; `let_go` takes an older generation as it
    goes (by default it is dropped at once)."""

    __slots__ = ("_let_go", "newer", "older", "size")

    def __init__(self, size: int, let_go: Callable[[dict[K, V]], None] | None = None) -> None:
        self.size = size
        self.newer: dict[K, V] = {}   # read `newer.get(key)` first: one call in C, where most look-ups end
        self.older: dict[K, V] = {}
        self._let_go = let_go

    def revive(self, key: K) -> V | None:
        """The older generation's value of `key`, carried into the newer; None when it has none."""
        value = self.older.pop(key, None)
        if value is not None:
            self.keep(key, value)
        return value

    def keep(self, key: K, value: V) -> None:
        """Keep `value` in the newer generation (a full one becomes the older first)."""
        if len(self.newer) >= self.size:
            if self.older and self._let_go is not None:
                self._let_go(self.older)
            self.older, self.newer = self.newer, {}
        self.newer[key] = value

    def forget(self, key: K) -> None:
        self.newer.pop(key, None)
        self.older.pop(key, None)

    def clear(self) -> None:
        self.newer.clear()
        self.older.clear()

    def __contains__(self, key: object) -> bool:
        return key in self.newer or key in self.older

    def __len__(self) -> int:
        return len(self.newer) + len(self.older)

    def values(self) -> Iterator[V]:
        yield from self.newer.values()
        yield from self.older.values()


class LetGoInTurns(QObject):
    """Lets go of generations `per_turn` values a turn of the event loop: a generation of 4,096 laid out
    texts let go of at once took 16 ms (`Generations`' `let_go`)."""

    def __init__(self, parent: QObject, per_turn: int = 256) -> None:
        super().__init__(parent)
        self.per_turn = per_turn
        self.spent: list[dict[object, object]] = []   # generations still being let go of
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._some)

    def __call__(self, generation: dict[K, V]) -> None:
        self.spent.append(generation)   # type: ignore[arg-type]
        self._timer.start()

    def _some(self) -> None:
        spent = self.spent[-1]
        for _ in range(min(self.per_turn, len(spent))):
            spent.popitem()
        if not spent:
            self.spent.pop()
        if self.spent:
            self._timer.start()
