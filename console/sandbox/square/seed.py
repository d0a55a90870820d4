"""Square demo data: generated people as Square customer profiles, plus groups and segments."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from console.domain.rfc3339 import rfc3339
from console.sandbox.demo_data import Person, generate_people
from console.sandbox.planted_duplicates import planted
from console.sandbox.square.wire import new_id, ordered_customer

GROUP_NAMES = ("VIP", "Wholesale", "Newsletter", "Loyalty Program", "Staff & Friends", "Event Attendees")
# Square's own segment ids are "<merchant>.<NAME>"; the names are the ones its dashboard shows.
SEGMENTS = (("CHURN_RISK", "Lapsed"), ("LOYAL", "Regulars"), ("REACHABLE", "Reachable"))

# (weight, creation source): profiles come from many places at a real seller, mostly from apps.
_SOURCES = ((30, "THIRD_PARTY"), (20, "DIRECTORY"), (12, "ONLINE_STORE"), (10, "APPOINTMENTS"), (8, "IMPORT"),
            (6, "INSTANT_PROFILE"), (4, "LOYALTY"), (3, "INVOICES"), (3, "TERMINAL"), (2, "FEEDBACK"),
            (1, "EMAIL_COLLECTION"), (1, "MARKETING"))
_SOURCE_TABLE = tuple(source for weight, source in _SOURCES for _ in range(weight))
_NICKNAMES = ("Sunny", "Doc", "Coach", "Bee", "Max", "Jo", "Kiki", "Ace")
_VAT_DIGITS = {"GB": 9, "DE": 9, "FR": 11}


@dataclass
class SeedState:
    """What `seed_customers` produces; the emulator takes ownership of it."""

    merchant_id: str
    customers: dict[str, dict[str, Any]]
    groups: dict[str, dict[str, Any]]
    segments: dict[str, dict[str, Any]]


def _address(person: Person) -> dict[str, str]:
    a = person.address
    out = {"address_line_1": a.line1}
    if a.line2:
        out["address_line_2"] = a.line2
    out["locality"] = a.city
    if a.state:
        out["administrative_district_level_1"] = a.state
    out["postal_code"] = a.postal_code
    out["country"] = a.country
    return out


def _customer(person: Person, rng: random.Random, customer_id: str, groups: list[str],
              segments: dict[str, str]) -> dict[str, Any]:
    rand = rng.random
    shape = rand()
    record: dict[str, Any] = {"id": customer_id}
    if shape < 0.05:  # a business known only by name (and sometimes a phone)
        record["company_name"] = person.company or f"{person.family_name} & Partners"
        if rand() < 0.5:
            record["phone_number"] = person.phone
    elif shape < 0.07:  # someone who left only an email address (newsletter sign-ups)
        record["email_address"] = person.email
    else:
        record["given_name"] = person.given_name
        record["family_name"] = person.family_name
        if person.company:
            record["company_name"] = person.company
        if rand() < 0.92:
            record["email_address"] = person.email
        if rand() < 0.85:
            record["phone_number"] = person.phone
        if rand() < 0.04:
            record["nickname"] = _NICKNAMES[int(rand() * len(_NICKNAMES))]
        if person.birthday:
            record["birthday"] = person.birthday if len(person.birthday) == 10 else f"0000-{person.birthday}"
        if person.note:
            record["note"] = person.note
        if person.company and person.address.country in _VAT_DIGITS and rand() < 0.4:
            country = person.address.country
            digits = "".join(str(int(rand() * 10)) for _ in range(_VAT_DIGITS[country]))
            record["tax_ids"] = {"eu_vat": f"{country}{digits}"}
    if (shape >= 0.05 or rand() < 0.5) and rand() < 0.8:
        record["address"] = _address(person)
    if person.reference_id and shape >= 0.07:
        record["reference_id"] = person.reference_id
    record["created_at"] = rfc3339(person.created_at, timespec="milliseconds")
    version = 0 if person.updated_at == person.created_at else 1 + int(rand() * 5)
    record["updated_at"] = rfc3339(person.updated_at, timespec="milliseconds")
    record["preferences"] = {"email_unsubscribed": bool(record.get("email_address")) and rand() < 0.08}
    record["creation_source"] = _SOURCE_TABLE[int(rand() * len(_SOURCE_TABLE))]
    if groups and rand() < 0.3:
        first = groups[int(rand() * len(groups))]
        second = groups[int(rand() * len(groups))]
        record["group_ids"] = [first] if first == second or rand() < 0.6 else [first, second]
    member_of = []
    if rand() < 0.08:
        member_of.append(segments["CHURN_RISK"])
    if rand() < 0.12:
        member_of.append(segments["LOYAL"])
    if record.get("email_address") or record.get("phone_number"):
        member_of.append(segments["REACHABLE"])
    if member_of:
        record["segment_ids"] = member_of
    record["version"] = version
    return ordered_customer(record)


def _invisible(person: Person, customer_id: str) -> dict[str, Any]:
    # Profiles without any of the five identity fields exist at real sellers (fields cleared over
    # time); Square never lists or counts them, but retrieving them by id works.
    created = rfc3339(person.created_at, timespec="milliseconds")
    return {"id": customer_id, "created_at": created, "updated_at": rfc3339(person.updated_at, timespec="milliseconds"),
            "reference_id": person.reference_id or "ARCHIVE-0", "note": "Details removed at the customer's request.",
            "preferences": {"email_unsubscribed": True}, "creation_source": "IMPORT", "version": 3}


def seed_customers(rng: random.Random, count: int) -> SeedState:
    """`count` listed customers, a few unlisted ones, groups and segments, all drawn from `rng`."""
    merchant_id = new_id(rng)[:13]
    epoch = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)
    groups: dict[str, dict[str, Any]] = {}
    for offset, name in enumerate(GROUP_NAMES):
        created = rfc3339(epoch + timedelta(days=offset * 17, minutes=offset * 7), timespec="milliseconds")
        group_id = new_id(rng, groups)
        groups[group_id] = {"id": group_id, "name": name, "created_at": created, "updated_at": created}
    segments: dict[str, dict[str, Any]] = {}
    segment_ids: dict[str, str] = {}
    for code, name in SEGMENTS:
        segment_id = f"{merchant_id}.{code}"
        created = rfc3339(epoch, timespec="milliseconds")
        segments[segment_id] = {"id": segment_id, "name": name, "created_at": created, "updated_at": created}
        segment_ids[code] = segment_id
    hidden = count // 500
    people = generate_people(rng, count + hidden)
    group_list = list(groups)
    customers: dict[str, dict[str, Any]] = {}
    for index, person in enumerate(people):
        customer_id = new_id(rng, customers)
        if index < count:
            customers[customer_id] = _customer(person, rng, customer_id, group_list, segment_ids)
        else:
            customers[customer_id] = _invisible(person, customer_id)
    _plant(customers, count)
    return SeedState(merchant_id, customers, groups, segments)


def _plant(customers: dict[str, dict[str, Any]], count: int) -> None:
    """Write the planted duplicates over the last listed customers (console/sandbox/planted_duplicates.py)."""
    people = planted("square", count)
    listed = list(customers)[:count]
    for person, customer_id in zip(people, listed[len(listed) - len(people):], strict=True):
        record = customers[customer_id]
        for key in ("company_name", "nickname", "email_address", "phone_number", "tax_ids"):
            record.pop(key, None)
        record.update(given_name=person.given, family_name=person.family,
                      address={"address_line_1": person.line1, "locality": person.city,
                               "administrative_district_level_1": person.state, "postal_code": person.postal_code,
                               "country": "US"})
        if person.email:
            record["email_address"] = person.email
        if person.phone:
            record["phone_number"] = person.phone
        customers[customer_id] = ordered_customer(record)
