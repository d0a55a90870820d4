"""Digital River demo data: generated people as customers, some with card sources and tax identifiers."""

from __future__ import annotations

import random
import uuid
from datetime import datetime

from console.sandbox.demo_data import generate_people
from console.sandbox.digital_river.wire import Record, compact, dr_time

_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "ja_JP", "nl_NL")
_COUNTRY_LOCALE = {"US": "en_US", "GB": "en_GB", "DE": "de_DE", "FR": "fr_FR", "ES": "es_ES", "IT": "it_IT",
                   "JP": "ja_JP", "NL": "nl_NL"}


def seed_customers(rng: random.Random, count: int) -> dict[str, Record]:
    """`count` customers by id, oldest first, drawn from `rng`."""
    people = sorted(generate_people(rng, count), key=lambda p: p.created_at)
    customers: dict[str, Record] = {}
    for index, person in enumerate(people):
        cid = str(500_000_000_000 + int(rng.random() * 99_999_999_999)) if index % 3 else f"crm-{10_000 + index}"
        a = person.address
        record: Record = {
            "id": cid, "createdTime": dr_time(person.created_at), "updatedTime": dr_time(person.updated_at),
            "email": person.email,
            "shipping": compact({"name": f"{person.given_name} {person.family_name}", "phone": person.phone,
                                 "organization": person.company,
                                 "address": compact({"line1": a.line1, "line2": a.line2, "city": a.city,
                                                     "postalCode": a.postal_code, "state": a.state,
                                                     "country": a.country})}),
            "type": "business" if person.company else "individual",
            "locale": _COUNTRY_LOCALE.get(a.country, rng.choice(_LOCALES)),
            "enabled": rng.random() > 0.05, "requestToBeForgotten": rng.random() < 0.03,
            "metadata": {"crmId": person.reference_id} if person.reference_id else None,
            "sources": [], "taxIdentifiers": [],
        }
        for _ in range(int(rng.random() * 3)):
            record["sources"].append(new_source(rng, person.given_name, person.family_name, a.country, cid,
                                                person.created_at))
        if record["sources"]:
            record["defaultSourceId"] = record["sources"][0]["id"]
        if person.company and rng.random() < 0.4 and a.country in ("DE", "GB", "FR", "IT", "ES", "NL"):
            record["taxIdentifiers"].append({
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "createdTime": dr_time(person.created_at), "customerId": cid, "type": a.country.lower(),
                "value": f"{a.country}{int(rng.random() * 1e9):09d}", "state": "verified"})
        customers[cid] = record
    return customers


def new_source(rng: random.Random, first: str, last: str, country: str, customer_id: str, created: datetime) -> Record:
    """A reusable credit-card source of a customer, as checkout attaches one."""
    return {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "createdTime": dr_time(created),
            "type": "creditCard", "reusable": True, "state": "chargeable", "customerId": customer_id,
            "owner": {"firstName": first, "lastName": last, "address": {"country": country}},
            "creditCard": {"brand": rng.choice(("Visa", "MasterCard", "American Express")),
                           "lastFourDigits": f"{int(rng.random() * 10000):04d}",
                           "expirationMonth": 1 + int(rng.random() * 12),
                           "expirationYear": 2027 + int(rng.random() * 5)},
            "flow": "standard", "liveMode": False}
