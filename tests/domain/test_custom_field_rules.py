"""The custom field value and definition rules, with Square's boundaries pinned as examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from console.domain import custom_field_rules as r
from console.domain.custom_fields import CustomFieldDefinition, CustomFieldType, SelectionOption
from console.domain.customer import Address

T = CustomFieldType


def definition(kind: CustomFieldType, **more: object) -> CustomFieldDefinition:
    return CustomFieldDefinition(key="k", name="Field", type=kind, description="d", **more)  # type: ignore[arg-type]


DRINKS = definition(T.SELECTION, max_selections=2, options=(
    SelectionOption(uid="u1", name="Tea"), SelectionOption(uid="u2", name="Coffee"),
    SelectionOption(uid="u3", name="Mate")))


@given(st.text(max_size=1200))
@example("a" * r.STRING_MAX)
@example("a" * (r.STRING_MAX + 1))
@example("")
def test_a_string_is_refused_exactly_when_longer_than_squares_limit(text: str) -> None:
    problem = r.value_problem(definition(T.STRING), text)
    if len(text) > r.STRING_MAX:
        assert problem is not None and f"{r.STRING_MAX}" in problem.message
    elif not r.contains_card_number(text):
        assert problem is None


def test_a_card_number_is_never_kept_in_a_text_field() -> None:
    assert r.value_problem(definition(T.STRING), "card 4111 1111 1111 1111") is not None


@given(st.decimals(allow_nan=False, allow_infinity=False, places=5,
                   min_value=-r.NUMBER_LIMIT, max_value=r.NUMBER_LIMIT))
@example(r.NUMBER_LIMIT)
@example(-r.NUMBER_LIMIT)
@example(Decimal("0.00001"))
def test_every_number_within_squares_range_and_precision_is_accepted(number: Decimal) -> None:
    assert r.value_problem(definition(T.NUMBER), format(number, "f")) is None


@pytest.mark.parametrize(("text", "says"), [
    (format(r.NUMBER_LIMIT + Decimal("0.00001"), "f"), "Too large"),
    (format(-r.NUMBER_LIMIT - Decimal("0.00001"), "f"), "Too large"),
    ("1.123456", "5 digits"),
    ("1,5", "Enter a number"), ("1e5", "Enter a number"), ("", None), ("12", None), ("-0.5", None),
    (".5", "Enter a number"), ("5.", "Enter a number"), ("+5", "Enter a number"),
])
def test_number_boundaries(text: str, says: str | None) -> None:
    problem = r.value_problem(definition(T.NUMBER), text)
    assert (problem is None) if says is None else (problem is not None and says in problem.message)


@given(st.text(alphabet="0123456789-+.,e _ ١", max_size=12))
@example("1.5 ")
@example("١٢")
def test_whatever_is_accepted_as_a_number_is_a_plain_decimal_square_can_keep(text: str) -> None:
    if text and r.value_problem(definition(T.NUMBER), text) is None:
        number = Decimal(text)
        assert text.isascii() and text.strip() == text and "e" not in text and "," not in text
        assert abs(number) <= r.NUMBER_LIMIT and -number.as_tuple().exponent <= r.NUMBER_DECIMALS  # type: ignore[operator]


@given(st.dates())
@example(dt.date(2024, 2, 29))
@example(dt.date(1, 1, 1))
def test_every_real_day_is_a_date(day: dt.date) -> None:
    assert r.value_problem(definition(T.DATE), day.isoformat()) is None


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13-01", "2024-00-10", "24-01-01", "2024/01/01", "01-31"])
def test_dates_that_do_not_exist_or_are_not_iso_are_refused(text: str) -> None:
    assert r.value_problem(definition(T.DATE), text) is not None


def test_a_phone_must_be_e164_and_a_typed_one_is_offered_in_that_form() -> None:
    phone = definition(T.PHONE)
    assert r.value_problem(phone, "+12065550100") is None
    problem = r.value_problem(phone, "+1 (206) 555-0100")
    assert problem is not None and problem.suggestion == "+12065550100"
    assert r.value_problem(phone, "hello") is not None
    assert r.value_problem(phone, "+1234567890123456") is not None   # 16 digits: beyond E.164


@given(st.from_regex(r"\+[1-9][0-9]{1,14}", fullmatch=True))
def test_an_accepted_phone_is_always_e164(text: str) -> None:
    if r.value_problem(definition(T.PHONE), text) is None:
        assert r.to_e164(text) == text


def test_email_is_checked_and_limited() -> None:
    email = definition(T.EMAIL)
    assert r.value_problem(email, "ada@example.com") is None
    assert r.value_problem(email, "ada@") is not None
    local = "a" * 64
    long = f"{local}@{'b' * 63}.{'c' * 63}.{'d' * 60}.com"
    assert len(long) > r.EMAIL_MAX and r.value_problem(email, long) is not None


@given(st.lists(st.sampled_from(["u1", "u2", "u3", "zz"]), max_size=4))
def test_a_selection_holds_known_options_once_each_within_the_maximum(chosen: list[str]) -> None:
    problem = r.value_problem(DRINKS, tuple(chosen))
    valid = set(chosen) <= {"u1", "u2", "u3"} and len(set(chosen)) == len(chosen) and len(chosen) <= 2
    assert (problem is None) == valid


def test_selection_boundaries() -> None:
    assert r.value_problem(DRINKS, ("u1", "u2")) is None
    too_many = r.value_problem(DRINKS, ("u1", "u2", "u3"))
    assert too_many is not None and "at most 2" in too_many.message
    one = definition(T.SELECTION, options=DRINKS.options, max_selections=1)
    assert r.value_problem(one, ("u1",)) is None
    problem = r.value_problem(one, ("u1", "u2"))
    assert problem is not None and problem.message == "Choose one."
    assert r.value_problem(DRINKS, ()) is None   # nothing chosen: the value is cleared


def test_boolean_and_address_take_their_own_types() -> None:
    assert r.value_problem(definition(T.BOOLEAN), True) is None
    assert r.value_problem(definition(T.BOOLEAN), "yes") is not None
    assert r.value_problem(definition(T.ADDRESS), Address(line1="1 Main St")) is None
    assert r.value_problem(definition(T.ADDRESS), "1 Main St") is not None


# -- definitions ------------------------------------------------------------------------------
@given(st.text(max_size=80))
@example("Favourite drink")
@example("Ünïcödé  ÷ name!!")
@example("x" * 100)
@example("")
def test_a_key_made_from_any_name_is_valid_and_unique(name: str) -> None:
    taken = {"favourite-drink", "field"}
    key = r.key_from_name(name, taken)
    assert r.KEY_PATTERN.fullmatch(key) and key not in taken


def test_key_from_name_reads_like_the_name() -> None:
    assert r.key_from_name("Favourite drink") == "favourite-drink"
    assert r.key_from_name("Favourite drink", {"favourite-drink"}) == "favourite-drink-2"
    assert r.key_from_name("Crème brûlée") == "creme-brulee"


@pytest.mark.parametrize(("length", "ok"), [(r.NAME_MAX, True), (r.NAME_MAX + 1, False)])
def test_name_and_description_length_boundaries(length: int, ok: bool) -> None:
    d = CustomFieldDefinition(key="k", name="n" * length, type=T.STRING, description="d" * length)
    problems = r.definition_problems(d)
    assert ("name" not in problems and "description" not in problems) == ok


@pytest.mark.parametrize(("key", "ok"), [("a" * 60, True), ("a" * 61, False), ("a.b_c-d", True), ("a b", False),
                                         ("", False), ("a:b", False)])
def test_key_boundaries(key: str, ok: bool) -> None:
    d = CustomFieldDefinition(key=key, name="n", type=T.STRING, description="d")
    assert ("key" not in r.definition_problems(d)) == ok


def test_a_definition_needs_a_unique_name_and_for_selections_good_options() -> None:
    blank = CustomFieldDefinition(key="k", name=" ", type=T.SELECTION, description="")
    assert set(r.definition_problems(blank)) == {"name", "options"}   # no description: the name serves
    taken = r.definition_problems(DRINKS.model_copy(update={"name": "VIP"}), taken_names=["vip"])
    assert taken["name"].message == "Another custom field has this name."
    twice = DRINKS.model_copy(update={"options": (SelectionOption(uid="a", name="Tea"),
                                                  SelectionOption(uid="b", name="tea"))})
    assert "same name" in r.definition_problems(twice)["options"].message
    many = DRINKS.model_copy(update={"options": tuple(SelectionOption(uid=str(i), name=f"o{i}")
                                                      for i in range(r.OPTIONS_MAX + 1))})
    assert "options" in r.definition_problems(many)
    assert "options" not in r.definition_problems(many.model_copy(update={"options": many.options[:-1]}))
    assert "max_selections" in r.definition_problems(DRINKS.model_copy(update={"max_selections": 4}))
    assert "max_selections" in r.definition_problems(DRINKS.model_copy(update={"max_selections": 0}))
    assert r.definition_problems(DRINKS) == {}


def test_display_text_names_the_chosen_options() -> None:
    assert r.display_text(DRINKS, ("u2", "u1")) == "Coffee, Tea"
    assert r.display_text(DRINKS, ("gone",)) == "gone"
    assert r.display_text(definition(T.BOOLEAN), False) == "No"
    assert r.display_text(definition(T.NUMBER), "3.5") == "3.5"
    assert r.display_text(DRINKS, None) == ""
