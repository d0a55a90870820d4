"""The normalised keys duplicates are found by: email, phone, name, a name sound-alike, postal code,
company and reference id. Pure functions; each answers None when there is nothing to compare.

The sound-alike is American Soundex of each folded name part, sorted: Soundex keeps a name's first
letter and the shape of its consonants, so vowel typos ("Jon"/"John", "Smyth"/"Smith") and doubled
letters meet, and sorting the parts makes "Smith John" meet "John Smith". It is a blocking key only
(which records are compared at all); the score decides.
"""

from __future__ import annotations

import re

from console.domain.duplicate_phones import fast_e164
from console.domain.text_folding import fold
from console.domain.validation import to_e164

# Gmail ignores dots and "+tags" in the local part; other providers may not, so only these are folded.
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_NOT_NAME = re.compile(r"[^\w\s]+")
_SPACE_OR_DASH = re.compile(r"[\s\-_/.,]+")
_NOT_KEY = re.compile(r"[^0-9a-z]+")
_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556")


def email_key(text: str | None) -> str | None:
    """The address lower-cased; at Gmail-style domains also without dots and "+tag" in the local part."""
    text = (text or "").strip()
    if not (text.isascii() and text.islower()):   # most addresses are written in lower case: no copy made then
        text = text.lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain:
        return None
    if domain in GMAIL_DOMAINS:
        local = local.partition("+")[0].replace(".", "")
        domain = "gmail.com"   # googlemail.com delivers to the same mailbox
        return f"{local}@{domain}" if local else None
    return text   # local@domain as it stands


def phone_key(text: str | None, region: str = "US") -> str | None:
    """The number in E.164, national numbers read in `region` (the account's country)."""
    text = (text or "").strip()
    if not text:
        return None
    # The common shapes without phonenumbers' parse (a scan reads 400,000 phones), the rest through it.
    found = fast_e164(text, region)
    if found is None:
        found = to_e164(text, region)
    return found or None


def name_parts(given: str | None, family: str | None) -> tuple[str, ...]:
    """The folded words of a name, punctuation dropped ("O'Brien-Smith" -> "obrien", "smith")."""
    text = fold(f"{given or ''} {family or ''}")
    return tuple(_NOT_NAME.sub("", word) for word in _SPACE_OR_DASH.split(text) if _NOT_NAME.sub("", word))


def name_key(given: str | None, family: str | None) -> str | None:
    """The name with case, accents and word order folded: "Élodie Chevalier" == "chevalier elodie"."""
    parts = name_parts(given, family)
    return " ".join(sorted(parts)) if parts else None


def soundex(word: str) -> str:
    """American Soundex of a folded word: its first letter and three consonant-class digits."""
    letters = "".join(ch for ch in word if "a" <= ch <= "z")
    if not letters:
        return ""
    codes = letters.translate(_SOUNDEX)
    out, last = [letters[0]], codes[0]
    for letter, code in zip(letters[1:], codes[1:], strict=True):
        if code.isdigit() and code != last:
            out.append(code)
            if len(out) == 4:
                break
        if letter not in "hw":   # h and w do not separate two letters of one class; vowels do
            last = code
    return "".join(out).ljust(4, "0")


def sound_key(given: str | None, family: str | None) -> str | None:
    """The name's sound-alike: the Soundex codes of its parts, sorted."""
    codes = sorted(code for code in (soundex(part) for part in name_parts(given, family)) if code)
    return " ".join(codes) if codes else None


def postal_key(text: str | None) -> str | None:
    """The postal code without case, spaces or dashes ("sw1a 1aa" == "SW1A1AA"); US ZIP+4 as its ZIP."""
    key = _NOT_KEY.sub("", (text or "").lower())
    if len(key) == 9 and key.isdigit():
        key = key[:5]
    return key or None


def company_key(text: str | None) -> str | None:
    """The company name folded, words kept in order, punctuation dropped."""
    parts = name_parts(text, None)
    return " ".join(parts) if parts else None


def reference_key(text: str | None) -> str | None:
    """The merchant's own id, compared without case or surrounding spaces."""
    key = (text or "").strip().casefold()
    return key or None
