"""Scoring two customers as one person: each record's normalised keys, then weighed evidence -> 0..1.

Agreement and disagreement on each field add or take away weight (email +6, phone +5, the name by
its rapidfuzz token-set similarity from -6 to +4, postal code ±1.5, ...); a family name shared with a
clearly different given name ("Jane Doe" / "John Doe" on one family email) takes away 12, since that is
the usual household look-alike. The weight becomes a score by a logistic curve centred on 4.5, so
the default threshold 0.5 asks for about a name plus one contact detail, or two contact details.
Every part is symmetric, so the score is the same whichever record comes first.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter
from typing import Any, NamedTuple

from rapidfuzz.fuzz import ratio as _fuzz_ratio
from rapidfuzz.fuzz import token_set_ratio as _token_set_ratio

from console.domain.duplicate_keys import email_key, name_parts, phone_key, postal_key, reference_key, soundex
from console.domain.lock_steps import let_go
from console.domain.nicknames import same_given_name
from console.domain.scan_customer import Scanned
from console.services.phone_display import DEFAULT_REGION, country_region

DEFAULT_THRESHOLD = 0.5
_first, _second, _third, _fourth = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)
_CENTRE, _SPREAD = 4.5, 1.5


class RecordKeys(NamedTuple):
    """One record's normalised keys, computed once per scan (a named tuple: 500,000 are made quickly)."""

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


_new_keys = functools.partial(tuple.__new__, RecordKeys)   # RecordKeys of a tuple of its fields, in C


class NameKeys(NamedTuple):
    """A name's keys, made once per distinct (given, family) name a scan meets."""

    given: str
    family: str
    name_key: str
    sound: str | None


Blocking = tuple[tuple[str, ...], tuple[str, ...], str | None, str | None]   # emails, phones, sound|postal, reference


class Memo(dict[Any, Any]):
    """A dict that makes a missing value with `make` and keeps it: `memo[key]` and map(memo.__getitem__, ...)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


class KeyMaker:
    """Makes records' keys, remembering the parts that repeat (name words, sound-alikes, postal codes,
    countries): a scan of 500,000 customers meets only a few thousand distinct given and family names."""

    def __init__(self, regions: Mapping[str, str] | None = None) -> None:
        self.regions = regions or {}
        # Memos of memos, never of self: a memo holding a bound method would make a reference cycle, and
        # the scan's memos would then wait for a collection to be freed.
        words_of = self.words_of = Memo(lambda text: " ".join(name_parts(text, None)))   # raw -> folded words
        soundex_of = Memo(soundex)
        sound_of = self.sound_of = Memo(lambda words: _sound(words, soundex_of))   # folded words -> sound-alike
        # (folded given, folded family) -> NameKeys, then (given, family) as written -> the same NameKeys
        folded_names_of = self.folded_names_of = Memo(lambda folded: _names(folded, sound_of))
        self.names_of = Memo(lambda written: folded_names_of[words_of[written[0]], words_of[written[1]]])
        self.postal_of = Memo(postal_key)
        self.kept_text = Memo(lambda text: text or None)   # a kept key ("" for none) -> one string per value
        self.company_of = Memo(lambda text: (words_of[text] or None) if text else None)   # raw -> folded words
        self._countries = Memo(country_region)   # an address's country as written -> where phones are read

    def let_go(self) -> None:
        """Empty the memos a step at a time (lock_steps.py): a scan's hold a hundred thousand entries."""
        let_go(self.words_of, self.sound_of, self.folded_names_of, self.names_of, self.postal_of, self.kept_text,
               self.company_of, self._countries)

    def region(self, account: str, customer: Scanned) -> str:
        """The account's country, else the customer's address country, else the default."""
        region = self.regions.get(account)
        if region:
            return region
        address = customer.address
        return self._countries[address.country] if address else DEFAULT_REGION

    def regions_of(self, accounts: Iterable[str], addresses: Iterable[Any]) -> list[str]:
        """`region` of many records at once, from their accounts and addresses (made in C's loops)."""
        countries = [address.country if address else None for address in addresses]
        found = list(map(self._countries.__getitem__, countries))
        if not self.regions:
            return found
        return [self.regions.get(account) or region for account, region in zip(accounts, found, strict=True)]

    def blocking(self, account: str, customer: Scanned) -> Blocking:
        """What `customer` is blocked by: the few keys the scan makes for every record."""
        # The scan calls this for every record: cached parts first, few calls, no tuples but the answer.
        address = customer.address
        postal = self.postal_of[address.postal_code] if address is not None else None
        if customer.emails or customer.phones:
            region = self.region(account, customer)
            emails = _unique([email_key(e) for e in (customer.email, *(p.value for p in customer.emails)) if e])
            phones = _unique([phone_key(p, region) for p in (customer.phone, *(p.value for p in customer.phones)) if p])
        else:
            email = email_key(customer.email) if customer.email else None
            phone = phone_key(customer.phone, self.region(account, customer)) if customer.phone else None
            emails, phones = (email,) if email else (), (phone,) if phone else ()
        sound = self.names_of[customer.given_name, customer.family_name].sound if postal else None
        return emails, phones, f"{sound}|{postal}" if sound else None, reference_key(customer.reference_id)

    def keys(self, account: str, customer: Scanned, blocking: Blocking | None = None) -> RecordKeys:
        """The keys of `customer` of `account`; `blocking`: what `blocking` said of it, when known."""
        emails, phones, _, reference = blocking or self.blocking(account, customer)
        given, family, name_key, sound = self.names_of[customer.given_name, customer.family_name]
        address = customer.address
        return RecordKeys(
            account, customer.full_name, given, family, name_key, sound, emails, phones,
            self.postal_of[address.postal_code] if address is not None else None,
            self.company_of[customer.company], customer.company or "", reference)


    def keys_of_many(self, accounts: Iterable[str], names: Iterable[NameKeys],
                     emails: Iterable[tuple[str, ...]], phones: Iterable[tuple[str, ...]],
                     postals: Iterable[str | None], companies: Iterable[str | None],
                     references: Iterable[str | None]) -> list[RecordKeys]:
        """Records' keys for scoring, from what their blocking keys were made of, a column each: `names`
        as `names_of` gives them, `postals` as `postal_of`, `companies` as `company_of`, the contacts as
        `blocking`.

        Made a column at a time in C (a scan makes 200,000). The name and company as shown are left
        empty: `compare` does not read them, and reasons are made from `keys`."""
        names = list(names)
        empty = itertools.repeat("")
        return list(map(_new_keys, zip(accounts, empty, map(_first, names), map(_second, names),
                                       map(_third, names), map(_fourth, names), emails, phones, postals, companies,
                                       empty, references, strict=False)))


