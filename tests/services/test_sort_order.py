"""Sorting the index: times read from the filters' arrays, names cut from the search keys; each
gives the order the plain per-value sort keys give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.domain.customer import Customer
from console.services.customer_index import CustomerIndex
from console.services.sort_order import sort_key, sort_keys_of, sorted_by, text_sort_keys

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def _index(search_fields: tuple[str, ...] = ("name", "company", "email", "phone", "reference_id")) -> CustomerIndex:
    return CustomerIndex(search_fields=search_fields,
                         name_fields=("full_name", "company", "email", "phone", "reference_id"))


def _varied() -> list[Customer]:
    """Names with accents and ligatures, made of phone characters only, empty (shown by id), tied."""
    return [
        Customer(id="a", given_name="Élodie", family_name="Œuvray", created_at=T0, updated_at=T0),
        Customer(id="b", given_name="ada", email="ADA@example.com", created_at=T0 - timedelta(days=1)),
        Customer(id="c", phone="(206) 555-0142", created_at=T0),          # named by the phone
        Customer(id="d", reference_id="12-34", updated_at=T0 - timedelta(hours=1)),   # by the reference
        Customer(id="1234"),                                              # by its id, "(1234)"
        Customer(id="f", company="Åsa AB", email="asa@example.se", created_at=T0 + timedelta(days=2)),
        Customer(id="g", given_name="Ada", created_at=T0 - timedelta(days=1)),   # ties b
        Customer(id="h", given_name="Zoë\x1fx", created_at=T0),            # holds the key separator
        Customer(id="i", given_name="Ørjan", family_name="Dahl", created_at=T0 + timedelta(days=1)),
    ]


def _plain_keys(ix: CustomerIndex, column: str) -> list[str | float | None]:
    get = ix.getter(column)
    return [None if c is None else sort_key(get(c)) for c in (ix._customers)]


def _plain_order(ix: CustomerIndex, positions: list[int], column: str, descending: bool) -> list[int]:
    return sorted_by(positions, _plain_keys(ix, column), descending)


def test_name_keys_cut_from_search_keys_equal_the_names_folded() -> None:
    ix = _index()
    ix.upsert(_varied())
    ix.remove(["d"])
    ix.upsert([Customer(id="g", given_name="Adam")])   # changed after load
    assert ix.sort_keys("name") == _plain_keys(ix, "name")
    assert ix.sort_keys("name")[0] == "elodie oeuvray"
    for descending in (False, True):
        assert ix.sorted_positions(ix.alive(), "name", descending) == _plain_order(ix, ix.alive(), "name", descending)


def test_name_keys_without_the_name_searched_first() -> None:
    ix = _index(("email", "name"))
    ix.upsert(_varied())
    assert ix.sort_keys("name") == _plain_keys(ix, "name")


def test_sorting_by_times_reads_the_time_arrays_in_the_old_order() -> None:
    # Empties last both ways, ties in load order ascending and turned round descending.
    ix = _index()
    ix.upsert(_varied())
    ix.remove(["i"])
    alive = ix.alive()
    for column in ("created_at", "updated_at"):
        for descending in (False, True):
            assert ix.sorted_positions(alive, column, descending) == _plain_order(ix, alive, column, descending)
    assert ix.sorted_positions(alive, "created_at", False) == [1, 6, 0, 2, 7, 5, 3, 4]
    assert ix.sorted_positions(alive, "created_at", True) == [5, 7, 2, 0, 6, 1, 3, 4]
    assert ix.sorted_positions([7, 0, 2], "created_at", False) == [7, 0, 2]   # ties in the order given


def test_a_derived_column_named_like_a_time_sorts_by_its_own_values() -> None:
    ix = _index()
    ix.upsert(_varied()[:3])
    ix.set_derived_fields({"created_at": lambda c: {"a": "z", "b": "y", "c": "x"}[c.id]})
    assert ix.sorted_positions(ix.alive(), "created_at", False) == [2, 1, 0]


def test_text_columns_keyed_in_bulk_equal_the_per_value_keys() -> None:
    ix = _index()
    ix.upsert(_varied())
    ix.remove(["d"])   # a hole
    for column in ("email", "given_name", "company", "phone", "reference_id", "created_at"):
        assert ix.sort_keys(column) == _plain_keys(ix, column), column
    values = ["Élodie", "", None, "ADA", "Straße", "ǅemal", "plain"]
    assert sort_keys_of(values) == [sort_key(v) for v in values] == [
        "elodie", None, None, "ada", "strasse", "dzemal", "plain"]
    mixed = ["b", 3, None, datetime(2024, 1, 1, tzinfo=UTC)]   # not all text: one call each
    assert sort_keys_of(mixed) == [sort_key(v) for v in mixed]


def test_text_columns_of_customers_alone_are_folded_as_read() -> None:
    # No hole and no kept document: the keys are folded as the values are read (text_sort_keys).
    ix = _index()
    ix.upsert([*_varied(), Customer(id="j", email="", company="Straße GmbH"), Customer(id="k", email="ǅEMAL@x.ba")])
    assert not set(map(type, ix._customers)) & {str, type(None)}
    for column in ("email", "given_name", "family_name", "company", "phone", "reference_id", "created_at"):
        assert ix.sort_keys(column) == _plain_keys(ix, column), column
    assert ix.sort_keys("email")[-2:] == [None, "dzemal@x.ba"]
    assert ix.sort_keys("company")[-2:] == ["strasse gmbh", None]


def test_values_that_are_not_all_text_are_keyed_one_by_one() -> None:
    values = ["b", 3, None]
    assert text_sort_keys(values, lambda v: v) is None   # 3 has no case-fold
    assert text_sort_keys([0, None, False], lambda v: v) is None   # falsy, yet not empty text: 0.0 sorts first
    assert text_sort_keys(["", "B", None, "É"], lambda v: v) == [None, "b", None, "e"]


def test_times_without_empties_sort_as_with_them() -> None:
    # No NaN among the positions sorted: one sort, no empties set aside; the same order as the plain keys.
    from array import array

    times = array("d", [5.0, 1.0, 5.0, 3.0, 1.0, float("inf"), 2.0])
    plain: list[str | float | None] = list(times)
    positions = [6, 0, 1, 2, 3, 4, 5]
    for descending in (False, True):
        assert sorted_by(positions, times, descending) == sorted_by(positions, plain, descending)
    assert sorted_by(positions, times, False) == [1, 4, 6, 3, 0, 2, 5]   # ties in the order given
    assert sorted_by(positions, times, True) == [5, 2, 0, 3, 6, 4, 1]
    both_infinities = array("d", [float("inf"), 1.0, float("-inf")])   # their sum is NaN: the long way, same order
    assert sorted_by([0, 1, 2], both_infinities, False) == [2, 1, 0]
    assert sorted_by([0, 1, 2, 3], ["b", "a", "c", "a"], True) == [2, 0, 3, 1]   # text, none empty
    assert sorted_by([0, 1, 2], ["b", 1.0, "a"], False) == [1, 2, 0]   # numbers before text, none empty
    with_empty = array("d", [2.0, float("nan"), 1.0])
    assert sorted_by([0, 1, 2], with_empty, False) == [2, 0, 1] and sorted_by([0, 1, 2], with_empty, True) == [0, 2, 1]
