"""The workspace database's key: what one looks like and how SQLCipher is given it.

A key is 32 random bytes written as 64 hex digits. SQLCipher takes it as a raw key (`x'…'`), so
opening a connection skips the passphrase derivation (PBKDF2, 256,000 rounds), which would cost
about a tenth of a second per connection and adds nothing to a random key. Where the key is kept
(keychain or key file) is the services' business; this layer is only handed it.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"[0-9a-f]{64}")


class InvalidKeyError(ValueError):
    """A key that is not 64 lowercase hex digits (a damaged keychain entry or key file)."""


def new_key() -> str:
    """A fresh random key."""
    import secrets  # hmac and hashlib, about 4 ms: not needed by the start's read of an existing key

    return secrets.token_hex(32)


def is_valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


def sqlcipher_passphrase(key: str) -> str:
    """The text for `PRAGMA key`: the key as a raw 256-bit key, so no derivation runs."""
    if not is_valid_key(key):
        raise InvalidKeyError("the workspace key must be 64 lowercase hex digits")
    return f"x'{key}'"
