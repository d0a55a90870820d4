"""Long passes in C's loops cut into steps, so that a thread waiting for Python's lock gets it between them.

Python hands its lock to a waiting thread only between bytecodes, never inside one C call. A pass
over half a million items in C (`list(map(...))`, a `join`, a `sort`, a big container let go of)
held it for 100-330 ms while a duplicate scan ran beside the window, which could neither paint nor
take a key meanwhile (P17c in benchmarks/run.py). Cut into STEP items, a step holds it a few
milliseconds, and the passes cost about the same in all.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
P = TypeVar("P", bound=tuple[Any, ...])

STEP = 4096   # items per step: a millisecond or two of C's work on the development VM


def mapped(function: Callable[..., T], *columns: Sequence[Any]) -> list[T]:
    """`list(map(function, *columns))`, STEP items at a time (the columns are sliced: lists, tuples or ranges)."""
    size = min(map(len, columns))
    if size <= STEP:
        return list(map(function, *columns))
    out: list[T] = []
    for start in range(0, size, STEP):
        out += map(function, *(column[start:start + STEP] for column in columns))
    return out


def copied(items: Sequence[T]) -> list[T]:
    """`list(items)`, STEP items at a time (copying takes a reference to each: half a million objects touched)."""
    out: list[T] = []
    for start in range(0, len(items), STEP):
        out += items[start:start + STEP]
    return out


def same_items(first: Sequence[Any], second: Sequence[Any]) -> bool:
    """`list(first) == list(second)`, compared STEP items at a time."""
    return len(first) == len(second) and all(
        list(first[start:start + STEP]) == list(second[start:start + STEP]) for start in range(0, len(first), STEP))


def strided(items: Sequence[T], start: int, stride: int) -> list[T]:
    """`list(items[start::stride])`, STEP items at a time."""
    out: list[T] = []
    for at in range(start, len(items), STEP * stride):
        out += items[at:at + STEP * stride:stride]
    return out


def split_joined(values: Sequence[str], separator: str, step: int = STEP) -> list[str]:
    """`separator.join(values).split(separator)`, `step` values at a time (an empty `values` gives [])."""
    out: list[str] = []
    for start in range(0, len(values), step):
        out += separator.join(values[start:start + step]).split(separator)
    return out


def split(text: str, separator: str) -> list[str]:
    """`text.split(separator)`, STEP parts at a time (each step copies the rest of `text`: a memory copy)."""
    out: list[str] = []
    while True:
        parts = text.split(separator, STEP)
        if len(parts) <= STEP:
            out += parts
            return out
        text = parts.pop()
        out += parts


def let_go(*containers: list[Any] | dict[Any, Any] | set[Any]) -> None:
    """Empty each container STEP items at a time: freeing half a million objects in one call is one long C call."""
    for container in containers:
        if isinstance(container, dict) and len(container) > STEP:
            keys = list(container)   # one pass taking a reference to each key: the keys then outlive the dict
            for start in range(0, len(keys), STEP):   # STEP items taken out in C's loop at a time
                deque(map(container.pop, keys[start:start + STEP]), maxlen=0)
            container = keys
        if isinstance(container, list):
            while container:
                del container[-STEP:]
            continue
        while len(container) > STEP:
            deque(itertools.starmap(container.pop, itertools.repeat((), STEP)), maxlen=0)
        container.clear()


class Leftovers:
    """Containers a long pass is done with, let go of (`let_go`) once what it made is shown: their emptying,
    a step at a time, then waits neither the pass's answer nor the window."""

    def __init__(self, *containers: list[Any] | dict[Any, Any] | set[Any]) -> None:
        self._containers = list(containers)
        self._calls: list[Callable[[], None]] = []

    def add(self, *containers: list[Any] | dict[Any, Any] | set[Any]) -> None:
        """Let go of these too."""
        self._containers += containers

    def call(self, empty: Callable[[], None]) -> None:
        """Call `empty` too (a method that lets go of what its object holds)."""
        self._calls.append(empty)

    def let_go(self) -> None:
        """Empty every container, a step at a time, and call every `call`'s function; nothing is held after."""
        containers, calls, self._containers, self._calls = self._containers, self._calls, [], []
        let_go(*containers)
        for empty in calls:
            empty()


def sorted_by_score(pairs: list[P], score: Callable[[P], float]) -> list[P]:
    """`pairs` strongest first, then in their own order (`sorted(sorted(pairs), key=score, reverse=True)`),
    sorted a score at a time: the scores repeat (a few hundred values), so no one sort is long."""
    by_score: dict[float, list[P]] = {}
    for pair in pairs:   # a Python loop: the lock can pass at any item
        by_score.setdefault(score(pair), []).append(pair)
    out: list[P] = []
    for value in sorted(by_score, reverse=True):
        group = by_score[value]
        group.sort()
        out += group
    return out
