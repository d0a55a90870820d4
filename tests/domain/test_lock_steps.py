"""Passes cut into steps give what the one pass gives, at every size around a step's."""

from __future__ import annotations

import random

import pytest

from console.domain.duplicate_groups import PairMatch
from console.domain.lock_steps import (
    STEP,
    Leftovers,
    copied,
    let_go,
    mapped,
    same_items,
    sorted_by_score,
    split,
    split_joined,
    strided,
)

SIZES = [0, 1, STEP - 1, STEP, STEP + 1, 3 * STEP + 5]


@pytest.mark.parametrize("size", SIZES)
def test_each_pass_gives_what_the_one_pass_gives(size: int) -> None:
    numbers = list(range(size))
    texts = [f"v{n}" if n % 7 else f"a\x1fb{n}" for n in numbers]   # some values hold the separator
    assert mapped(str, numbers) == list(map(str, numbers))
    assert mapped(max, numbers, range(size, 0, -1)) == list(map(max, numbers, range(size, 0, -1)))
    assert copied(tuple(texts)) == texts
    assert all(strided(texts, start, 8) == texts[start::8] for start in range(8))
    assert split_joined(texts, "\x1f", 1000) == ("\x1f".join(texts).split("\x1f") if texts else [])
    joined = ",".join(texts)
    assert split(joined, ",") == joined.split(",")
    assert same_items(texts, tuple(texts)) and (not texts or not same_items(texts, [*texts[:-1], "other"]))
    assert not same_items(texts, [*texts, "one more"])


@pytest.mark.parametrize("size", SIZES)
def test_containers_are_emptied(size: int) -> None:
    items, by_key, members = list(range(size)), {n: str(n) for n in range(size)}, set(range(size))
    let_go(items, by_key, members)
    assert items == [] and by_key == {} and members == set()


def test_leftovers_are_let_go_of_only_when_asked_and_then_once() -> None:
    items, by_key, emptied = list(range(STEP + 3)), {n: n for n in range(5)}, []
    leftovers = Leftovers(items)
    leftovers.add(by_key)
    leftovers.call(lambda: emptied.append(True))
    assert len(items) == STEP + 3 and len(by_key) == 5 and not emptied   # held until the caller says
    leftovers.let_go()
    assert items == [] and by_key == {} and emptied == [True]
    items.append(1)
    leftovers.let_go()   # nothing is held after: a second call empties nothing
    assert items == [1] and emptied == [True]


def test_pairs_come_strongest_first_then_in_their_own_order() -> None:
    rng = random.Random(7)
    scores = [rng.random() for _ in range(40)]   # scores repeat, as a scan's do
    pairs = [PairMatch(rng.randrange(500), rng.randrange(500), rng.choice(scores)) for _ in range(3 * STEP)]
    expected = sorted(sorted(pairs), key=lambda pair: pair.score, reverse=True)
    assert sorted_by_score(list(pairs), lambda pair: pair.score) == expected
