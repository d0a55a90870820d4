"""Names sort and match as people read them: accents and case set aside."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from console.domain.customer import Customer
from console.domain.text_folding import fold
from console.services.customer_index import CustomerIndex

NAMES = ["Zuzana", "Åsa", "Amira", "Amélie", "Élodie", "Bob", "Søren", "ÉMILE", "Łukasz"]


def _index() -> CustomerIndex:
    ix = CustomerIndex(search_fields=("name", "email"), name_fields=("full_name", "email"))
    ix.upsert([Customer(id=str(i), given_name=name) for i, name in enumerate(NAMES)])
    return ix


def test_names_sort_with_accented_letters_among_their_base_letters() -> None:
    ix = _index()
    order = [NAMES[p] for p in ix.sorted_positions(ix.alive(), "name", descending=False)]
    assert order == ["Amélie", "Amira", "Åsa", "Bob", "Élodie", "ÉMILE", "Łukasz", "Søren", "Zuzana"]


@pytest.mark.parametrize(("query", "found"), [
    ("elodie", ["Élodie"]), ("ÉLODIE", ["Élodie"]), ("asa", ["Åsa"]), ("soren", ["Søren"]),
    ("lukasz", ["Łukasz"]), ("emile", ["ÉMILE"]), ("amé", ["Amélie"]), ("ame", ["Amélie"]),
])
def test_search_folds_accents_both_ways(query: str, found: list[str]) -> None:
    ix = _index()
    assert [NAMES[p] for p in ix.matching(query)] == found


@given(st.text(max_size=30))
@example("𝛢")   # mathematical capital alpha: NFKD gives a capital Α
def test_folding_is_idempotent_and_case_free(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once == once.casefold()


@pytest.mark.parametrize("typed", ["206-555-0151", "(206) 555-0151", "206.555.0151", "2065550151", "+1 206 555 0151",
                                   "555-0151"])
def test_a_phone_is_found_however_it_is_typed(typed: str) -> None:
    ix = CustomerIndex(search_fields=("name", "phone"), name_fields=("full_name",))
    ix.upsert([Customer(id="a", given_name="Ann", phone="2065550151"),
               Customer(id="b", given_name="Bo", phone="(206) 555-0151"),
               Customer(id="c", given_name="Cy", phone="+1 312-555-0199"),
               Customer(id="d", given_name="Di", reference_id="206-555")])
    assert ix.matching(typed) == [0, 1]


def test_a_dashed_reference_is_still_found_as_typed() -> None:
    ix = CustomerIndex(search_fields=("name", "reference_id"), name_fields=("full_name",))
    ix.upsert([Customer(id="d", given_name="Di", reference_id="123-456"), Customer(id="e", given_name="Ed")])
    assert ix.matching("123-456") == [0]
