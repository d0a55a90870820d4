"""Reading provider answers defensively: anything unexpected becomes a ProtocolError naming the field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from console.domain.customer import Customer
from console.domain.errors import ProtocolError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def read_model(model: type[M], data: Any, *, provider: str, what: str, at: str) -> M:
    """`data` validated as `model`; a failure names the field path (prefixed by `at`)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        loc = ".".join(str(part) for part in exc.errors()[0]["loc"])
        where = f"{at}.{loc}" if loc else at
        raise ProtocolError(f"{provider} sent {what} we cannot read (field '{where}').",
                            field=where, provider=provider) from exc


def field_of(body: Any, key: str, kind: type[T] | tuple[type, ...], *, provider: str,
             required: bool = False) -> Any:
    """`body[key]` when it has the expected type (None when absent and optional), else a ProtocolError."""
    value = body.get(key) if isinstance(body, Mapping) else None
    if value is None and not required:
        return None
    # bool is an int in Python; a count or offset that arrives as true/false is still unreadable.
    if isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, (int,))):
        return value
    raise ProtocolError(f"{provider} sent '{key}' that we cannot read.", field=key, provider=provider)


def customer_in(body: Any, read: Callable[[Any], Customer], *, provider: str, key: str | None = None) -> Customer:
    """The customer an answer holds: `body[key]`, or the body itself when the provider sends it bare."""
    found = body.get(key) if key is not None and isinstance(body, Mapping) else body
    if not isinstance(found, Mapping):
        raise ProtocolError(f"{provider}'s answer has no customer in it.", field=key or "customer",
                            provider=provider)
    return read(found)
