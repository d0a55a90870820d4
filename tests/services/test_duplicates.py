"""Finding duplicates: blocking, scoring, grouping, reasons, progress and cancel (issue 20)."""

from __future__ import annotations

import gc
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.customer import Address, ContactPoint, Customer
from console.domain.duplicate_keys import email_key, phone_key
from console.sandbox.duplicate_data import labelled_customers
from console.services.duplicate_blocking import blocking_keys
from console.services.duplicate_scoring import KeyMaker, compare
from console.services.duplicates import (
    DEFAULT_THRESHOLD,
    FLOOR,
    ScanCancelledError,
    candidate_pairs,
    find_duplicates,
    scan,
)
from console.services.phone_display import phone_region


def _person(cid: str, given: str | None, family: str | None, *, email: str | None = None, phone: str | None = None,
            postal: str | None = None, country: str | None = "US", **more: object) -> Customer:
    address = Address(postal_code=postal, country=country) if postal or country else None
    return Customer(id=cid, given_name=given, family_name=family, email=email, phone=phone, address=address,
                    **more)  # type: ignore[arg-type]


def test_the_issue_examples_are_one_group_with_their_reasons() -> None:
    records = [("square", _person("A", "Jon", "Smith", email="jane.doe@gmail.com", phone="(415) 555-0123")),
               ("clover", _person("B", "John", "Smith", email="janedoe+shop@googlemail.com")),
               ("anet", _person("C", "John", "Smith", phone="+1 415-555-0123"))]
    [group] = find_duplicates(records)
    assert group.members == (("square", "A"), ("clover", "B"), ("anet", "C"))
    assert group.accounts == ("square", "clover", "anet")
    assert "same email (normalised): janedoe@gmail.com" in group.reasons
    assert "phone +14155550123 in both" in group.reasons
    assert "names 94% alike: Jon Smith / John Smith" in group.reasons


def test_look_alikes_are_not_proposed() -> None:
    records = [
        # One household email, two people.
        ("square", _person("1", "Jane", "Doe", email="the.does@example.com", phone="415-555-0100", postal="94110")),
        ("square", _person("2", "John", "Doe", email="the.does@example.com", phone="415-555-0100", postal="94110")),
        # The same common name in another city, nothing else shared.
        ("square", _person("3", "James", "Smith", email="js1@example.com", postal="98101")),
        ("clover", _person("4", "James", "Smith", email="js2@example.org", postal="60606")),
        # One merchant reference id in two different systems.
        ("square", _person("5", "Ana", "Lopez", reference_id="CRM-1", postal="10001")),
        ("clover", _person("6", "Wei", "Zhang", reference_id="CRM-1", postal="10001")),
    ]
    assert find_duplicates(records) == []


def test_nickname_swapped_names_and_missing_fields_still_match() -> None:
    records = [("square", _person("1", "Robert", "Fairweather", phone="(206) 555-0177", postal="98101")),
               ("square", _person("2", "Bob", "Fairweather", email="bob@example.org", phone="+1 206 555 0177")),
               ("clover", _person("3", "Nguyen", "Linh", email="linh@example.net")),
               ("clover", _person("4", "Linh", "Nguyen", email="LINH@example.net", postal="97205"))]
    groups = find_duplicates(records)
    assert sorted(g.members for g in groups) == [(("clover", "3"), ("clover", "4")),
                                                 (("square", "1"), ("square", "2"))]
    bob = next(g for g in groups if g.accounts == ("square",))
    assert "given names are forms of one name: Robert Fairweather / Bob Fairweather" in bob.reasons


def test_phones_are_read_in_the_accounts_country() -> None:
    records = [("uk-shop", _person("1", "Ann", "Lee", phone="020 7946 0123", country=None)),
               ("uk-shop", _person("2", "Ann", "Lee", phone="+44 20 7946 0123", country=None))]
    assert find_duplicates(records) == []   # read as US numbers, the first is no number at all
    [group] = find_duplicates(records, regions={"uk-shop": "GB"})
    assert "phone +442079460123 in both" in group.reasons


