"""Scoring two customers as one person: each record's normalised keys, then weighed evidence -> 0..1.

Agreement and disagreement on each field add or take away weight (email +6, phone +5, the name by
its rapidfuzz token-set similarity from -6 to +4, postal code ±1.5, ...); a family name shared with a
clearly different given name ("Jane Doe" / "John Doe" on one family email) takes away 12, since that is
the usual household look-alike. The weight becomes a score by a logistic curve centred on 4.5, so
the default threshold 0.5 asks for about a name plus one contact detail, or two contact details.
Every part is symmetric, so the score is the same whichever record comes first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz

from console.domain.customer import Customer
from console.domain.duplicate_keys import (
    company_key,
    email_key,
    name_parts,
    phone_key,
    postal_key,
    reference_key,
    sound_key,
)
from console.domain.nicknames import same_given_name

DEFAULT_THRESHOLD = 0.5
_CENTRE, _SPREAD = 4.5, 1.5


@dataclass(frozen=True, slots=True)
class RecordKeys:
    """One record's normalised keys, computed once per scan."""

    account: str
    name: str          # the person's name as shown in reasons ("" when none)
    given: str         # folded given-name words
    family: str        # folded family-name words
    name_key: str      # folded words, sorted
    sound: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    postal: str | None
    company: str | None
    company_shown: str
    reference: str | None


def record_keys(account: str, customer: Customer, region: str) -> RecordKeys:
    """The keys of `customer` of `account`; national phone numbers are read in `region`."""
    given = " ".join(name_parts(customer.given_name, None))
    family = " ".join(name_parts(None, customer.family_name))
    emails = [customer.email, *(point.value for point in customer.emails)] if customer.emails else [customer.email]
    phones = [customer.phone, *(point.value for point in customer.phones)] if customer.phones else [customer.phone]
    address = customer.address
    return RecordKeys(
        account=account, name=customer.full_name, given=given, family=family,
        name_key=" ".join(sorted(f"{given} {family}".split())),
        sound=sound_key(customer.given_name, customer.family_name),
        emails=_unique(email_key(e) for e in emails if e), phones=_unique(phone_key(p, region) for p in phones if p),
        postal=postal_key(address.postal_code) if address is not None else None,
        company=company_key(customer.company), company_shown=customer.company or "",
        reference=reference_key(customer.reference_id))


def _unique(keys: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for k in keys if k))  # type: ignore[attr-defined]


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100


def _given_alike(a: str, b: str) -> bool:
    """Given names that can be one person's: alike spelling, a nickname, or an initial."""
    first_a, first_b = a.split()[0], b.split()[0]
    if same_given_name(first_a, first_b) or _ratio(a, b) >= 0.75:
        return True
    return (len(first_a) == 1 or len(first_b) == 1) and first_a[0] == first_b[0]


def _name_weight(a: RecordKeys, b: RecordKeys) -> tuple[float, float, bool]:
    """The name's weight, its token-set similarity (0..1), and whether the given names are one name's
    forms ("Bob" / "Robert"); the parts aligned straight or swapped ("Smith John" / "John Smith")."""
    similarity = fuzz.token_set_ratio(a.name_key, b.name_key) / 100
    judged, nickname = similarity, False
    if a.given and b.given and a.family and b.family:
        straight = _ratio(a.given, b.given) + _ratio(a.family, b.family)
        swapped = _ratio(a.given, b.family) + _ratio(a.family, b.given)
        given_b, family_b = (b.given, b.family) if straight >= swapped else (b.family, b.given)
        family = _ratio(a.family, family_b)
        if family >= 0.8:
            if not _given_alike(a.given, given_b):
                return -12.0, similarity, False     # one family, two people (a shared household email)
            nickname = _ratio(a.given, given_b) < 0.75 and same_given_name(a.given.split()[0], given_b.split()[0])
            judged = max(similarity, (1 + family) / 2)
    if judged >= 0.95:
        return 4.0, similarity, nickname
    if judged >= 0.88:
        return 3.0, similarity, nickname
    if judged >= 0.8:
        return 1.5, similarity, nickname
    return (0.0 if judged >= 0.7 else -6.0), similarity, nickname


def weigh(a: RecordKeys, b: RecordKeys) -> float:
    """The evidence that `a` and `b` are one person, as a weight (positive: more likely)."""
    weight = 0.0
    if a.emails and b.emails:
        weight += 6.0 if not set(a.emails).isdisjoint(b.emails) else -1.0
    if a.phones and b.phones:
        weight += 5.0 if not set(a.phones).isdisjoint(b.phones) else -1.0
    if a.name_key and b.name_key:
        weight += _name_weight(a, b)[0]
    if a.postal and b.postal:
        weight += 1.5 if a.postal == b.postal else -1.5
    if a.reference and a.reference == b.reference:
        weight += 3.0 if a.account == b.account else 0.5   # merchants' own ids collide across systems
    if a.company and b.company:
        weight += 1.0 if fuzz.token_set_ratio(a.company, b.company) >= 90 else -0.5
    return weight


def score_of(weight: float) -> float:
    return 1 / (1 + math.exp(-(weight - _CENTRE) / _SPREAD))


def score(a: RecordKeys, b: RecordKeys) -> float:
    """The pair's score, 0..1."""
    return score_of(weigh(a, b))


def reasons(a: RecordKeys, b: RecordKeys) -> tuple[str, ...]:
    """What the two records share, in words staff can check."""
    out = [f"same email (normalised): {e}" for e in a.emails if e in b.emails]
    out += [f"phone {p} in both" for p in a.phones if p in b.phones]
    if a.name_key and b.name_key:
        _, similarity, nickname = _name_weight(a, b)
        out.append(f"names {math.floor(similarity * 100)}% alike: {a.name} / {b.name}")
        if nickname:
            out.append(f"given names are forms of one name: {a.name} / {b.name}")
    if a.postal and a.postal == b.postal:
        out.append(f"same postal code: {a.postal.upper()}")
    if a.reference and a.reference == b.reference:
        out.append(f"same reference id: {a.reference}")
    if a.company and b.company and fuzz.token_set_ratio(a.company, b.company) >= 90:
        out.append(f"companies alike: {a.company_shown} / {b.company_shown}")
    return tuple(out)
