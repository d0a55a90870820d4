"""An account as a team shares it (issue 22): what another console needs to add the same account, no secrets."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class SharedAccount(BaseModel):
    """One account of the team workspace: its id (what its shared data is keyed by) and settings, no credentials."""

    model_config = ConfigDict(frozen=True)

    id: str
    provider: str
    name: str
    environment: str
    base_url: str | None = None
    options: dict[str, str] = Field(default_factory=dict)
    shared_by: str = ""
    shared_at: datetime | None = None