def test_a_record_is_never_its_own_duplicate() -> None:
    jane = _person("1", "Jane", "Doe", email="jane@example.com",
                   emails=(ContactPoint(id="e", value="JANE@example.com"),))
    assert find_duplicates([("square", jane), ("square", jane)]) == []
    assert find_duplicates([("square", jane)]) == []
    # The same id in two accounts is two records.
    assert len(find_duplicates([("square", jane), ("clover", jane)])) == 1


def _labelled(seed: int, people: int = 400) -> list[tuple[str, Customer]]:
    return [(r.account, r.customer) for r in labelled_customers(seed, people).records]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blocking_never_misses_a_pair_sharing_a_normalised_email_or_phone(seed: int) -> None:
    records = _labelled(seed)
    # Shared emails and phones planted across unrelated records too, so blocks are not only twins.
    records += [("payarc", _person("x1", "Zed", "Quinn", email=records[0][1].email)),
                ("payarc", _person("x2", "Amy", "Pond", phone=records[1][1].phone))]
    candidates = candidate_pairs(records)

    def keys(customer: Customer) -> set[str]:
        region = phone_region(customer)
        found = {f"e:{email_key(customer.email)}", f"p:{phone_key(customer.phone or '', region)}"}
        return {k for k in found if not k.endswith(":None")}

    shared = {(i, j) for (i, (_, a)), (j, (_, b)) in itertools.combinations(enumerate(records), 2)
              if keys(a) & keys(b)}
    assert shared, "the generated set must have records sharing an email or phone"
    assert shared <= candidates


def test_blocking_does_not_compare_all_pairs() -> None:
    records = _labelled(4, 1000)
    assert len(candidate_pairs(records)) < 2 * len(records)   # near-linear, far below n²/2


@pytest.mark.parametrize("seed", [5, 6])
def test_scoring_is_symmetric_on_generated_records(seed: int) -> None:
    maker = KeyMaker()
    keys = [maker.keys(account, customer) for account, customer in _labelled(seed, 150)]
    for a, b in itertools.combinations(keys, 2):
        assert compare(a, b).weight == compare(b, a).weight


_names = st.sampled_from(["Jon", "John", "Smith", "Smyth", "Bob", "Robert", "Élodie", "Elodie", "", "O'Brien"])
_emails = st.sampled_from(["j.smith@gmail.com", "jsmith@gmail.com", "jsmith+x@googlemail.com", "a@example.com", ""])
_phones = st.sampled_from(["(415) 555-0123", "+14155550123", "415.555.0199", "+44 20 7946 0123", ""])
_customers = st.builds(lambda g, f, e, p, z: _person("?", g or None, f or None, email=e or None, phone=p or None,
                                                      postal=z or None),
                       _names, _names, _emails, _phones, st.sampled_from(["94110", "94110-1234", "10001", ""]))


@settings(max_examples=200, deadline=None)
@given(_customers, _customers)
def test_scoring_is_symmetric_for_any_two_customers(a: Customer, b: Customer) -> None:
    maker = KeyMaker()
    ka, kb = maker.keys("s", a), maker.keys("c", b)
    assert compare(ka, kb).weight == compare(kb, ka).weight
    assert 0 <= compare(ka, kb).score <= 1


@settings(max_examples=50, deadline=None)
@given(st.lists(_customers, min_size=1, max_size=8))
def test_no_group_holds_a_record_twice_and_every_pair_is_above_the_threshold(customers: list[Customer]) -> None:
    records = [("square", c.__class__(**{**_fields(c), "id": f"c{n}"})) for n, c in enumerate(customers)]
    records += [records[0]]   # one record listed twice
    for group in find_duplicates(records):
        assert len(set(group.members)) == len(group.members)
        assert all(pair.first != pair.second and pair.score >= DEFAULT_THRESHOLD for pair in group.pairs)


def _fields(customer: Customer) -> dict[str, object]:
    return {name: getattr(customer, name) for name in customer.__dataclass_fields__}