def _sound(words: str, soundex_of: Memo) -> str | None:
    codes = sorted(map(soundex_of.__getitem__, words.split()))
    return " ".join(codes) if codes else None


def _names(folded: tuple[str, str], sound_of: Memo) -> NameKeys:
    given, family = folded
    full = f"{given} {family}".strip()
    return NameKeys(given, family, " ".join(sorted(full.split())), sound_of[full])


def _unique(keys: list[str | None]) -> tuple[str, ...]:
    if len(keys) == 1:
        return (keys[0],) if keys[0] else ()
    return tuple(dict.fromkeys(k for k in keys if k))


def _ratio(a: str, b: str) -> float:
    return _fuzz_ratio(a, b) / 100


def _parts(given_a: str, given_b: str, given: float, family: float) -> tuple[float, bool, bool]:
    """Names with their parts paired as given (`given`, `family`: how alike the paired parts are, 0..1):
    how alike the families are, whether the given names can be one person's (alike spelling, a nickname,
    or an initial), and whether only as one name's forms ("Bob" / "Robert")."""
    first_a, first_b = given_a.split()[0], given_b.split()[0]
    same = same_given_name(first_a, first_b)
    alike = same or given >= 0.75 or ((len(first_a) == 1 or len(first_b) == 1) and first_a[0] == first_b[0])
    return family, alike, alike and given < 0.75 and same


def _reading(reading: tuple[float, bool, bool]) -> tuple[bool, float, bool]:
    family, alike, nickname = reading
    return family >= 0.8 and alike, family, not nickname


