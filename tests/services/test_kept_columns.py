"""A batch of kept rows split as columns makes the index a batch of `StoredRow`s makes."""

from __future__ import annotations

from console.domain.customer import Customer
from console.services.customer_filters import CustomerFilters
from console.services.kept_columns import KeptColumns, kept_columns, read_batch
from console.services.stored_rows import StoredRow, stored_row
from console.store.documents import encode
from tests.services.test_stored_rows import _index, _people, _same_times


def _batch(customers: list[Customer]) -> tuple[list[str], list[str | None]]:
    kept: list[str | None] = list(_index().row_keys(customers))
    return [encode(c) for c in customers], kept


def test_columns_give_the_index_a_batch_of_stored_rows_gives() -> None:
    people = _people()
    documents, kept = _batch(people)
    by_rows, by_columns = _index(), _index()
    rows = [stored_row(by_rows.keys_tag, d, k) for d, k in zip(documents, kept, strict=True)]
    by_rows.add_local([r for r in rows if r is not None])
    columns = kept_columns(by_columns.keys_tag, documents, kept)
    assert columns is not None and repr(columns.rows()) == repr(rows)   # (repr: NaN times are not equal)
    told: list[tuple[list[int], list[int], list[int]]] = []
    by_columns.subscribe(lambda a, c, r: told.append((a, c, r)))
    assert by_columns.add_kept(columns)
    assert told == [([0, 1, 2, 3, 4], [], [])]
    assert by_columns._keys == by_rows._keys and by_columns._phone_keys == by_rows._phone_keys
    assert by_columns._name_leads == by_rows._name_leads and by_columns._status == by_rows._status
    assert by_columns._has_email == by_rows._has_email and by_columns._has_phone == by_rows._has_phone
    assert _same_times(list(by_columns._created), list(by_rows._created))
    assert by_columns._customers == by_rows._customers and by_columns.ids() == by_rows.ids()
    for query in ("ada", "zurich", "555", "co", "example"):
        assert by_columns.matching(query) == by_rows.matching(query), query
    filters = CustomerFilters(has_phone=True, status="ACTIVE")
    assert by_columns.passing(filters, by_columns.alive()) == [0]
    assert list(by_columns) == people


def test_a_sorted_index_takes_columns_into_its_sort_keys() -> None:
    people = _people()
    documents, kept = _batch(people)
    index = _index()
    index.add_kept(kept_columns(index.keys_tag, documents[:2], kept[:2]))  # type: ignore[arg-type]
    index.sorted_positions(index.alive(), "name", False)   # sorted while the rows come in
    index.sorted_positions(index.alive(), "email", False)
    index.add_kept(kept_columns(index.keys_tag, documents[2:], kept[2:]))  # type: ignore[arg-type]
    fresh = _index()
    fresh.upsert(people)
    for column in ("name", "email"):
        assert index.sorted_positions(index.alive(), column, False) == \
            fresh.sorted_positions(fresh.alive(), column, False), column


def test_a_batch_that_cannot_be_split_comes_row_by_row() -> None:
    people = _people()
    documents, kept = _batch(people)
    tag = _index().keys_tag
    assert kept_columns("k1.other", documents, kept) is None            # another setup's keys
    assert kept_columns(tag, documents, [*kept[:4], None]) is None      # one saved before row keys
    broken = [*kept[:2], kept[2] + "\x1dmore", *kept[3:]]                  # one value with a field too many
    assert kept_columns(tag, documents, broken) is None
    rows = read_batch(tag, documents, broken)
    assert not isinstance(rows, KeptColumns)
    assert [type(r) for r in rows] == [StoredRow, StoredRow, Customer, StoredRow, StoredRow]
    assert rows[2] == people[2]                                          # decoded, as before row keys


def test_columns_for_an_index_with_derived_fields_or_a_held_customer_are_refused() -> None:
    people = _people()
    documents, kept = _batch(people)
    derived = _index()
    derived.set_derived_fields({"custom.colour": lambda c: "teal"})
    columns = kept_columns(derived.keys_tag, documents, kept)
    assert columns is not None and not derived.add_kept(columns) and len(derived) == 0
    held = _index()
    held.upsert(people[:1])
    assert not held.add_kept(columns) and len(held) == 1
    other = _index()
    other.keys_tag = "k1.other"
    assert not other.add_kept(columns)
