"""A search found in runs and slices gives exactly the rows of a plain substring filter, in order."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from console.domain.customer import Customer
from console.domain.text_folding import fold
from console.domain.validation import digits
from console.services import row_search
from console.services.customer_filters import NO_FILTERS, CustomerFilters
from console.services.customer_index import CustomerIndex
from console.services.row_search import RowSearch

_SEARCHED = ("name", "company", "email", "phone", "reference_id")
_LETTERS = "aeilmnorstuxéñ"


def _people(count: int, seed: int) -> list[Customer]:
    rng = random.Random(seed)

    def word(low: int, high: int) -> str:
        return "".join(rng.choice(_LETTERS) for _ in range(rng.randint(low, high)))

    people = []
    for n in range(count):
        given, family = word(2, 6).title(), word(3, 8).title()
        people.append(Customer(
            id=f"c{n}", given_name=given, family_name=family if rng.random() < 0.8 else None,
            company=word(3, 7).upper() if rng.random() < 0.3 else None,
            email=f"{given}.{family}@{word(2, 4)}.com".lower() if rng.random() < 0.7 else None,
            phone=f"+1 {rng.randint(200, 999)}-555-{rng.randint(0, 9999):04d}" if rng.random() < 0.5 else None,
            reference_id=f"R{rng.randint(0, 999)}" if rng.random() < 0.2 else None))
    return people


def _index(people: list[Customer]) -> CustomerIndex:
    index = CustomerIndex(search_fields=_SEARCHED, name_fields=("full_name", "company", "email"))
    index.upsert(people)
    return index


def _plain_filter(index: CustomerIndex, people: list[Customer], base: list[int], query: str) -> list[int]:
    """The straightforward search: each word of the query somewhere in a searched field, case and accents aside."""
    def texts(customer: Customer) -> list[str]:
        values = [index.value(customer, key) for key in _SEARCHED]
        return [fold(str(v)) for v in values if v] + ([digits(customer.phone)] if customer.phone else [])

    words = fold(query).split()
    return [p for p in base if all(any(w in t for t in texts(people[p])) for w in words)]


@pytest.fixture
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs and slices small enough that a few hundred customers take many of each."""
    monkeypatch.setattr(row_search, "FIRST_ROWS", 7)
    monkeypatch.setattr(row_search, "FIRST_CHUNK", 5)
    monkeypatch.setattr(row_search, "SLICE_CHUNK", 11)
    monkeypatch.setattr(row_search, "SLICE_SECONDS", 0.0)   # one chunk a slice


def _searcher(index: CustomerIndex, query: list[str], in_load_order: bool = True) -> Callable[[list[int]], list[int]]:
    def filtered(positions: list[int]) -> list[int]:
        return index.shown(positions, query[0], NO_FILTERS, in_load_order=in_load_order)
    return filtered


@pytest.mark.parametrize("seed", range(6))
def test_typing_in_slices_finds_what_the_plain_filter_finds(small_runs: None, seed: int) -> None:
    people = _people(300, seed)
    index = _index(people)
    rng = random.Random(seed)
    order = index.alive()
    if seed % 2:   # a sorted table searches its positions in the sorted order
        order = index.sorted_positions(order, "email", descending=False)
    query = [""]
    search = RowSearch(_searcher(index, query, in_load_order=not seed % 2))
    for _ in range(8):
        typed = rng.choice(_LETTERS + "0123456789") + rng.choice(["", rng.choice(_LETTERS)])
        query[0] = typed
        rows = search.start(order)
        assert len(rows) >= row_search.FIRST_ROWS or not search.pending
        for extra in (rng.choice(_LETTERS), rng.choice(_LETTERS + " ")):
            for _ in range(rng.randint(0, 3)):   # some slices run before the next key
                rows += search.step()
            query[0] = typed = typed + extra
            rows = search.narrowed(rows) if search.pending else _searcher(index, query, not seed % 2)(rows)
        while search.pending:
            rows += search.step()
        assert rows == _plain_filter(index, people, order, typed), typed
        assert rows == index.shown(order, typed, NO_FILTERS, in_load_order=not seed % 2)


def test_the_rest_at_once_and_the_filters_apply_to_each_run(small_runs: None) -> None:
    people = _people(200, 99)
    index = _index(people)
    phoned = CustomerFilters(has_phone=True)
    search = RowSearch(lambda positions: index.shown(positions, "a", phoned, in_load_order=True))
    rows = search.start(index.alive())
    assert search.pending
    rows += search.rest()
    assert not search.pending
    assert rows == [p for p in _plain_filter(index, people, index.alive(), "a") if people[p].phone]


def test_a_slice_is_timed_and_cancel_forgets_the_positions(small_runs: None) -> None:
    index = _index(_people(100, 3))
    search = RowSearch(_searcher(index, ["e"]))
    search.start(index.alive())
    search.step()
    assert search.longest_slice > 0
    search.cancel()
    assert not search.pending and search.step() == [] and search.rest() == []
