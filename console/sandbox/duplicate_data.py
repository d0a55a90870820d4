"""A seedable, labelled set of customers for measuring duplicate finding (P16, P17).

People come from the demo generator (names, places, companies); each gets an email and a phone of
its own (the demo's fiction ranges are too narrow for half a million people). Some people are
recorded again, often in another account, with the variations staff meet: typos, nicknames, first
and last names swapped, phones written another way, Gmail dots and +tags, capitals, accents dropped,
fields missing. Look-alikes that are not one person are planted too: a household sharing one email
(and often a phone and address), and the same name in another city. The label of every record is its
person: two records are one person exactly when their `person` is the same.

The emails at gmail.com and the phone numbers here are generated for measuring and never contacted.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from console.domain.customer import Address, Customer
from console.domain.nicknames import NICKNAMES
from console.domain.text_folding import fold
from console.sandbox.demo_data import Person, ascii_slug, generate_people

ACCOUNTS = ("square", "clover", "authorize-net", "payarc", "digital-river")
_SHORT_FORMS: dict[str, list[str]] = {}
for _short, _fulls in NICKNAMES.items():
    for _full in _fulls:
        if _short != _full:
            _SHORT_FORMS.setdefault(_full, []).append(_short)
_COUNTRY_CODES = {"GB": "44 20", "DE": "49 30", "FR": "33 1"}


@dataclass(frozen=True, slots=True)
class LabelledRecord:
    account: str
    customer: Customer
    person: int             # the same number: the same human being
    look_alike_of: int | None = None   # planted to look like this person without being them


@dataclass(frozen=True, slots=True)
class LabelledSet:
    records: list[LabelledRecord]

    def true_pairs(self) -> set[tuple[int, int]]:
        """Positions (i < j) of every two records of one person."""
        by_person: dict[int, list[int]] = {}
        for index, record in enumerate(self.records):
            by_person.setdefault(record.person, []).append(index)
        return {(a, b) for members in by_person.values() for n, a in enumerate(members) for b in members[n + 1:]}


def _phone(index: int, person: Person) -> str:
    """A phone of the person's country, unique to `index`, in the international form."""
    country = person.address.country
    if country in _COUNTRY_CODES:
        return f"+{_COUNTRY_CODES[country]} {1000 + index // 10_000:04d} {index % 10_000:04d}"
    area = 201 + (index // 10_000) % 780
    return f"+1 {area} 555 {index % 10_000:04d}" if area % 100 != 11 else f"+1 {area + 1} 555 {index % 10_000:04d}"


def _email(index: int, person: Person, rand: Callable[[], float]) -> str:
    local = f"{ascii_slug(person.given_name)}.{ascii_slug(person.family_name)}{index}"
    domain = "gmail.com" if rand() < 0.3 else ("example.com", "example.org", "example.net")[int(rand() * 3)]
    return f"{local}@{domain}"


def _customer(cid: str, person: Person, email: str | None, phone: str | None) -> Customer:
    a = person.address
    return Customer(id=cid, given_name=person.given_name, family_name=person.family_name, company=person.company,
                    email=email, phone=phone, reference_id=person.reference_id,
                    address=Address(line1=a.line1, city=a.city, state=a.state, postal_code=a.postal_code,
                                    country=a.country))


def _typo(word: str, rand: Callable[[], float]) -> str:
    if len(word) < 4:
        return word + word[-1]
    at = 1 + int(rand() * (len(word) - 2))
    kind = rand()
    if kind < 0.4:
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]   # two letters swapped
    if kind < 0.7:
        return word[:at] + word[at + 1:]                              # one dropped
    return word[:at] + word[at] + word[at:]                           # one doubled


def _reformat(phone: str, rand: Callable[[], float]) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.startswith("+1 "):
        national = digits[1:]
        shapes = (f"({national[:3]}) {national[3:6]}-{national[6:]}", national, f"{national[:3]}-{national[3:6]}-"
                  f"{national[6:]}", f"+{digits}", f"{national[:3]}.{national[3:6]}.{national[6:]}")
        return shapes[int(rand() * len(shapes))]
    return f"+{digits}" if rand() < 0.5 else phone.replace(" ", "-")


