"""An index made from the keys kept in the workspace answers as one made from the customers."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from console.domain.customer import Address, Customer
from console.services.customer_filters import CustomerFilters
from console.services.customer_index import CustomerIndex
from console.services.stored_rows import KeptCustomers, StoredRow, keys_tag, stored_row
from console.store import documents
from console.store.documents import encode


def _index() -> CustomerIndex:
    return CustomerIndex(search_fields=("name", "company", "email", "phone", "address.city"),
                         name_fields=("full_name", "company", "email"), status_field="status")


def _people() -> list[Customer]:
    return [
        Customer(id="a", given_name="Ada", family_name="Lovelace", email="ada@example.com",
                 phone="(206) 555-0142", created_at=datetime(2024, 1, 1, tzinfo=UTC),
                 extra={"status": "ACTIVE"}, address=Address(city="Zürich")),
        Customer(id="b", company="Babbage & Co", phone="+44 20 7946 0123", updated_at=datetime(2023, 5, 1, tzinfo=UTC)),
        Customer(id="c", given_name="Élodie", family_name="Núñez", email="elodie@example.org",
                 extra={"status": "DISABLED", "tags": ("x", "y")}),
        Customer(id="d", phone="2065550199"),
        Customer(id="e", given_name="Zoë", company="Zoë", email="zoe@example.com", phone="555 0100"),
    ]


def _from_rows(customers: list[Customer]) -> CustomerIndex:
    """An index made as a warm start makes it: from each document and the keys saved beside it."""
    made = _index()
    kept = made.row_keys(customers)
    rows = [stored_row(made.keys_tag, encode(c), k) for c, k in zip(customers, kept, strict=True)]
    assert all(type(r) is StoredRow for r in rows)
    made.add_local([r for r in rows if r is not None])
    return made


def _same_times(a: list[float], b: list[float]) -> bool:
    return all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b, strict=True))


def test_kept_rows_give_the_same_keys_facts_and_answers() -> None:
    people = _people()
    fresh, warm = _index(), _from_rows(people)
    fresh.upsert(people)
    assert warm._keys == fresh._keys and warm._phone_keys == fresh._phone_keys
    assert warm._name_leads == fresh._name_leads and warm._status == fresh._status
    assert _same_times(list(warm._created), list(fresh._created))
    assert _same_times(list(warm._updated), list(fresh._updated))
    for query in ("ada", "zurich", "elodie nunez", "2065550142", "206-555-0142", "555", "zoe", "co"):
        assert warm.matching(query) == fresh.matching(query), query
    alive = fresh.alive()
    for column in ("name", "email", "created_at", "company", "phone", "address.city", "id", "status"):
        for descending in (False, True):
            assert warm.sorted_positions(alive, column, descending) == \
                fresh.sorted_positions(alive, column, descending), column
    filters = CustomerFilters(has_phone=True, status="ACTIVE")
    assert warm.passing(filters, alive) == fresh.passing(filters, alive) == [0]
    assert warm.status_values() == fresh.status_values()
    # The customers themselves, decoded when asked for, as they were saved; a walk over them all
    # holds none (it may run on another thread), a look at one keeps it for the next look.
    warm._decoded.clear()   # (the sorts above looked at every one)
    assert list(warm) == people and warm._decoded == {}
    assert warm.get("c") == people[2] and warm.get("c") is warm.at(2) and warm.id_at(3) == "d"
    assert warm.ids() == [c.id for c in people]


def test_kept_rows_follow_updates_and_removals_as_customers_do() -> None:
    people = _people()
    warm = _from_rows(people)
    events: list[tuple[list[int], list[int], list[int]]] = []
    warm.subscribe(lambda a, c, r: events.append((a, c, r)))
    assert warm.sorted_positions(warm.alive(), "email", False)   # sort keys made from kept rows
    warm.upsert([Customer(id="a", given_name="Augusta", email="aaa@example.com")])
    assert warm.matching("augusta") == [0] and warm.at(0).given_name == "Augusta"
    assert warm.sorted_positions(warm.alive(), "email", False)[0] == 0
    warm.remove(["c"])
    assert warm.get("c") is None and warm.ids() == ["a", "b", "d", "e"] and warm.matching("elodie") == []
    assert events == [([], [0], []), ([], [], [2])]


def test_a_kept_row_for_a_known_customer_or_with_derived_fields_is_decoded() -> None:
    people = _people()
    warm = _index()
    warm.set_derived_fields({"custom.colour": lambda c: "teal" if c.id == "a" else ""})
    kept = warm.row_keys(people)
    warm.add_local([stored_row(warm.keys_tag, encode(c), k) or c for c, k in zip(people, kept, strict=True)])
    assert warm.matching("teal") == [0]   # the derived text is searched: the rows were made whole
    assert warm._customers[0] == people[0]


def test_keys_made_by_another_setup_or_damaged_are_not_used() -> None:
    ix = _index()
    customer = _people()[0]
    kept = ix.row_keys([customer])[0]
    assert stored_row(ix.keys_tag, "{}", kept) is not None
    assert stored_row(keys_tag(("name",), ("full_name",), None), "{}", kept) is None   # another setup
    assert stored_row(ix.keys_tag, "{}", None) is None                                # saved before 0009
    assert stored_row(ix.keys_tag, "{}", kept + "\x1dmore") is None                   # a field too many


def test_sorting_kept_rows_by_a_field_reads_that_field_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    people = _people()
    warm = _from_rows(people)
    decoded: list[str] = []
    real_decode = documents.decode
    monkeypatch.setattr(documents, "decode", lambda d: decoded.append(d) or real_decode(d))
    assert [people[p].id for p in warm.sorted_positions(warm.alive(), "email", False)] == ["a", "c", "e", "b", "d"]
    assert [people[p].id for p in warm.sorted_positions(warm.alive(), "address.city", False)][:1] == ["a"]
    assert decoded == []   # neither sort decoded a customer
    warm.sorted_positions(warm.alive(), "status", False)   # a provider extra: the customers are decoded
    assert len(decoded) == len(people)


def test_a_local_copy_holds_its_kept_rows_as_the_documents_alone() -> None:
    people = _people()
    ix = _index()
    rows = [stored_row(ix.keys_tag, encode(c), k) for c, k in zip(people, ix.row_keys(people), strict=True)]
    kept = KeptCustomers()
    kept.extend([r for r in rows[:3] if r is not None])
    kept.extend(people[3:])
    assert list(kept) == people
    # A read's copy outlives the read (the load that asked for it waits on the refresh): once the
    # read is over it holds the documents the index holds too, not the rows with their keys.
    kept.compact()
    assert [type(item) for item in kept._items] == [str, str, str, Customer, Customer]
    assert list(kept) == people and kept[1:3] == people[1:3]
