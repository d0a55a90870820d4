"""PayArc's customer JSON as read (lenient: unknown fields are ignored)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator

from console.providers.wire_model import WireModel
from console.providers.wire_values import from_epoch


def _timestamp(value: Any) -> datetime | None:
    """PayArc answers epoch seconds or 'YYYY-MM-DD HH:MM:SS' (no zone; UTC is assumed)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_epoch(value)
    if isinstance(value, str):
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ValueError("not a timestamp")


class WireCard(WireModel):
    id: str
    brand: str | None = None
    first6digit: int | str | None = None
    last4digit: int | str | None = None
    exp_month: int | str | None = None
    exp_year: int | str | None = None
    card_holder_name: str | None = None
    is_default: int | bool | None = 0


class WireCards(WireModel):
    data: list[WireCard] = Field(default_factory=list)


class WireCustomer(WireModel):
    customer_id: str | None = None
    id: str | None = None
    name: str | None = None
    email: str | None = None
    description: str | None = None
    send_email_address: str | None = None
    cc_email_address: str | None = None
    phone: int | str | None = None
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: int | str | None = None
    country: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    card: WireCards | None = None

    @field_validator("created_at", "updated_at", mode="before")
    @classmethod
    def _time(cls, value: Any) -> datetime | None:
        return _timestamp(value)
