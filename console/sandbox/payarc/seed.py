"""PayArc demo data: generated people as PayArc customers, some with masked cards."""

from __future__ import annotations

import random

from console.sandbox.demo_data import ascii_letters, generate_people
from console.sandbox.payarc.wire import ZIP, Record, timestamp
from console.sandbox.rest import random_id

_BRANDS = ("V", "V", "M", "M", "X", "R")


def seed_customers(rng: random.Random, count: int) -> dict[str, Record]:
    """`count` customers by id, drawn from `rng`."""
    customers: dict[str, Record] = {}
    for index, person in enumerate(generate_people(rng, count)):
        customer_id = random_id(rng, 16)
        name = ascii_letters(f"{person.given_name} {person.family_name}")[:50].strip()
        digits = "".join(ch for ch in person.phone if ch.isdigit())
        record: Record = {
            "object": "customer", "customer_id": customer_id, "id": customer_id,
            "name": name if len(name) >= 3 else None,
            "email": person.email if len(person.email) <= 40 else None,
            "description": (person.company or person.note or None),
            "payment_overdue": 0, "send_email_address": None, "cc_email_address": None, "source_id": None,
            "address_1": person.address.line1 if 5 <= len(person.address.line1) <= 50 else None,
            "address_2": None,
            "city": ascii_letters(person.address.city)[:50] or None,
            "state": ascii_letters(person.address.state or "")[:50] or None,
            "zip": person.address.postal_code if ZIP.fullmatch(person.address.postal_code) else None,
            "phone": digits if len(digits) <= 11 else digits[-10:],
            "country": person.address.country,
            "created_at": timestamp(person.created_at, index % 2 == 0),
            "updated_at": timestamp(person.updated_at, index % 2 == 0),
            "invoice_prefix": random_id(rng, 4).upper(),
            "card": {"data": []},
        }
        if record["description"] is not None and not 5 <= len(record["description"]) <= 50:
            record["description"] = None
        if rng.random() < 0.3:
            record["send_email_address"] = record["email"]
        for number in range(int(rng.random() * 3)):
            record["card"]["data"].append(_card(rng, customer_id, name, default=number == 0))
        customers[customer_id] = record
    return customers


def _card(rng: random.Random, customer_id: str, holder: str, *, default: bool) -> Record:
    brand = rng.choice(_BRANDS)
    first6 = {"V": "411111", "M": "555555", "X": "378282", "R": "601111"}[brand]
    return {"object": "Card", "id": random_id(rng, 16), "customer_id": customer_id, "brand": brand,
            "first6digit": int(first6), "last4digit": f"{int(rng.random() * 10000):04d}",
            "exp_month": str(1 + int(rng.random() * 12)), "exp_year": str(2027 + int(rng.random() * 5)),
            "card_holder_name": holder, "is_default": 1 if default else 0, "is_verified": 1,
            "card_source": "INTERNET"}
