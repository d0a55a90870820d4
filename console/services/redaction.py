"""Removes secrets from text that leaves the app's memory: log lines and diagnostic reports.

Known secrets (the tokens of the open accounts) are replaced exactly; shapes that look like
credentials or card numbers are replaced by pattern, so a secret we were never told about is
still unlikely to reach a log file.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

MASK = "[REDACTED]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization headers and bearer tokens, whatever the scheme.
    (re.compile(r"(?i)(authorization\s*[:=]\s*)(\"?)[^\s\",}]+(\s+[^\s\",}]+)?"), r"\1\2" + MASK),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 " + MASK),
    # key=value / "key": "value" where the key names a secret.
    (re.compile(r"(?i)([\"']?(?:transaction_?key|transactionKey|api_?key|secret(?:_key)?|password|token|"
                r"access_token|client_secret)[\"']?\s*[:=]\s*)([\"']?)[^\s\"',}&]+"), r"\1\2" + MASK),
    # Provider key shapes: Digital River sk_test_/sk_live_, Square EAAA..., Clover/PayArc long tokens.
    (re.compile(r"\bsk_(?:test_|live_)?[A-Za-z0-9]{8,}"), MASK),
    (re.compile(r"\bEAAA[A-Za-z0-9_-]{10,}"), MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,}"), MASK),  # JWTs
)

# 13 to 19 digits, optionally grouped by spaces or dashes: the shape of a card number.
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if not _luhn_ok(digits):
        return match.group(0)  # an order number or a timestamp, not a card
    return f"[CARD …{digits[-4:]}]"


class Redactor:
    """Replaces registered secrets and secret-shaped text; safe to share between threads."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secrets: Iterable[str]) -> None:
        """Remember exact secret values (an account's credentials) to replace wherever they appear."""
        with self._lock:
            self._known.update(s for s in secrets if s and len(s) >= 4)

    def redact(self, text: str) -> str:
        with self._lock:
            known = sorted(self._known, key=len, reverse=True)
        for secret in known:
            if secret in text:
                text = text.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return _CARD.sub(_mask_card, text)


REDACTOR = Redactor()


class RedactingFilter(logging.Filter):
    """A logging filter that redacts the fully formatted message (and any traceback text)."""

    def __init__(self, redactor: Redactor = REDACTOR) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self.redactor.redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        return True
