"""The one error hierarchy every provider maps its failures onto.

Each error carries a message a person can act on; provider codes and bodies stay in the
provider module, except the code kept for logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.domain.customer import Customer


class ConsoleError(Exception):
    """Base of every error the services and the UI handle."""

    retryable: bool = False
    title: str = "Something went wrong"

    def __init__(self, message: str, *, provider: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.code = code

    def __str__(self) -> str:
        return self.message


class AuthenticationError(ConsoleError):
    """The credentials were refused (wrong, expired, or for the other environment)."""

    title = "Sign-in refused"


class PermissionDeniedError(AuthenticationError):
    """The credentials are valid but lack a permission the operation needs."""

    title = "Permission missing"


class NotFoundError(ConsoleError):
    """The customer (or one of its records) does not exist at the provider."""

    title = "Not found"


class ConflictError(ConsoleError):
    """The write clashed with the provider's current state."""

    title = "Conflict"


class StaleVersionError(ConflictError):
    """Someone else changed the customer since it was read; `current` is their copy when known."""

    title = "Changed by someone else"

    def __init__(self, message: str, *, current: Customer | None = None, provider: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(message, provider=provider, code=code)
        self.current = current


class DuplicateError(ConflictError):
    """The provider refuses a record it considers a duplicate; `existing_id` names it when known."""

    title = "Already exists"

    def __init__(self, message: str, *, existing_id: str | None = None, provider: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(message, provider=provider, code=code)
        self.existing_id = existing_id


class InvalidInputError(ConsoleError):
    """The provider rejected what was sent; `field_errors` maps field keys to messages."""

    title = "Check the highlighted fields"

    def __init__(self, message: str, *, field_errors: Mapping[str, str] | None = None,
                 provider: str | None = None, code: str | None = None) -> None:
        super().__init__(message, provider=provider, code=code)
        self.field_errors: dict[str, str] = dict(field_errors or {})


class LimitExceededError(InvalidInputError):
    """A provider limit was reached (for example ten payment profiles per customer)."""

    title = "Limit reached"


class RateLimitedError(ConsoleError):
    """Too many requests; `retry_after` is the provider's requested wait in seconds, if given."""

    retryable = True
    title = "Slow down"

    def __init__(self, message: str, *, retry_after: float | None = None, provider: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(message, provider=provider, code=code)
        self.retry_after = retry_after


class UnavailableError(ConsoleError):
    """The network or the provider failed (timeout, connection, 5xx); worth trying again."""

    retryable = True
    title = "Provider unavailable"

    def __init__(self, message: str, *, provider: str | None = None, code: str | None = None,
                 maybe_applied: bool = False) -> None:
        super().__init__(message, provider=provider, code=code)
        # True when a write may have reached the provider before the failure (a lost response).
        self.maybe_applied = maybe_applied


class ProtocolError(ConsoleError):
    """The provider answered something we cannot read."""

    title = "Unreadable answer"

    def __init__(self, message: str, *, field: str | None = None, provider: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(message, provider=provider, code=code)
        self.field = field


class NotSupportedError(ConsoleError):
    """The provider has no such operation; the UI should not have offered it."""

    title = "Not supported"


class CancelledByUserError(ConsoleError):
    """The user declined a confirmation, so nothing was sent."""

    title = "Not sent"


class ReadOnlyAccountError(ConsoleError):
    """The account is switched to read-only, so writes are refused before anything is sent."""

    title = "Read-only account"


class TeamWorkspaceAwayError(ConsoleError):
    """The team workspace's server cannot be reached: its accounts are read-only until it is back."""

    retryable = True
    title = "Team workspace unreachable"
