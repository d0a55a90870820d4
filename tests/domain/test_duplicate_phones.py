"""The phone fast path of duplicate keys gives phonenumbers' answer whenever it answers at all."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from console.domain.duplicate_keys import phone_key
from console.domain.duplicate_phones import NO_NUMBER, fast_e164
from console.domain.validation import to_e164

_REGIONS = st.sampled_from(["US", "CA", "GB", "DE", "FR", "IT", "AU", "MX", "AR", "BR", "RU", "IN", "JP"])
# Mostly the separators people type, sometimes odd ones (phonenumbers' answer may differ for those).
_SEPARATOR = st.sampled_from(["", " ", "-", "."]) | st.sampled_from(["  ", " - ", "\t", "/", "(", ")"])


@st.composite
def _north_american(draw: st.DrawFn) -> str:
    sep = draw(_SEPARATOR)
    area = draw(st.sampled_from("23456789") | st.sampled_from("01")) + draw(st.text("0123456789", min_size=2,
                                                                                   max_size=2))
    area = draw(st.sampled_from([area, f"({area})"]) | st.sampled_from([f"({area}", f"{area})"]))
    lead = draw(st.sampled_from(["", "1", "+1"]) | st.sampled_from(["+", "01", "011", "+1 1"]))
    lead_sep = draw(_SEPARATOR)
    exchange, line = draw(st.text("0123456789", min_size=3, max_size=3)), draw(st.text("0123456789", min_size=4,
                                                                                      max_size=4))
    more = draw(st.just("") | st.sampled_from(["0", "12"]))
    return f"{lead}{lead_sep}{area}{sep}{exchange}{sep}{line}{more}"


@st.composite
def _international(draw: st.DrawFn) -> str:
    code = draw(st.sampled_from([1, 44, 49, 33, 39, 61, 52, 54, 55, 7, 91, 81, 86, 353, 358])
                | st.sampled_from(sorted(COUNTRY_CODE_TO_REGION_CODE)) | st.integers(0, 999))
    prefix = draw(st.just("") | st.sampled_from(["0", "00", "1", "8", "9", "15", "(0)"]))
    national = draw(st.text("0123456789", min_size=6, max_size=12))
    cuts = sorted(draw(st.sets(st.integers(1, len(national) - 1), max_size=3)))
    groups = [national[a:b] for a, b in zip([0, *cuts], [*cuts, len(national)], strict=True)]
    return f"+{code}{draw(_SEPARATOR)}{prefix}{draw(_SEPARATOR).join(groups)}"


_anything = st.text("0123456789+-. ()/\t", max_size=20)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_north_american(), _international(), _anything), _REGIONS)
@example("+44 020 7946 0123", "GB")
@example("+33 01 23 45 67 89", "US")
@example("+1 212 555 0123 4", "US")
@example("415\t555 0123", "US")
@example("+999 123 4567", "US")
@example("+0 20 7946 0123", "GB")
@example("+2375559142", "US")
@example("+12", "US")
def test_the_fast_path_answers_as_phonenumbers_does(text: str, region: str) -> None:
    fast = fast_e164(text.strip(), region) if text.strip() else None
    if fast is not None:
        assert (fast or None) == to_e164(text, region)   # NO_NUMBER ("") where phonenumbers finds none
    assert phone_key(text, region) == (to_e164(text, region) if text.strip() else None)


def test_the_fast_path_takes_the_common_shapes_and_leaves_the_national_prefix_to_phonenumbers() -> None:
    assert fast_e164("(415) 555-0123", "US") == "+14155550123"
    assert fast_e164("+1 415 555 0123", "GB") == "+14155550123"
    assert fast_e164("+44 20 7946 0123", "US") == "+442079460123"
    assert fast_e164("+49-30-23125123", "US") == "+493023125123"
    assert fast_e164("+44 020 7946 0123", "US") is None     # "0" is the UK's national prefix: phonenumbers drops it
    assert phone_key("+44 020 7946 0123", "US") == "+442079460123"
    assert fast_e164("020 7946 0123", "GB") is None         # national numbers outside North America
    assert fast_e164("+999 123 4567", "US") == NO_NUMBER     # no such country code