def test_dismissed_groups_are_not_proposed_again_at_any_threshold() -> None:
    records = _labelled(8, 300)
    found = scan(records)
    groups = found.groups()
    assert len(groups) > 5
    dismissed = [frozenset(g.members) for g in groups[:5]]
    for threshold in (0.2, 0.5, 0.9):
        again = scan(records).groups(threshold, dismissed)
        for group in again:
            for members in dismissed:
                assert len(members & set(group.members)) < 2, "two dismissed members connected again"
    kept = {g.key for g in found.groups(dismissed=dismissed)}
    assert kept == {g.key for g in groups[5:]}


@settings(max_examples=60, deadline=None)
@given(st.lists(_customers, min_size=2, max_size=10), st.data())
def test_a_dismissed_group_stays_dismissed_whatever_the_records_and_threshold(customers: list[Customer],
                                                                              data: st.DataObject) -> None:
    records = [("square", c.__class__(**{**_fields(c), "id": f"c{n}"})) for n, c in enumerate(customers)]
    found = scan(records)
    groups = found.groups(FLOOR)   # every pair the scan kept
    dismissed = data.draw(st.lists(st.sampled_from([frozenset(g.members) for g in groups]), unique=True)
                          if groups else st.just([]))
    threshold = data.draw(st.floats(FLOOR, 0.99))
    for again in (found.groups(threshold, dismissed), scan(records).groups(threshold, dismissed)):
        for group in again:
            assert all(len(members & set(group.members)) < 2 for members in dismissed), \
                "two members of a dismissed group connected again"


def test_the_threshold_moves_the_groups_without_a_new_scan() -> None:
    found = scan(_labelled(9, 500))
    counts = [sum(len(g.pairs) for g in found.groups(t)) for t in (0.2, 0.5, 0.8, 0.99)]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_forming_groups_runs_no_collection() -> None:
    """Tens of thousands of groups beside half a million loaded customers: a collection would walk them all."""
    found = scan(_labelled(9, 500))
    assert gc.isenabled()
    collections: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        collections.append(phase)

    threshold = gc.get_threshold()
    gc.callbacks.append(seen)
    gc.set_threshold(1)   # a collection at nearly every allocation, if the collector were on
    try:
        groups = found.groups(0.2)
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.remove(seen)
    # A few collections as the call begins and ends, none for each group formed (one or more each without the pause).
    assert len(groups) > 50 and collections.count("start") < len(groups) / 4


def test_progress_reaches_the_end_and_cancel_stops_the_scan() -> None:
    records = _labelled(10, 5000)
    shares: list[float] = []
    scan(records, progress=shares.append)
    assert shares == sorted(shares) and shares[-1] == 1.0 and len(shares) > 2
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) > 1
    with pytest.raises(ScanCancelledError):
        scan(records, cancelled=cancelled)


def test_what_a_scan_keeps_is_out_of_the_collectors_sight_and_its_keys_make_no_cycles() -> None:
    """The pairs and the groups live on after the pause: frozen, not walked by the collector's next passes
    (0.3 s each at 500,000 customers). Frozen garbage in a cycle is never freed, so the keys must make none:
    phonenumbers' exception for a number it cannot read made one, holding the scan's frames."""
    records = [("a", _person(f"p{i}", "Ann", f"Lee{i % 7}", phone=phone, postal="94110"))
               for i, phone in enumerate(("12", "+999 123", "1-800-FLOWERS", "+", "(415) 555-0100", "555") * 5)]
    gc.collect()
    gc.disable()
    try:
        blocking_keys(records, KeyMaker(), lambda done: None)   # the keys, made without the scan's freeze
        assert gc.collect() == 0
        found = scan(records)
        groups = found.groups(0.2)
    finally:
        gc.enable()
    assert groups and found.pairs
    tracked = set(map(id, gc.get_objects()))
    assert tracked.isdisjoint(map(id, [*found.pairs, *groups]))
