"""The in-memory index: search over precomputed keys, stable positions, sort keys kept current."""

from __future__ import annotations

from datetime import UTC, datetime

from console.domain.customer import Customer
from console.services.customer_index import CustomerIndex


def _index() -> CustomerIndex:
    return CustomerIndex(search_fields=("name", "company", "email", "phone", "reference_id"),
                         name_fields=("full_name", "company", "email"))


def _people() -> list[Customer]:
    return [
        Customer(id="a", given_name="Ada", family_name="Lovelace", email="ada@example.com",
                 phone="(206) 555-0142", created_at=datetime(2024, 1, 1, tzinfo=UTC)),
        Customer(id="b", company="Babbage & Co", reference_id="CRM-7", created_at=datetime(2023, 1, 1, tzinfo=UTC)),
        Customer(id="c", given_name="José", family_name="Núñez", email="jose@example.org"),
    ]


def test_tokens_must_all_match_case_insensitively() -> None:
    ix = _index()
    ix.upsert(_people())
    assert ix.matching("ADA") == [0]
    assert ix.matching("ada example") == [0]
    assert ix.matching("ada org") == []
    assert ix.matching("crm-7") == [1]
    assert ix.matching("josé") == [2]
    assert ix.matching("2065550142") == [0]  # digits of a formatted phone
    assert ix.matching("") == [0, 1, 2]


def test_upsert_replaces_by_id_and_removal_leaves_stable_positions() -> None:
    ix = _index()
    events: list[tuple[list[int], list[int], list[int]]] = []
    ix.subscribe(lambda a, c, r: events.append((a, c, r)))
    ix.upsert(_people())
    ix.upsert([Customer(id="a", given_name="Augusta")])
    assert ix.matching("augusta") == [0] and ix.matching("lovelace") == []
    ix.remove(["b"])
    assert len(ix) == 2 and ix.position("c") == 2 and ix.get("b") is None
    assert ix.matching("") == [0, 2]
    assert events == [([0, 1, 2], [], []), ([], [0], []), ([], [], [1])]


def test_sorting_keeps_empty_values_last_both_ways() -> None:
    ix = _index()
    ix.upsert(_people())
    alive = ix.alive()
    assert ix.sorted_positions(alive, "created_at", False) == [1, 0, 2]
    assert ix.sorted_positions(alive, "created_at", True) == [0, 1, 2]
    assert ix.sorted_positions(alive, "name", False) == [0, 1, 2]
    assert ix.sorted_positions(alive, "name", True) == [2, 1, 0]


def test_cached_sort_keys_follow_updates() -> None:
    ix = _index()
    ix.upsert(_people())
    ix.sort_keys("name")
    ix.upsert([Customer(id="c", given_name="Aaron")])
    assert ix.sorted_positions(ix.alive(), "name", False) == [2, 0, 1]