def _name_weight(a: RecordKeys, b: RecordKeys) -> tuple[float, float, bool]:
    """The name's weight, its token-set similarity (0..1), and whether the given names are one name's
    forms ("Bob" / "Robert"); the parts paired straight or swapped ("Smith John" / "John Smith")."""
    similarity = _token_set_ratio(a.name_key, b.name_key) / 100
    judged, nickname = similarity, False
    given_a, family_a, given_b, family_b = a.given, a.family, b.given, b.family
    if given_a and given_b and family_a and family_b:
        # Each pairing's likeness once (a scan weighs tens of thousands of names).
        given, family = _ratio(given_a, given_b), _ratio(family_a, family_b)
        given_family, family_given = _ratio(given_a, family_b), _ratio(family_a, given_b)
        if given + family >= given_family + family_given:
            family, alike, nickname = _parts(given_a, given_b, given, family)
        else:   # which swapped part is the "given" one is unknown: both readings, so a-b is b-a
            family, alike, nickname = max(_parts(given_a, family_b, given_family, family_given),
                                          _parts(family_a, given_b, family_given, given_family), key=_reading)
        if family >= 0.8:
            if not alike:
                return -12.0, similarity, False     # one family, two people (a shared household email)
            judged = max(similarity, (1 + family) / 2)
        else:
            nickname = False
    if judged >= 0.95:
        return 4.0, similarity, nickname
    if judged >= 0.88:
        return 3.0, similarity, nickname
    if judged >= 0.8:
        return 1.5, similarity, nickname
    return (0.0 if judged >= 0.7 else -6.0), similarity, nickname


class Comparison(NamedTuple):
    """Two records weighed: the evidence, and what the reasons need of the names.
    (A named tuple: a scan weighs a hundred thousand pairs and more.)"""

    weight: float
    name_similarity: float | None
    nickname: bool
    companies_alike: bool = False

    @property
    def score(self) -> float:
        return score_of(self.weight)


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return any(value in b for value in a)


_new_comparison = functools.partial(tuple.__new__, Comparison)   # a Comparison of a tuple of its fields, in C


def compare(a: RecordKeys, b: RecordKeys) -> Comparison:
    """The evidence that `a` and `b` are one person (positive weight: more likely)."""
    # A scan compares 150,000 pairs: each record's fields read at once, the weights added in a fixed order.
    account_a, _, _, _, name_a, _, emails_a, phones_a, postal_a, company_a, _, reference_a = a
    account_b, _, _, _, name_b, _, emails_b, phones_b, postal_b, company_b, _, reference_b = b
    weight = 0.0
    if emails_a and emails_b:   # most records have one email and one phone
        weight += 6.0 if emails_a[0] in emails_b or (len(emails_a) > 1 and _shared(emails_a, emails_b)) else -1.0
    if phones_a and phones_b:
        weight += 5.0 if phones_a[0] in phones_b or (len(phones_a) > 1 and _shared(phones_a, phones_b)) else -1.0
    similarity, nickname = None, False
    if name_a and name_b:
        if name_a == name_b:
            weight, similarity = weight + 4.0, 1.0
        else:
            name_weight, similarity, nickname = _name_weight(a, b)
            weight += name_weight
    if postal_a and postal_b:
        weight += 1.5 if postal_a == postal_b else -1.5
    if reference_a and reference_a == reference_b:
        weight += 3.0 if account_a == account_b else 0.5   # merchants' own ids collide across systems
    alike = False
    if company_a and company_b:
        alike = company_a == company_b or _token_set_ratio(company_a, company_b) >= 90
        weight += 1.0 if alike else -0.5
    return _new_comparison((weight, similarity, nickname, alike))


def score_of(weight: float) -> float:
    return 1 / (1 + math.exp(-(weight - _CENTRE) / _SPREAD))


def score(a: RecordKeys, b: RecordKeys) -> float:
    """The pair's score, 0..1."""
    return compare(a, b).score


def reasons(a: RecordKeys, b: RecordKeys, compared: Comparison | None = None) -> tuple[str, ...]:
    """What the two records share, in words staff can check."""
    compared = compared or compare(a, b)
    out = [f"same email (normalised): {e}" for e in a.emails if e in b.emails] if a.emails and b.emails else []
    if a.phones and b.phones:
        out += [f"phone {p} in both" for p in a.phones if p in b.phones]
    if compared.name_similarity is not None:
        out.append(f"names {math.floor(compared.name_similarity * 100)}% alike: {a.name} / {b.name}")
        if compared.nickname:
            out.append(f"given names are forms of one name: {a.name} / {b.name}")
    if a.postal and a.postal == b.postal:
        out.append(f"same postal code: {a.postal.upper()}")
    if a.reference and a.reference == b.reference:
        out.append(f"same reference id: {a.reference}")
    if compared.companies_alike:
        out.append(f"companies alike: {a.company_shown} / {b.company_shown}")
    return tuple(out)


def weight_of(score: float) -> float:
    """The weight whose score is `score` (0 < score < 1): the inverse of `score_of`."""
    return _CENTRE + _SPREAD * math.log(score / (1 - score))
