"""Square's customer JSON as read (lenient: unknown fields are ignored)."""

from __future__ import annotations

from datetime import datetime

from console.providers.wire_model import WireModel


class WireAddress(WireModel):
    address_line_1: str | None = None
    address_line_2: str | None = None
    address_line_3: str | None = None
    locality: str | None = None
    administrative_district_level_1: str | None = None
    postal_code: str | None = None
    country: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class WirePreferences(WireModel):
    email_unsubscribed: bool | None = None


class WireTaxIds(WireModel):
    eu_vat: str | None = None


class WireCustomer(WireModel):
    id: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    given_name: str | None = None
    family_name: str | None = None
    nickname: str | None = None
    company_name: str | None = None
    email_address: str | None = None
    address: WireAddress | None = None
    phone_number: str | None = None
    birthday: str | None = None
    reference_id: str | None = None
    note: str | None = None
    preferences: WirePreferences | None = None
    creation_source: str | None = None
    group_ids: list[str] | None = None
    segment_ids: list[str] | None = None
    version: int | None = None
    tax_ids: WireTaxIds | None = None


class WireError(WireModel):
    category: str = "API_ERROR"
    code: str = "UNKNOWN"
    detail: str | None = None
    field: str | None = None


class WireGroup(WireModel):
    id: str
    name: str
