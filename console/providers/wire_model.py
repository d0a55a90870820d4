"""The base of every provider's wire models: lenient, so a field a provider adds never breaks the app."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """A provider's JSON object as read: unknown fields are ignored (domain models forbid them)."""

    model_config = ConfigDict(extra="ignore")
