"""What an edit dialog produces: only the fields the user changed, with clearing explicit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from console.domain.customer import Customer


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == [] or value == ()


def same_value(a: Any, b: Any) -> bool:
    """Whether two field values mean the same: blanks are equal, text ignores outer spaces."""
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return list(a) == list(b)   # a choice list read back from a draft's JSON is a list
    return bool(a == b)


class CustomerChanges(BaseModel):
    """Fields to set (`values`) and fields to remove (`cleared`), keyed by field key."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)   # built at first use (P1b)

    values: dict[str, Any] = Field(default_factory=dict)
    cleared: frozenset[str] = frozenset()

    @classmethod
    def between(cls, original: Customer | None, edited: Mapping[str, Any]) -> CustomerChanges:
        """Compare what the dialog holds with the customer it opened; blank means cleared."""
        values: dict[str, Any] = {}
        cleared: set[str] = set()
        for key, new in edited.items():
            old = original.value(key) if original is not None else None
            if _blank(new):
                if not _blank(old):
                    cleared.add(key)
            elif new != old:
                values[key] = new
        return cls(values=values, cleared=frozenset(cleared))

    def is_empty(self) -> bool:
        return not self.values and not self.cleared

    def touches(self, key: str) -> bool:
        return key in self.values or key in self.cleared

    def touches_prefix(self, prefix: str) -> bool:
        return any(k.startswith(prefix) for k in (*self.values, *self.cleared))

    def touched(self) -> set[str]:
        return set(self.values) | set(self.cleared)

    def get(self, key: str, default: Any = None) -> Any:
        """The new value of `key`: its value, None when cleared, else `default`."""
        if key in self.values:
            return self.values[key]
        if key in self.cleared:
            return None
        return default

    def merged(self, other: CustomerChanges) -> CustomerChanges:
        """These changes with `other` applied on top."""
        values = {k: v for k, v in self.values.items() if k not in other.cleared}
        values.update(other.values)
        cleared = (self.cleared - set(other.values)) | other.cleared
        return CustomerChanges(values=values, cleared=frozenset(cleared))
