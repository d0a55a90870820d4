"""Secrets and card numbers never survive into log lines or reports."""

from __future__ import annotations

import logging

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from console.services.redaction import MASK, RedactingFilter, Redactor


@pytest.mark.parametrize(("text", "gone"), [
    ("Authorization: Bearer EAAAlabcdefghijklmnop", "EAAAlabcdefghijklmnop"),
    ("headers={'authorization': 'Bearer abc.def.ghi-12345'}", "abc.def.ghi-12345"),
    ('{"merchantAuthentication": {"name": "login", "transactionKey": "9aB8cD7eF6gH5iJ4"}}', "9aB8cD7eF6gH5iJ4"),
    ("key sk_test_4eC39HqLyjWDarjtT1zdp7dc refused", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
    ("token=abcdef123456&x=1", "abcdef123456"),
    ("card 4111 1111 1111 1111 declined", "4111 1111 1111 1111"),
    ("card 4111-1111-1111-1111", "4111-1111-1111-1111"),
])
def test_secret_shapes_are_removed(text: str, gone: str) -> None:
    out = Redactor().redact(text)
    assert gone not in out
    assert MASK in out or "[CARD …1111]" in out


def test_known_secrets_are_removed_wherever_they_appear() -> None:
    redactor = Redactor()
    redactor.add(["plain-looking-value-42"])
    assert "plain-looking-value-42" not in redactor.redact("failed with plain-looking-value-42 inside")


def test_ordinary_numbers_stay() -> None:
    text = "customer CRM-1234567890123 created 2026-01-05T10:00:00Z, profile 1929820324"
    assert Redactor().redact(text) == text


def test_logging_filter_redacts_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactingFilter())
    try:
        raise ValueError("Bearer EAAAsecretsecretsecret")
    except ValueError:
        logger.exception("sent %s", "Authorization: Bearer EAAAsecretsecretsecret")
    record = caplog.records[-1]
    assert "EAAAsecretsecretsecret" not in record.getMessage()
    assert "EAAAsecretsecretsecret" not in (record.exc_text or "")


def _luhn_check_digit(body: str) -> str:
    """The digit that makes `body` + it pass the Luhn check (the last digit of every card number)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * 2 if i % 2 == 0 else int(ch)  # doubled: every second digit counting from the check digit
        total += d - 9 if d > 9 else d
    return str(-total % 10)


def _luhn_valid(number: str) -> bool:
    return _luhn_check_digit(number[:-1]) == number[-1]


visa_numbers = st.from_regex(r"4[0-9]{14}", fullmatch=True).map(lambda body: body + _luhn_check_digit(body))


def test_the_check_digit_strategy_makes_valid_numbers() -> None:
    assert _luhn_check_digit("411111111111111") == "1"  # 4111 1111 1111 1111, the test Visa
    assert _luhn_valid("4012888888881881") and not _luhn_valid("4012888888881882")


@example("4111111111111111")
@example("4000000000000002")
@given(visa_numbers)
def test_any_valid_visa_number_is_masked(number: str) -> None:
    assert _luhn_valid(number)
    out = Redactor().redact(f"pan={number}")
    assert number not in out
    assert number[-4:] in out  # masked to its last four, not dropped