def _vary_email(email: str, rand: Callable[[], float]) -> str:
    local, _, domain = email.partition("@")
    if domain == "gmail.com" and rand() < 0.7:
        if rand() < 0.5:
            return f"{local.replace('.', '')}+shop@{domain}"
        return f"{local[:2]}.{local[2:]}@googlemail.com" if rand() < 0.3 else f"{local[:3]}.{local[3:]}@{domain}"
    return email.upper() if rand() < 0.3 else email.capitalize()


def _variant(record: Customer, cid: str, rand: Callable[[], float]) -> Customer:
    """The same person recorded again, with one to three of the usual differences."""
    given, family = record.given_name or "", record.family_name or ""
    email, phone, address, company = record.email, record.phone, record.address, record.company
    for _ in range(1 + int(rand() * 3)):
        change = rand()
        if change < 0.2:
            given, family = (_typo(given, rand), family) if rand() < 0.5 else (given, _typo(family, rand))
        elif change < 0.3 and _SHORT_FORMS.get(given.lower()):
            forms = _SHORT_FORMS[given.lower()]
            given = forms[int(rand() * len(forms))].capitalize()
        elif change < 0.4:
            given, family = family, given
        elif change < 0.55 and phone:
            phone = _reformat(phone, rand)
        elif change < 0.7 and email:
            email = _vary_email(email, rand)
        elif change < 0.8:
            given, family = _plain(given), _plain(family)
        elif change < 0.87 and phone:
            email = None          # one contact detail left out (never both)
        elif change < 0.94 and email:
            phone = None
        else:
            address, company = None, None
    return replace(record, id=cid, given_name=given, family_name=family, email=email, phone=phone,
                   address=address, company=company)


def _plain(word: str) -> str:
    folded = fold(word)
    return folded[:1].upper() + folded[1:] if folded.isascii() else word


def labelled_customers(seed: int, people: int, *, accounts: Sequence[str] = ACCOUNTS, duplicated: float = 0.2,
                       households: float = 0.03, namesakes: float = 0.03) -> LabelledSet:
    """About `people` people's records spread over `accounts`, a share `duplicated` recorded 2-3 times,
    with planted households and namesakes in another city. The same seed gives the same set."""
    rng = random.Random(seed)
    rand = rng.random
    crowd = generate_people(rng, people)
    records: list[LabelledRecord] = []
    for index, person in enumerate(crowd):
        account = accounts[int(rand() * len(accounts))]
        base = _customer(f"c{index}", person, _email(index, person, rand) if rand() < 0.9 else None,
                         _phone(index, person) if rand() < 0.8 else None)
        if base.email is None and base.phone is None:
            base = replace(base, email=_email(index, person, rand))
        records.append(LabelledRecord(account, base, index))
        if rand() < duplicated:
            for copy in range(1 + (rand() < 0.25)):
                other = accounts[int(rand() * len(accounts))]
                records.append(LabelledRecord(other, _variant(base, f"c{index}-d{copy}", rand), index))
        elif rand() < households:
            relative = crowd[(index * 7919 + 1) % len(crowd)]
            given = relative.given_name if relative.given_name != person.given_name else crowd[index - 1].given_name
            member = replace(base, id=f"c{index}-h", given_name=given, reference_id=None,
                             phone=base.phone if rand() < 0.5 else None)
            records.append(LabelledRecord(account, member, people + index, look_alike_of=index))
        elif rand() < namesakes:
            elsewhere = crowd[(index * 104729 + 3) % len(crowd)]
            namesake = _customer(f"c{index}-n", replace(elsewhere, given_name=person.given_name,
                                                        family_name=person.family_name),
                                 _email(2 * people + index, elsewhere, rand), _phone(2 * people + index, elsewhere))
            records.append(LabelledRecord(accounts[int(rand() * len(accounts))], namesake, 2 * people + index,
                                          look_alike_of=index))
    return LabelledSet(records)
