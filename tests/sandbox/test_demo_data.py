"""Generated demo people: deterministic, realistic, harmless (reserved domains, fictional numbers), fast."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from console.domain.validation import email_problem
from console.sandbox.demo_data import Person, ascii_slug, generate_people
from console.sandbox.square.fields import normalized_birthday, phone_problem

RESERVED = re.compile(r"(?:[a-z0-9-]+\.)*example\.(?:com|org|net)")
US_PHONE = re.compile(r"(\(\d{3}\) 555-01\d\d|\+1 \d{3}-555-01\d\d|\d{3}55501\d\d|\d{3}-555-01\d\d|"
                      r"\+1\d{3}55501\d\d|\d{3}\.555\.01\d\d)")
INTERNATIONAL = re.compile(r"\+(44|49|33) [0-9 ]+")


@pytest.fixture(scope="module")
def people() -> list[Person]:
    return generate_people(random.Random(2024), 5000)


def test_same_seed_same_people() -> None:
    assert generate_people(random.Random(7), 300) == generate_people(random.Random(7), 300)
    assert generate_people(random.Random(7), 300) != generate_people(random.Random(8), 300)
    assert generate_people(random.Random(7), 300)[:50] == generate_people(random.Random(7), 50)


def test_emails_use_reserved_domains_only(people: list[Person]) -> None:
    for person in people:
        local, _, domain = person.email.partition("@")
        assert RESERVED.fullmatch(domain), person.email
        assert re.fullmatch(r"[a-z0-9._]+", local), person.email
    sample = people[:500]
    assert all(email_problem(p.email) is None for p in sample)
    domains = Counter(p.email.split("@")[1] for p in people)
    assert len(domains) > 20  # company subdomains as well as the plain ones


def test_phones_are_fictional_and_acceptable_to_square(people: list[Person]) -> None:
    kinds: Counter[str] = Counter()
    for person in people:
        if US_PHONE.fullmatch(person.phone):
            kinds["us"] += 1
            assert person.address.country in ("US", "CA")
        else:
            assert INTERNATIONAL.fullmatch(person.phone), person.phone
            kinds[person.phone[:3]] += 1
        assert phone_problem(person.phone) is None, person.phone
    assert kinds["us"] / len(people) > 0.6
    assert kinds["+44"] and kinds["+49"] and kinds["+33"]
    formats = {re.sub(r"\d", "9", p.phone) for p in people if p.address.country == "US"}
    assert len(formats) >= 5


def test_addresses_agree_with_their_country(people: list[Person]) -> None:
    states: dict[tuple[str, str], set[str | None]] = {}
    for person in people:
        a = person.address
        states.setdefault((a.country, a.city), set()).add(a.state)
        assert re.match(r"\d+ \S|\S.* \d+a?$", a.line1), a.line1
        if a.country == "US":
            assert re.fullmatch(r"\d{5}", a.postal_code) and re.fullmatch(r"[A-Z]{2}", a.state or "")
        elif a.country == "CA":
            assert re.fullmatch(r"[A-Z]\d[A-Z] \d[A-Z]\d", a.postal_code)
        elif a.country == "GB":
            assert re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", a.postal_code)
            assert a.state in {"Greater London", "Greater Manchester", "City of Edinburgh", "City of Bristol"}
        elif a.country in ("DE", "FR"):
            assert re.fullmatch(r"\d{5}", a.postal_code)
        else:
            pytest.fail(f"unexpected country {a.country}")
    assert all(len(found) == 1 for found in states.values())  # one state/region per city
    assert {p.address.country for p in people} == {"US", "CA", "GB", "DE", "FR"}
    line2 = sum(p.address.line2 is not None for p in people) / len(people)
    assert 0.1 < line2 < 0.3


def test_proportions(people: list[Person]) -> None:
    def share(predicate: Callable[[Person], object]) -> float:
        return sum(1 for p in people if predicate(p)) / len(people)

    assert 0.30 < share(lambda p: p.company) < 0.40
    assert 0.35 < share(lambda p: p.birthday) < 0.45
    assert 0.12 < share(lambda p: p.note) < 0.18
    assert 0.45 < share(lambda p: p.reference_id) < 0.55
    assert 0.4 < share(lambda p: p.updated_at > p.created_at) < 0.8


def test_names_are_diverse_and_include_hard_characters(people: list[Person]) -> None:
    names = {p.given_name for p in people} | {p.family_name for p in people}
    assert len(names) > 200
    assert any("'" in n for n in names) and any("-" in n for n in names)
    assert any(not n.isascii() for n in names)
    assert {"O'Brien", "Anne-Marie", "José"} <= names


def test_birthdays_and_references(people: list[Person]) -> None:
    birthdays = [p.birthday for p in people if p.birthday]
    assert all(normalized_birthday(b) for b in birthdays)
    assert any(len(b) == 5 for b in birthdays) and any(len(b) == 10 for b in birthdays)
    references = [p.reference_id for p in people if p.reference_id]
    assert all(re.fullmatch(r"[A-Z]+-\d{5}", r) for r in references)
    assert len(set(references)) == len(references)


def test_times_are_utc_in_range_and_ordered(people: list[Person]) -> None:
    low, high = datetime(2023, 1, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
    for person in people:
        assert person.created_at.tzinfo is UTC
        assert low <= person.created_at <= person.updated_at <= high


def test_ascii_slug() -> None:
    assert ascii_slug("O'Brien") == "obrien"
    assert ascii_slug("Jürgen Groß") == "jurgengross"
    assert ascii_slug("Søren Łukasz") == "sorenlukasz"
    assert ascii_slug("Anne-Marie") == "annemarie"
