"""Card numbers in free text: found with any separator, refused in every provider's free-text fields."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from console.domain.capabilities import FieldKind, FieldSpec
from console.domain.card_numbers import contains_card_number, luhn_ok, mask_card_numbers
from console.domain.validation import card_number_fields, check_value
from console.providers.registry import providers


def with_check_digit(body: str) -> str:
    """`body` plus the digit that makes it pass the Luhn check."""
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


card_numbers = st.integers(min_value=12, max_value=18).flatmap(
    lambda n: st.text("0123456789", min_size=n, max_size=n)).map(with_check_digit)


@pytest.mark.parametrize("text", [
    "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4111.1111.1111.1111",
    "4111_1111_1111_1111", "card: 378282246310005 thanks", "4111 1111 1111 1111 exp 12/27",
    "4111 1111 1111 1111 1227",  # the expiry typed straight after, as a fifth group
    "6011000990139424", "3056930009020004",  # 16 and 14 digits
])
def test_card_numbers_are_found_whatever_separates_their_digits(text: str) -> None:
    assert contains_card_number(text)
    assert "[CARD …" in mask_card_numbers(text)


@pytest.mark.parametrize("text", [
    "4111111111111112",            # fails the Luhn check
    "order 202612010001",          # 12 digits
    "41111111111111111111234",     # one unbroken run of 23 digits: a tracking number
    "2026-12-01 10:00", "+1 206 555 0100", "",
    "41111111-1111-1111-abcd-abcdefabcdef",   # a UUID (an idempotency key) whose digits pass Luhn
    "key=4111111111111111abcdabcdefabcdef",    # the same as 32 hex digits
])
def test_other_numbers_are_not_card_numbers(text: str) -> None:
    assert not contains_card_number(text)
    assert mask_card_numbers(text) == text


@given(card_numbers, st.sampled_from([" ", ".", "-", "_", ""]))
@example(with_check_digit("411111111111"), " ")          # 13 digits, the shortest
@example(with_check_digit("411111111111111111"), "_")    # 19 digits, the longest
def test_any_valid_number_is_masked_to_its_last_four(number: str, sep: str) -> None:
    grouped = sep.join(number[i:i + 4] for i in range(0, len(number), 4))
    masked = mask_card_numbers(f"note {grouped} end")
    assert masked == f"note [CARD …{number[-4:]}] end"


def _free_text_specs() -> list[tuple[str, FieldSpec]]:
    found = []
    for info in providers():
        caps = info.capabilities
        for spec in (*caps.fields, *(f for c in caps.collections for f in c.fields)):
            too_short = spec.max_length is not None and spec.max_length < 13  # a postal code
            if spec.kind in (FieldKind.TEXT, FieldKind.MULTILINE, FieldKind.KEY_VALUE) and spec.editable \
                    and not spec.choices and not spec.pattern and not too_short:
                found.append((f"{info.key}.{spec.key}", spec))
    return found


FREE_TEXT = _free_text_specs()


@pytest.mark.parametrize(("name", "spec"), FREE_TEXT, ids=[n for n, _ in FREE_TEXT])
def test_every_free_text_field_of_every_provider_refuses_a_card_number(name: str, spec: FieldSpec) -> None:
    card = "4111 1111 1111 1111"
    value: object = {"memo": card} if spec.kind is FieldKind.KEY_VALUE else card
    if spec.max_length is not None and len(card) > spec.max_length:
        value = "4111111111111111" if spec.max_length >= 16 else with_check_digit("422222222222")
    problem = check_value(spec, value)
    assert problem is not None and "card number" in problem.message
    assert card_number_fields((spec,), {spec.key: value}) == {spec.key: problem.message.split(": ", 1)[-1]}


def test_the_list_of_free_text_fields_covers_every_provider() -> None:
    assert {name.split(".")[0] for name, _ in FREE_TEXT} == {info.key for info in providers()}
