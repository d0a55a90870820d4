"""A provider-neutral customer query; each provider sends the parts its server can answer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from console.domain.capabilities import SearchKey


class _Frozen(BaseModel):
    # Validators built at first use (pydantic locks that build): a start needs none of these (P1b).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class TextMatch(_Frozen):
    """Exact (whole value, case-insensitive) or fuzzy (every token matches part of the value)."""

    value: str
    exact: bool = True


class TimeRange(_Frozen):
    start: datetime | None = None
    end: datetime | None = None


class GroupFilter(_Frozen):
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()


class CustomerQuery(_Frozen):
    """Filters combined with AND, and the order to return results in."""

    email: TextMatch | None = None
    phone: TextMatch | None = None
    reference_id: TextMatch | None = None
    name: TextMatch | None = None
    created: TimeRange | None = None
    updated: TimeRange | None = None
    groups: GroupFilter | None = None
    creation_sources: tuple[str, ...] = ()
    exclude_creation_sources: bool = False
    sort: Literal["default", "created_at"] = "default"
    descending: bool = False

    @model_validator(mode="after")
    def _one_rule_for_sources(self) -> CustomerQuery:
        if self.exclude_creation_sources and not self.creation_sources:
            raise ValueError("exclude_creation_sources needs creation_sources")
        return self

    @classmethod
    def lookup(cls, key: SearchKey, value: str) -> CustomerQuery:
        """An exact lookup by one key, as the search field runs it."""
        return cls(**{key.value: TextMatch(value=value, exact=True)})

    def is_empty(self) -> bool:
        return self == CustomerQuery(sort=self.sort, descending=self.descending)
