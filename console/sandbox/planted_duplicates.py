"""Duplicates planted in the demo data (issue 20), so Find duplicates has something true to show.

Three people are recorded twice in the Square demo account, and three more once each in Square, Clover
and Authorize.net, with the differences staff meet (a nickname, a typo, swapped names, another way of
writing the phone, capitals, an accent dropped, a field missing). Each seed writes them over its last
few generated customers, after drawing everything, so no other customer and no count changes.
Emails use example domains and phones the 555-01xx fiction range, like the rest of the demo data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Planted:
    given: str
    family: str
    email: str | None
    phone: str | None
    line1: str
    city: str
    state: str
    postal_code: str


_SF = ("1 Valencia Street", "San Francisco", "CA", "94110")
_SEA = ("77 Pine Street", "Seattle", "WA", "98101")
_PDX = ("12 Oak Avenue", "Portland", "OR", "97205")
_CHI = ("400 Market Street", "Chicago", "IL", "60606")
_BOS = ("9 Church Street", "Boston", "MA", "02108")
_ATL = ("5 Highland Ave", "Atlanta", "GA", "30307")

PLANTED: dict[str, tuple[Planted, ...]] = {
    "square": (
        # Within Square: three people recorded twice.
        Planted("Jon", "Smith", "jon.smith@example.com", "(415) 555-0142", *_SF),
        Planted("John", "Smith", "Jon.Smith@Example.com", "+1 415-555-0142", *_SF),
        Planted("Bob", "Fairweather", "bob.fairweather@example.org", "+1 206-555-0177", *_SEA),
        Planted("Robert", "Fairweather", None, "(206) 555-0177", *_SEA),
        Planted("Linh", "Nguyen", "linh.nguyen@example.net", "503-555-0188", *_PDX),
        Planted("Nguyen", "Linh", "linh.nguyen@example.net", None, *_PDX),
        # Across accounts: one record of each of three people (the others are at Clover and Authorize.net).
        Planted("Élodie", "Chevalier", "elodie.chevalier@example.com", "(617) 555-0161", *_BOS),
        Planted("Priya", "Patel", "priya.patel@example.org", "(312) 555-0118", *_CHI),
        Planted("Margaret", "O'Brien", "margaret.obrien@example.net", "(404) 555-0133", *_ATL),
    ),
    "clover": (
        Planted("Elodie", "Chevalier", "elodie.chevalier@example.com", "6175550161", *_BOS),
        Planted("Priya", "Patell", None, "312.555.0118", *_CHI),
        Planted("Maggie", "O'Brien", "margaret.obrien@example.net", "404-555-0133", *_ATL),
    ),
    "authorize-net": (
        Planted("Elodie", "Chevallier", "ELODIE.CHEVALIER@example.com", None, *_BOS),
        Planted("Patel", "Priya", "priya.patel@example.org", "(312) 555-0118", *_CHI),
        Planted("Margaret", "OBrien", "margaret.obrien@example.net", None, *_ATL),
    ),
}


def planted(provider: str, count: int) -> tuple[Planted, ...]:
    """The people to write over the last of `count` generated customers (none in a small seed)."""
    people = PLANTED.get(provider, ())
    return people if count >= 10 * len(people) else ()
