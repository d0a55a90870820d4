"""The in-memory index: search over precomputed keys, stable positions, sort keys kept current."""

from __future__ import annotations

from datetime import UTC, datetime

from console.domain.customer import Address, Customer, field_getter
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


def test_search_key_leaves_out_repeats_without_changing_what_is_found() -> None:
    ix = _index()
    # The display name falls back to the email here, so the email would be in the key twice.
    ix.upsert([Customer(id="e", email="Only.Email@example.com", phone="2065550199"),
               Customer(id="f", reference_id="REF 9")])
    assert ix.matching("only.email") == [0]
    assert ix.matching("2065550199") == [0]  # phone and its digits are the same text
    assert ix.matching("ref 9") == [1]
    assert ix.matching("(f)") == [1]  # no name field filled: the name shown is the id in brackets
    assert ix._keys[0].count("only.email@example.com") == 1


def test_matching_within_keeps_the_given_order_and_skips_removed_customers() -> None:
    ix = _index()
    ix.upsert(Customer(id=f"c{i}", given_name=f"Name{i:02d}", company="Acme" if i % 2 else None)
              for i in range(40))
    ix.remove(["c3"])
    within = list(range(39, -1, -1))  # most positions, in reverse: every key is scanned in load order
    assert ix.matching("acme", within) == [p for p in within if p % 2 and p != 3]
    few = [30, 5, 17]  # a few positions: only those keys are read
    assert ix.matching("acme name", few) == [5, 17]
    assert ix.matching("acme", range(10, 14)) == [11, 13]
    assert ix.matching("", [4, 3, 2]) == [4, 2]


def test_sorting_is_case_insensitive_and_ties_keep_their_order() -> None:
    ix = _index()
    ix.upsert([Customer(id="a", given_name="bob"), Customer(id="b", given_name="Adam"),
               Customer(id="c", given_name="BOB"), Customer(id="d", given_name="ada")])
    alive = ix.alive()
    assert ix.sorted_positions(alive, "name", False) == [3, 1, 0, 2]
    assert ix.sorted_positions(alive, "name", True) == [2, 0, 1, 3]  # the ascending order turned round
    assert ix.sorted_positions([2, 0], "name", False) == [2, 0]


def test_empty_values_sort_last_and_mixed_types_do_not_break_sorting() -> None:
    ix = _index()
    ix.upsert([Customer(id="a", company="", extra={"score": "high"}),
               Customer(id="b", company="Beta", extra={"score": 7}),
               Customer(id="c", extra={"score": None}),
               Customer(id="d", company="alpha", extra={"score": 2.5})])
    alive = ix.alive()
    assert ix.sorted_positions(alive, "company", False) == [3, 1, 0, 2]
    assert ix.sorted_positions(alive, "company", True) == [1, 3, 0, 2]
    assert ix.sorted_positions(alive, "score", False) == [3, 1, 0, 2]  # numbers before text
    assert ix.sorted_positions(alive, "score", True) == [0, 1, 3, 2]


def test_cached_sort_keys_follow_removals_and_new_customers() -> None:
    ix = _index()
    ix.upsert(_people())
    assert ix.sorted_positions(ix.alive(), "created_at", False) == [1, 0, 2]
    ix.remove(["b"])
    ix.upsert([Customer(id="d", created_at=datetime(2022, 1, 1, tzinfo=UTC))])
    assert ix.sorted_positions(ix.alive(), "created_at", False) == [3, 0, 2]
    assert ix.sorted_positions(ix.alive(), "created_at", True) == [0, 3, 2]


def test_column_values_are_the_customers_values() -> None:
    ix = CustomerIndex(search_fields=("name", "address.city", "segment"), name_fields=("full_name", "company"))
    people = [*_people(), Customer(id="x", address=Address(city="Lyon"), extra={"segment": "Gold"}),
              Customer(id="y", given_name="Solo")]
    ix.upsert(people)
    for customer in people:
        for key in ("full_name", "email", "created_at", "address.city", "address.postal_code", "segment"):
            assert ix.value(customer, key) == customer.value(key)
        for key in ("name", "full_name", "phone", "address.city", "segment"):
            assert field_getter(key)(customer) == customer.value(key)
    assert [ix.name(c) for c in people] == ["Ada Lovelace", "Babbage & Co", "José Núñez", "(x)", "Solo"]
    assert ix.matching("lyon gold") == [3]


def test_phone_like_tokens_find_phones_and_numbers_and_letters_never_do() -> None:
    ix = _index()
    ix.upsert([Customer(id="p", given_name="Pat", phone="(206) 555-0142"),
               Customer(id="f", company="Florist", phone="1-800-FLOWERS", reference_id="4471"),
               Customer(id="n", given_name="Nia", phone="+16025550167")])
    ix.remove(["n"])
    ix.upsert([Customer(id="m", given_name="Max 2065", phone="+16025550167")])
    assert ix.matching("555-0142") == [0]
    assert ix.matching("(206)") == [0]
    assert ix.matching("2065550142") == [0]
    assert ix.matching("2065") == [0, 3]  # a phone's digits, and a name holding digits
    assert ix.matching("800-flowers") == [1]  # a phone with letters is searched as text
    assert ix.matching("447") == [1]  # a numeric reference
    assert ix.matching("6025550167") == [3]  # the removed customer's phone is not found
    assert ix.matching("pat 0142") == [0]
    assert ix.matching("0142x") == []
    assert ix.matching("0", [3, 1, 0]) == [3, 1, 0]
    assert ix.matching("55", [3, 1, 0]) == [3, 0]


def test_many_pages_stay_searchable_and_sortable() -> None:
    ix = _index()
    for page in range(50):  # more customers than one block of keys, so the keys are repacked
        ix.upsert(Customer(id=f"c{i}", given_name=f"Name{i:04d}", phone=f"555-{i:04d}") for i in
                  range(page * 100, page * 100 + 100))
    ix.upsert([Customer(id="c4321", given_name="Changed")])
    assert ix.matching("name432") == [4320, *range(4322, 4330)]
    assert ix.matching("changed") == [4321]
    assert ix.matching("555-4999") == [4999]
    assert ix.sorted_positions(ix.alive(), "name", True)[:2] == [4999, 4998]
    assert ix.sorted_positions(ix.alive(), "name", False)[0] == 4321  # "changed" before "name…"
