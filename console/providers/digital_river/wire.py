"""Digital River's customer JSON as read (lenient: unknown fields are ignored)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from console.providers.wire_model import WireModel


class WireAddress(WireModel):
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postalCode: str | None = None
    state: str | None = None
    country: str | None = None


class WireShipping(WireModel):
    address: WireAddress | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    organization: str | None = None


class WireCard(WireModel):
    brand: str | None = None
    lastFourDigits: str | None = None
    expirationMonth: int | None = None
    expirationYear: int | None = None


class WireOwner(WireModel):
    firstName: str | None = None
    lastName: str | None = None


class WireSource(WireModel):
    id: str
    type: str | None = None
    creditCard: WireCard | None = None
    owner: WireOwner | None = None


class WireTaxId(WireModel):
    id: str | None = None
    type: str
    value: str
    state: str | None = None


class WireCustomer(WireModel):
    id: str
    createdTime: datetime | None = None
    updatedTime: datetime | None = None
    email: str | None = None
    shipping: WireShipping | None = None
    defaultSourceId: str | None = None
    sources: list[WireSource] = Field(default_factory=list)
    taxIdentifiers: list[WireTaxId] = Field(default_factory=list)
    requestToBeForgotten: bool = False
    type: str | None = None
    metadata: dict[str, str | bool | int] | None = None
    locale: str | None = None
    enabled: bool | None = None
    liveMode: bool | None = None
