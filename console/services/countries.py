"""ISO 3166 countries from pycountry: the names staff type and the two-letter codes providers take."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Names people use that are not in ISO 3166's own lists.
_ALIASES = {"UK": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB", "SCOTLAND": "GB", "WALES": "GB",
            "AMERICA": "US", "U.S.": "US", "U.S.A.": "US", "HOLLAND": "NL"}
_NAME_AND_CODE = re.compile(r"(.*)\(([A-Za-z]{2})\)\s*")


@dataclass(frozen=True, slots=True)
class Country:
    code: str     # ISO 3166-1 alpha-2, what the providers store
    name: str     # the everyday name ("Bolivia", not "Bolivia, Plurinational State of")

    @property
    def shown(self) -> str:
        """How a chooser lists it: 'United States (US)'."""
        return f"{self.name} ({self.code})"


@functools.cache
def countries() -> tuple[Country, ...]:
    """Every ISO 3166-1 country, by name."""
    import pycountry  # its data loads on import (about 10 ms): not at start-up, when a country is first asked for

    found = [Country(c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    return tuple(sorted(found, key=lambda c: c.name.casefold()))


@functools.cache
def _by_code() -> dict[str, Country]:
    return {c.code: c for c in countries()}


def country(text: str | None) -> Country | None:
    """The country `text` names: a code ('us', 'USA'), a name ('United States') or 'Name (CC)'."""
    text = (text or "").strip()
    if not text:
        return None
    if match := _NAME_AND_CODE.fullmatch(text):
        text = match.group(2)
    alias = _ALIASES.get(text.upper())
    if alias is not None:
        return _by_code()[alias]
    try:
        import pycountry

        found = pycountry.countries.lookup(text)
    except LookupError:
        return next((c for c in countries() if c.name.casefold() == text.casefold()), None)
    return _by_code().get(found.alpha_2)
