"""`compare`'s fast reading (each record's fields unpacked at once, each name pairing's likeness computed
once) weighs every pair exactly as the plain reading of the rules does (issue 20, P17)."""

from __future__ import annotations

import itertools

from rapidfuzz import fuzz

from console.domain.customer import Address, ContactPoint, Customer
from console.domain.nicknames import same_given_name
from console.sandbox.duplicate_data import labelled_customers
from console.services.duplicate_scoring import Comparison, KeyMaker, RecordKeys, compare
from console.services.duplicates import candidate_pairs


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100


def _parts(given_a: str, given_b: str, family_a: str, family_b: str) -> tuple[float, bool, bool]:
    first_a, first_b = given_a.split()[0], given_b.split()[0]
    alike = same_given_name(first_a, first_b) or _ratio(given_a, given_b) >= 0.75 or (
        (len(first_a) == 1 or len(first_b) == 1) and first_a[0] == first_b[0])
    nickname = alike and _ratio(given_a, given_b) < 0.75 and same_given_name(first_a, first_b)
    return _ratio(family_a, family_b), alike, nickname


def _name_weight(a: RecordKeys, b: RecordKeys) -> tuple[float, float, bool]:
    similarity = fuzz.token_set_ratio(a.name_key, b.name_key) / 100
    judged, nickname = similarity, False
    if a.given and b.given and a.family and b.family:
        straight = _ratio(a.given, b.given) + _ratio(a.family, b.family)
        swapped = _ratio(a.given, b.family) + _ratio(a.family, b.given)
        if straight >= swapped:
            readings = [_parts(a.given, b.given, a.family, b.family)]
        else:
            readings = [_parts(a.given, b.family, a.family, b.given), _parts(a.family, b.given, a.given, b.family)]
        family, alike, nickname = max(readings, key=lambda r: (r[0] >= 0.8 and r[1], r[0], not r[2]))
        if family >= 0.8:
            if not alike:
                return -12.0, similarity, False
            judged = max(similarity, (1 + family) / 2)
        else:
            nickname = False
    for floor, weight in ((0.95, 4.0), (0.88, 3.0), (0.8, 1.5), (0.7, 0.0)):
        if judged >= floor:
            return weight, similarity, nickname
    return -6.0, similarity, nickname


def _plain_compare(a: RecordKeys, b: RecordKeys) -> Comparison:
    weight = 0.0
    if a.emails and b.emails:
        weight += 6.0 if any(e in b.emails for e in a.emails) else -1.0
    if a.phones and b.phones:
        weight += 5.0 if any(p in b.phones for p in a.phones) else -1.0
    similarity, nickname = None, False
    if a.name_key and b.name_key:
        if a.name_key == b.name_key:
            weight, similarity = weight + 4.0, 1.0
        else:
            name_weight, similarity, nickname = _name_weight(a, b)
            weight += name_weight
    if a.postal and b.postal:
        weight += 1.5 if a.postal == b.postal else -1.5
    if a.reference and a.reference == b.reference:
        weight += 3.0 if a.account == b.account else 0.5
    alike = False
    if a.company and b.company:
        alike = a.company == b.company or fuzz.token_set_ratio(a.company, b.company) >= 90
        weight += 1.0 if alike else -0.5
    return Comparison(weight, similarity, nickname, alike)


def _person(given: str | None, family: str | None, email: str | None = None, **more: object) -> tuple[str, Customer]:
    return "square", Customer(id=f"{given}-{family}-{email}", given_name=given, family_name=family, email=email,
                              address=Address(postal_code="94103"), **more)   # type: ignore[arg-type]


def test_compare_weighs_every_pair_as_the_plain_rules_do() -> None:
    records = [(r.account, r.customer) for r in labelled_customers(51, 400).records]
    records += [  # the name readings one by one: swapped, initials, nicknames, households, several words
        _person("John", "Smith", "j@example.com"), _person("Smith", "John", "j@example.com"),
        _person("J", "Smith", "j@example.com"), _person("Bob", "Smith"), _person("Robert", "Smith"),
        _person("Jane", "Doe", "doe@example.com"), _person("John", "Doe", "doe@example.com"),
        _person("Mary Ann", "van der Berg"), _person("Berg", "Mary Ann van der"), _person(None, "Smith"),
        _person("Jon", "Smyth", company="Acme Ltd"), _person("John", "Smith", company="ACME Ltd."),
        _person("Ann", "Lee", emails=(ContactPoint(id="e", value="x@example.com"),
                                      ContactPoint(id="f", value="j@example.com"))),
    ]
    maker = KeyMaker()
    keys = [maker.keys(account, customer) for account, customer in records]
    pairs = candidate_pairs(records) | set(itertools.combinations(range(len(records) - 13, len(records)), 2))
    pairs |= {(i, i + 1) for i in range(len(records) - 1)}
    assert len(pairs) > 500
    for i, j in sorted(pairs):
        assert compare(keys[i], keys[j]) == _plain_compare(keys[i], keys[j]), (records[i], records[j])
        assert compare(keys[j], keys[i]) == _plain_compare(keys[j], keys[i])
