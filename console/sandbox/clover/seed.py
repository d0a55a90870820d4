"""Clover demo data: one merchant, and generated people as its customers with emails, phones, addresses, cards."""

from __future__ import annotations

import random

from console.sandbox.clover.wire import ID_ALPHABET, Record
from console.sandbox.demo_data import generate_people
from console.sandbox.planted_duplicates import planted
from console.sandbox.rest import random_id


def seed_merchant(rng: random.Random, count: int) -> tuple[str, dict[str, Record]]:
    """A merchant id and its `count` customers by id, drawn from `rng`."""
    merchant_id = random_id(rng, 13, ID_ALPHABET)
    customers: dict[str, Record] = {}
    for person in generate_people(rng, count):
        cid = random_id(rng, 13, ID_ALPHABET)
        emails = [{"id": random_id(rng, 13, ID_ALPHABET), "emailAddress": person.email, "primaryEmail": True}]
        if rng.random() < 0.5:
            local, _, domain = person.email.partition("@")
            emails.append({"id": random_id(rng, 13, ID_ALPHABET), "emailAddress": f"{local}.work@{domain}",
                           "primaryEmail": False})
        phones = [{"id": random_id(rng, 13, ID_ALPHABET), "phoneNumber": person.phone}]
        if rng.random() < 0.4:
            phones.append({"id": random_id(rng, 13, ID_ALPHABET),
                           "phoneNumber": f"555{int(rng.random() * 10_000_000):07d}"})
        a = person.address
        addresses = [{"id": random_id(rng, 13, ID_ALPHABET), "address1": a.line1, "address2": a.line2,
                      "city": a.city, "state": a.state or a.city, "zip": a.postal_code[:10], "country": a.country}]
        if rng.random() < 0.3:
            box = f"PO Box {100 + int(rng.random() * 900)}"
            addresses.append({"id": random_id(rng, 13, ID_ALPHABET), "address1": box,
                              "city": a.city, "state": a.state or a.city, "zip": a.postal_code[:10],
                              "country": a.country})
        cards = []
        if rng.random() < 0.4:
            cards.append({"id": random_id(rng, 13, ID_ALPHABET), "first6": "411111",
                          "last4": f"{int(rng.random() * 10000):04d}", "cardType": "VISA",
                          "expirationDate": f"{1 + int(rng.random() * 12):02d}{27 + int(rng.random() * 5)}",
                          "firstName": person.given_name, "lastName": person.family_name,
                          "token": random_id(rng, 24), "tokenType": "MULTIPAY"})
        dob = [int(p) for p in person.birthday.split("-")] if person.birthday else []
        if len(dob) == 2:
            dob = [0, *dob]
        metadata = {"businessName": person.company, "note": person.note,
                    "dobYear": dob[0] or None if dob else None, "dobMonth": dob[1] if dob else None,
                    "dobDay": dob[2] if dob else None}
        customers[cid] = {
            "id": cid, "merchant": {"id": merchant_id}, "firstName": person.given_name,
            "lastName": person.family_name, "marketingAllowed": rng.random() < 0.3,
            "customerSince": int(person.created_at.timestamp() * 1000),
            "addresses": addresses, "emailAddresses": emails, "phoneNumbers": phones, "cards": cards,
            "metadata": metadata,
        }
    _plant(customers, count)
    return merchant_id, customers


def _plant(customers: dict[str, Record], count: int) -> None:
    """Write the planted duplicates over the last customers (console/sandbox/planted_duplicates.py)."""
    people = planted("clover", count)
    ids = list(customers)
    for person, cid in zip(people, ids[len(ids) - len(people):], strict=True):
        record = customers[cid]
        record.update(firstName=person.given, lastName=person.family)
        record["metadata"]["businessName"] = None
        email_id, phone_id = record["emailAddresses"][0]["id"], record["phoneNumbers"][0]["id"]
        record["emailAddresses"] = ([{"id": email_id, "emailAddress": person.email, "primaryEmail": True}]
                                    if person.email else [])
        record["phoneNumbers"] = [{"id": phone_id, "phoneNumber": person.phone}] if person.phone else []
        record["addresses"] = [{"id": record["addresses"][0]["id"], "address1": person.line1, "address2": None,
                                "city": person.city, "state": person.state, "zip": person.postal_code,
                                "country": "US"}]
