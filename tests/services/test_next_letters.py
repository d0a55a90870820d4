"""The rows a next letter would bring to the top (next_letters.py), against the search itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from console.services.next_letters import NextLetters


def _wanted(query: str, rows: list[tuple[str, str]], screenful: int) -> list[int]:
    letters = NextLetters(query, screenful)
    return [n for n, keys in enumerate(rows) if letters.wanted(*keys)]


def test_each_letter_after_the_term_counts_its_first_rows() -> None:
    rows = [("smith", ""), ("sam", ""), ("smyth", ""), ("small", ""), ("sox", ""), ("ross smart", "")]
    # "sm" shows rows 0, 2, 3 and 5 (its first two wanted), "sa" row 1, "so" row 4, "ss" ("ross") row 5.
    assert _wanted("s", rows, 2) == [0, 1, 2, 4, 5]
    letters = NextLetters("s", 2)
    for keys in rows:
        letters.wanted(*keys)
    assert letters.counts == {"m": 2, "a": 1, "o": 1, "s": 1}


def test_a_row_counts_once_for_a_letter_it_has_twice() -> None:
    letters = NextLetters("a", 2)
    assert letters.wanted("abab", "")
    assert letters.counts == {"b": 1}


def test_the_last_term_is_the_one_a_letter_extends() -> None:
    assert _wanted("Jo SM", [("jo smith", ""), ("jo sam", "")], 5) == [0]


def test_a_space_and_the_keys_end_bring_nothing() -> None:
    # A space starts another term (the same rows); a term at a key's end has no letter after it.
    assert _wanted("jo", [("jo smith", ""), ("ajo", "")], 5) == []


def test_digits_are_read_in_the_phone_key_too() -> None:
    assert _wanted("41", [("ann", "4155550100"), ("bob", "2065550100")], 5) == [0]


def test_with_the_field_empty_each_first_letter_counts_the_rows_holding_it() -> None:
    assert _wanted("", [("ab", ""), ("ba", ""), ("abc", ""), ("b", "12")], 2) == [0, 1, 2, 3]
    assert _wanted("", [("ab", ""), ("ba", ""), ("ab", "")], 2) == [0, 1]


@given(st.lists(st.text("abc ", max_size=8), max_size=30), st.text("abc", max_size=2),
       st.integers(1, 4))
def test_the_rows_wanted_are_the_first_each_next_letter_shows(keys: list[str], term: str, screenful: int) -> None:
    rows = [key for key in keys if term in key]   # the rows the search shows for `term`
    expected: set[int] = set()
    for letter in "abc":
        expected.update([n for n, key in enumerate(rows) if term + letter in key][:screenful])
    assert set(_wanted(term, [(key, "") for key in rows], screenful)) == expected
