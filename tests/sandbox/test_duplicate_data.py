"""The labelled duplicate data set, and the duplicates planted in the demo data."""

from __future__ import annotations

from console.sandbox.duplicate_data import ACCOUNTS, labelled_customers
from console.sandbox.planted_duplicates import PLANTED
from console.sandbox.registry import emulator_class


def test_the_same_seed_gives_the_same_set_and_another_seed_another() -> None:
    first, again, other = labelled_customers(3, 300), labelled_customers(3, 300), labelled_customers(4, 300)
    assert first == again
    assert first != other


def test_the_set_holds_true_pairs_across_accounts_and_look_alikes() -> None:
    labelled = labelled_customers(5, 2000)
    pairs = labelled.true_pairs()
    records = labelled.records
    assert len(pairs) > 300
    assert any(records[a].account != records[b].account for a, b in pairs)
    assert any(records[a].account == records[b].account for a, b in pairs)
    assert {r.account for r in records} == set(ACCOUNTS)
    look_alikes = [r for r in records if r.look_alike_of is not None]
    assert len(look_alikes) > 20
    households = [r for r in look_alikes if r.customer.id.endswith("-h")]
    assert households and all(r.person != r.look_alike_of for r in look_alikes)
    # Variations: at least one swapped name, one missing email and one reformatted phone among the twins.
    twins = [(records[a].customer, records[b].customer) for a, b in pairs]
    assert any(x.given_name == y.family_name and x.family_name == y.given_name for x, y in twins)
    assert any(x.email and not y.email for x, y in twins)
    assert any(x.phone and y.phone and x.phone != y.phone for x, y in twins)


def test_the_demo_emulators_hold_the_planted_people_and_their_own_crowds() -> None:
    names: dict[str, set[str]] = {}
    for provider in ("square", "clover", "authorize-net", "payarc", "digital-river"):
        emulator = emulator_class(provider)(seed=2026)
        text = repr(emulator._customers)
        for person in PLANTED.get(provider, ()):
            assert person.family in text and (person.email or person.phone or "") in text, (provider, person)
        names[provider] = {e for e in text.split("'") if "@" in e}
    # Each provider draws its own people: the demo accounts are not copies of one another.
    for a in names:
        for b in names:
            if a < b:
                assert len(names[a] & names[b]) < 50, (a, b)
