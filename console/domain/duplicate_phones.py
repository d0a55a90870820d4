"""The common shapes of phone numbers put in E.164 without phonenumbers' full parse (60 µs a number).

A duplicate scan reads every customer's phone: 400,000 of them in P17. Two shapes cover most: North
American numbers read in the US or Canada ("(415) 555-0123", "1-415-555-0123", "+1 415 555 0123"),
and numbers written with "+" and their country code, in digit groups ("+44 20 7946 0123"). For the
second the answer is what phonenumbers' parse gives when the country's national prefix ("0" in
"+44 020 ...") is not there to strip: "+" and the digits, if the country's numbering plan allows their
length; and no number at all when no country code follows the "+". Anything else, that prefix
included, is left to phonenumbers (`None` here). A property test checks these answers against
phonenumbers on generated numbers.
"""

from __future__ import annotations

import functools
import re

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

_NANP = re.compile(r"(?:\+?1)?[ .\-]*\(?([2-9][0-9]{2})\)?[ .\-]*([0-9]{3})[ .\-]*([0-9]{4})")
_INTERNATIONAL = re.compile(r"\+[1-9][0-9]*(?:[ .\-][0-9]+)*")   # digit groups, one separator between
_NOT_DIGIT = re.compile(r"[^0-9]+")
NO_NUMBER = ""   # phonenumbers would find no possible number
_MAX_NSN = 17   # phonenumbers' longest national number


@functools.cache
def _plan(lead: str) -> tuple[int, re.Pattern[str] | None, frozenset[int]] | bool | None:
    """For digits after "+" starting with `lead` (three digits): the country code's length, the
    country's national prefix as phonenumbers reads it, and its numbers' possible lengths; False
    when they start with no country code, None when its plan is unknown."""
    for size in (1, 2, 3):   # phonenumbers' order: the shortest known code wins
        code = int(lead[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE and lead[0] != "0":
            break
    else:
        return False
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, phonenumbers.region_code_for_country_code(code))
    if metadata is None or metadata.general_desc is None:
        return None
    prefix = metadata.national_prefix_for_parsing
    general = metadata.general_desc
    lengths = frozenset(general.possible_length) | frozenset(general.possible_length_local_only or ())
    return size, (re.compile(prefix) if prefix else None), lengths


def fast_e164(text: str, region: str) -> str | None:
    """`text` (stripped) in E.164 when it has one of the common shapes, NO_NUMBER when phonenumbers
    would find no possible number in it; None: ask phonenumbers."""
    if region in ("US", "CA") and (match := _NANP.fullmatch(text)):
        return "+1" + "".join(match.groups())
    if text[:1] != "+":
        return None
    digits = _NOT_DIGIT.sub("", text)
    plan = _plan(digits[:3]) if len(digits) >= 3 else False
    if not isinstance(plan, tuple):
        # No country code after "+" (or too few digits): phonenumbers answers no number, but only after
        # catching its own exception in a reference cycle that would keep every caller's frame alive.
        return NO_NUMBER if plan is not None or len(digits) < 3 else None
    if not _INTERNATIONAL.fullmatch(text):
        return None
    size, prefix, lengths = plan
    national = digits[size:]
    if prefix is not None and prefix.match(national):
        return None
    return "+" + digits if 2 <= len(national) <= _MAX_NSN and len(national) in lengths else NO_NUMBER
