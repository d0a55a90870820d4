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

from console.domain.card_numbers import mask_card_numbers

MASK = "[REDACTED]"

# Names of fields, headers and parameters whose value is a secret, in any of the spellings seen:
# transactionKey, transaction_key, secretKey, secret-key, private_key, x-api-key, passwd, client_secret...
_SECRET_NAME = (r"(?:x[_-]?)?api[_-]?key|transaction[_-]?key|secret(?:[_-]?key)?|private[_-]?key|"
                r"client[_-]?secret|passw(?:or)?d|pwd|(?:access[_-]?|refresh[_-]?)?token")

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization headers and bearer tokens, whatever the scheme.
    (re.compile(r"(?i)(authorization\s*[:=]\s*)(\"?)[^\s\",}]+(\s+[^\s\",}]+)?"), r"\1\2" + MASK),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 " + MASK),
    # XML elements naming a secret: <transactionKey>...</transactionKey> (Authorize.net).
    (re.compile(rf"(?i)(<(?:\w+:)?(?:{_SECRET_NAME})\b[^>]*>)[^<]*(</)"), r"\1" + MASK + r"\2"),
    # key=value, key: value, "key": "value" where the key names a secret.
    (re.compile(rf"(?i)([\"']?\b(?:{_SECRET_NAME})[\"']?\s*[:=]\s*)([\"']?)[^\s\"',}}&<]+"), r"\1\2" + MASK),
    # Provider key shapes: Digital River sk_test_/sk_live_ (and any sk_ key), Square EAAA..., JWTs.
    (re.compile(r"\bsk_[A-Za-z0-9_-]{8,}"), MASK),
    (re.compile(r"\bEAAA[A-Za-z0-9_-]{10,}"), MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{5,}"), MASK),  # JWTs
)


def _encoded_forms(secret: str) -> str:
    """A pattern for `secret` as it is or with any of its characters percent-encoded."""
    def hex_byte(b: int) -> str:
        return "%" + "".join(f"[{h}{h.lower()}]" if h.isalpha() else h for h in f"{b:02X}")

    parts = []
    for ch in secret:
        if ch.isascii() and ch.isalnum():
            parts.append(ch)
            continue
        forms = [re.escape(ch), "".join(hex_byte(b) for b in ch.encode())] + ([r"\+"] if ch == " " else [])
        parts.append("(?:" + "|".join(forms) + ")")
    return "".join(parts)


class Redactor:
    """Replaces registered secrets and secret-shaped text; safe to share between threads."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._encoded: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def add(self, secrets: Iterable[str]) -> None:
        """Remember exact secret values (an account's credentials) to replace wherever they appear.

        Their percent-encoded forms too, in either case of hex and with '+' for a space: a secret
        placed in a URL or a form body is logged that way.
        """
        with self._lock:
            new = {s for s in secrets if s and len(s) >= 4} - self._known
            if new:
                self._known.update(new)
                alternatives = sorted(self._known, key=len, reverse=True)
                self._encoded = re.compile("|".join(_encoded_forms(s) for s in alternatives))

    def redact(self, text: str) -> str:
        with self._lock:
            encoded = self._encoded
        if encoded is not None:
            text = encoded.sub(MASK, text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return mask_card_numbers(text)


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
