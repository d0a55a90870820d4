"""The All accounts index: several accounts' indexes read as one, positions naming their account."""

from __future__ import annotations

from console.domain.customer import Customer
from console.services.combined_index import ACCOUNT_COLUMN, CombinedIndex
from console.services.customer_filters import NO_FILTERS, CustomerFilters
from console.services.customer_index import CustomerIndex

FIELDS = ("name", "company", "email", "phone")
NAMES = ("full_name", "company", "email")


def _index(*customers: Customer) -> CustomerIndex:
    index = CustomerIndex(search_fields=FIELDS, name_fields=NAMES)
    index.upsert(customers)
    return index


def _combined() -> tuple[CombinedIndex, CustomerIndex, CustomerIndex]:
    square = _index(Customer(id="s1", given_name="Ada", family_name="Smith", email="ada@example.com"),
                    Customer(id="s2", given_name="Zoe", family_name="Jones"),
                    Customer(id="s3", company="Acme Ltd"))
    clover = _index(Customer(id="c1", given_name="Bob", family_name="Smith", phone="2065550100"),
                    Customer(id="s1", given_name="Cy", family_name="Other"))   # an id another account has too
    return CombinedIndex([("sq", "Square", square), ("cl", "Clover", clover)]), square, clover


def test_positions_name_their_account_and_customer() -> None:
    combined, _, _ = _combined()
    alive = combined.alive()
    assert len(combined) == 5 and len(alive) == 5
    assert [combined.account_at(p) for p in alive] == ["sq", "sq", "sq", "cl", "cl"]
    assert [combined.at(p).id for p in alive] == ["s1", "s2", "s3", "c1", "s1"]
    assert combined.at(combined.position("s1", "cl")).given_name == "Cy"   # type: ignore[arg-type]
    assert combined.at(combined.position("s1")).given_name == "Ada"        # type: ignore[arg-type]
    assert combined.name(alive[2]) == "Acme Ltd"


def test_search_and_filters_run_across_accounts_in_load_and_sorted_order() -> None:
    combined, _, _ = _combined()
    alive = combined.alive()
    found = combined.shown(alive, "smith", NO_FILTERS, in_load_order=True)
    assert [(combined.account_at(p), combined.at(p).id) for p in found] == [("sq", "s1"), ("cl", "c1")]
    backwards = list(reversed(alive))
    found = combined.shown(backwards, "smith", NO_FILTERS, in_load_order=False)
    assert [combined.at(p).id for p in found] == ["c1", "s1"]   # the order given is kept
    with_phone = combined.shown(alive, "", CustomerFilters(has_phone=True), in_load_order=True)
    assert [combined.at(p).id for p in with_phone] == ["c1"]


def test_sorting_mixes_accounts_keeps_empties_last_and_orders_accounts_by_name() -> None:
    combined, _, _ = _combined()
    alive = combined.alive()
    by_name = combined.sorted_positions(alive, "name", descending=False)
    assert [combined.name(p) for p in by_name] == ["Acme Ltd", "Ada Smith", "Bob Smith", "Cy Other", "Zoe Jones"]
    by_email = combined.sorted_positions(alive, "email", descending=True)
    assert combined.at(by_email[0]).id == "s1" and len(by_email) == 5   # the one email first, then the empties
    by_account = combined.sorted_positions(alive, ACCOUNT_COLUMN, descending=False)
    assert [combined.account_at(p) for p in by_account] == ["cl", "cl", "sq", "sq", "sq"]


def test_a_members_changes_reach_the_listeners_at_combined_positions() -> None:
    combined, _, clover = _combined()
    heard: list[tuple[list[int], list[int], list[int]]] = []
    combined.subscribe(lambda a, c, r: heard.append((a, c, r)))
    clover.upsert([Customer(id="c9", given_name="New")])
    clover.remove(["c1"])
    (added, _, _), (_, _, removed) = heard
    assert combined.at(added[0]).id == "c9" and combined.account_at(added[0]) == "cl"
    assert combined.account_at(removed[0]) == "cl"
    # A new search over every live row scans each account whole: the hole left by c1 matches nothing.
    found = combined.shown(combined.alive(), "smith", NO_FILTERS, in_load_order=True)
    assert [(combined.account_at(p), combined.at(p).id) for p in found] == [("sq", "s1")]
    combined.close()
    clover.upsert([Customer(id="c10")])
    assert len(heard) == 2   # no longer followed


def test_search_keys_are_the_members_own_at_combined_positions() -> None:
    # What laying out ahead reads to know which rows a next letter shows (next_letters.py): the keys the
    # search itself reads, so the rows whose text key holds "smi" are those a search for it shows.
    combined, square, clover = _combined()
    alive = combined.alive()
    assert [combined.search_keys(p) for p in alive] == [
        *(square.search_keys(p) for p in square.alive()), *(clover.search_keys(p) for p in clover.alive())]
    bob = combined.position("c1", "cl")
    assert bob is not None
    text, phone = combined.search_keys(bob)
    assert "bob smith" in text and "2065550100" in text + phone
    found = combined.shown(alive, "smi", NO_FILTERS, in_load_order=True)
    assert found and found == [p for p in alive if "smi" in combined.search_keys(p)[0]]
