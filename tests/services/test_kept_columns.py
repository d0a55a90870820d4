"""A batch of kept rows split as columns makes the index a batch of `StoredRow`s makes."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from console.domain.customer import Customer
from console.services.combined_index import CombinedIndex
from console.services.customer_filters import CustomerFilters
from console.services.customer_index import CustomerIndex
from console.services.kept_columns import KeptColumns, joined_columns, kept_columns, read_batch
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
    # Refused whole: nothing of the batch stays, and what was held is found where it was.
    people = _people()
    documents, kept = _batch(people)
    derived = _index()
    derived.set_derived_fields({"custom.colour": lambda c: "teal"})
    columns = kept_columns(derived.keys_tag, documents, kept)
    assert columns is not None and not derived.add_kept(columns) and len(derived) == 0
    held = _index()
    held.upsert(people[:1])
    assert not held.add_kept(columns) and len(held) == 1
    assert held.get(people[0].id) == people[0] and held.ids() == [people[0].id]   # as it was
    twice = _index()
    assert not twice.add_kept(kept_columns(twice.keys_tag, documents + documents[:1], kept + kept[:1]))
    assert len(twice) == 0 and twice.ids() == []
    other = _index()
    other.keys_tag = "k1.other"
    assert not other.add_kept(columns)


def test_a_batch_holding_one_held_id_leaves_every_held_row_where_it_was() -> None:
    people = _people()
    documents, kept = _batch(people)
    index = _index()
    assert index.add_kept(kept_columns(index.keys_tag, documents[:3], kept[:3]))  # type: ignore[arg-type]
    index.remove([people[0].id])
    # people[0] was removed, so it may come again; people[1] is held: the batch is refused whole.
    again = kept_columns(index.keys_tag, [documents[0], documents[1], documents[3]], [kept[0], kept[1], kept[3]])
    assert again is not None and not index.add_kept(again)
    assert [index.position(p.id) for p in people] == [None, 1, 2, None, None]
    assert index.get(people[1].id) == people[1] and index.ids() == [people[1].id, people[2].id]
    # Without the held one it is taken: the removed customer comes back at a new position.
    back = kept_columns(index.keys_tag, [documents[0], documents[3]], [kept[0], kept[3]])
    assert back is not None and index.add_kept(back)
    assert [index.position(p.id) for p in people] == [3, 1, 2, 4, None]
    assert list(index) == [people[1], people[2], people[0], people[3]]
    assert index.ids() == [people[1].id, people[2].id, people[0].id, people[3].id]


# -- keys first, documents after (copy_reader.py's keys-first read) ---------------------------------
class _Source:
    """A document source as the loader gives the index: counts its calls and the ids asked for."""

    def __init__(self, customers: list[Customer]) -> None:
        self.documents = {c.id: encode(c) for c in customers}
        self.asked: list[list[str]] = []

    def __call__(self, ids: list[str]) -> dict[str, str]:
        self.asked.append(ids)
        return {i: self.documents[i] for i in ids if i in self.documents}


def _keys_only(index: CustomerIndex, customers: list[Customer]) -> KeptColumns:
    joined = "\x1e".join(_index().row_keys(customers))
    columns = joined_columns(index.keys_tag, joined, len(customers), "\x1e")
    assert columns is not None and columns.documents is None and isinstance(columns.created, str)
    return columns


def keys_first_index() -> tuple[CustomerIndex, _Source, list[Customer]]:
    """An index holding `_people()` by their keys alone, as a keys-first read leaves it before the documents
    come; the source it reads a row asked for from; the people."""
    people = _people()
    index, source = _index(), _Source(people)
    index.document_source = source
    assert index.add_kept(_keys_only(index, people))
    return index, source, people


def test_keys_alone_make_every_row_searchable_and_a_row_asked_for_is_read_on_demand() -> None:
    people = _people()
    index, source = _index(), _Source(people)
    index.document_source = source
    assert index.add_kept(_keys_only(index, people))
    assert index.unread == 5 and source.asked == []
    fresh = _index()
    fresh.upsert(people)
    for query in ("ada", "zurich", "555", "co", "example"):
        assert index.matching(query) == fresh.matching(query), query
    assert index.at(2) == people[2] and source.asked == [["c"]]   # one row read, by its id
    assert index.unread == 4
    # The documents handed over later fill the others; the row read meanwhile keeps what it holds.
    index.fill_documents(["a", "b", "c", "d", "e"], {c.id: encode(c) for c in people})
    assert index.unread == 0 and list(index) == people and len(source.asked) == 1


def test_unread_rows_sorted_by_a_field_are_read_in_one_call_and_times_parsed_when_filtered() -> None:
    people = _people()
    index, source = _index(), _Source(people)
    index.document_source = source
    index.add_kept(_keys_only(index, people))
    fresh = _index()
    fresh.upsert(people)
    by_email = index.sorted_positions(index.alive(), "email", False)
    assert by_email == fresh.sorted_positions(fresh.alive(), "email", False)
    assert source.asked == [["a", "b", "c", "d", "e"]] and index.unread == 0
    # The times came as texts: parsed when a filter or a sort by them first needs them.
    assert index._unparsed
    since_2024 = CustomerFilters(created_from=datetime(2024, 1, 1).date())
    assert index.passing(since_2024, index.alive()) == fresh.passing(since_2024, fresh.alive()) == [0]
    assert not index._unparsed and _same_times(list(index._created), list(fresh._created))
    assert index.sorted_positions(index.alive(), "updated_at", True) == \
        fresh.sorted_positions(fresh.alive(), "updated_at", True)


def test_an_unread_row_replaced_or_removed_keeps_what_it_was_given_and_nothing_reads_it() -> None:
    people = _people()
    index, source = _index(), _Source(people)
    index.document_source = source
    index.add_kept(_keys_only(index, people))
    changed = replace(people[0], given_name="Augusta", created_at=datetime(2025, 6, 1, tzinfo=UTC))
    index.upsert([changed])
    index.remove(["b"])
    assert index.unread == 3
    # A time set by the update is not overwritten by the old text when the times are parsed.
    assert not index.parse_times()
    assert index._created[0] == changed.created_at.timestamp() and math.isnan(index._created[1])  # type: ignore[union-attr]
    index.fill_documents(["a", "b", "c", "d", "e"], {c.id: encode(c) for c in people})
    assert index.unread == 0 and index.at(0) == changed and index.get("b") is None
    assert source.asked == [] and [c.id for c in index] == ["a", "c", "d", "e"]


def test_keys_alone_are_refused_where_rows_could_not_be_read_on_demand_or_a_column_is_sorted() -> None:
    people = _people()
    index = _index()
    assert not index.add_kept(_keys_only(index, people))   # no document source
    index.document_source = _Source(people)
    index.add_kept(kept_columns(index.keys_tag, *_batch(people[:1])))  # type: ignore[arg-type]
    index.sorted_positions(index.alive(), "email", False)
    assert not index.add_kept(_keys_only(index, people[1:]))   # its sort keys need every document
    assert len(index) == 1
    with pytest.raises(ValueError, match="not been read"):
        _keys_only(index, people).rows()


def test_what_needs_every_document_is_told_when_they_are_in_rather_than_reading_them() -> None:
    index, source, people = keys_first_index()
    # The keys serve a sort by name, and the times by a date; another field's values are in the documents.
    assert index.reads_documents("email") and index.reads_documents("company")
    assert not index.reads_documents("name") and not index.reads_documents("created_at")
    told: list[str] = []
    index.when_read(lambda: told.append("first"))
    index.fill_documents(["a", "b"], {c.id: encode(c) for c in people[:2]})
    index.when_read(lambda: told.append("second"))
    assert told == [] and index.unread == 3
    index.remove(["e"])   # an unread row gone: one fewer to wait for
    index.fill_documents(["c", "d"], {c.id: encode(c) for c in people[2:4]})
    assert told == ["first", "second"] and not index.reads_documents("email") and source.asked == []
    index.when_read(lambda: told.append("at once"))
    assert told[-1] == "at once"


def test_all_accounts_are_read_when_each_account_is() -> None:
    people = _people()
    ours, theirs = _index(), _index()
    ours.document_source = theirs.document_source = _Source(people)
    ours.add_kept(_keys_only(ours, people))
    theirs.upsert(people)
    combined = CombinedIndex([("sq", "Square", ours), ("cl", "Clover", theirs)])
    assert combined.reads_documents("email") and not combined.reads_documents("account")
    told: list[bool] = []
    combined.when_read(lambda: told.append(True))
    assert told == []
    ours.fill_documents([c.id for c in people], {c.id: encode(c) for c in people})
    assert told == [True] and not combined.reads_documents("email")
