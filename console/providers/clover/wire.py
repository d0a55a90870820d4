"""Clover's customer JSON as read (lenient: unknown fields are ignored)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from console.providers.wire_model import WireModel


class WireAddress(WireModel):
    id: str | None = None
    address1: str | None = None
    address2: str | None = None
    address3: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None


class WireEmail(WireModel):
    id: str | None = None
    emailAddress: str
    primaryEmail: bool | None = None


class WirePhone(WireModel):
    id: str | None = None
    phoneNumber: str


class WireCard(WireModel):
    id: str
    first6: str | None = None
    last4: str | None = None
    expirationDate: str | None = None
    cardType: str | None = None
    firstName: str | None = None
    lastName: str | None = None


class WireMetadata(WireModel):
    businessName: str | None = None
    note: str | None = None
    dobYear: int | None = None
    dobMonth: int | None = None
    dobDay: int | None = None


class WireElements(WireModel):
    elements: list[Any] = Field(default_factory=list)


class WireCustomer(WireModel):
    id: str
    firstName: str | None = None
    lastName: str | None = None
    marketingAllowed: bool | None = None
    customerSince: int | None = None
    addresses: WireElements | None = None
    emailAddresses: WireElements | None = None
    phoneNumbers: WireElements | None = None
    cards: WireElements | None = None
    metadata: WireMetadata | None = None
