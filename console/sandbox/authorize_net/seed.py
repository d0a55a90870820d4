"""Authorize.net demo data: generated people as customer profiles with cards and addresses, and settled transactions."""

from __future__ import annotations

import random
from collections.abc import Callable

from console.sandbox.authorize_net.wire import ADDRESS_KEYS, CARDS, Record, address_of
from console.sandbox.demo_data import generate_people
from console.sandbox.planted_duplicates import planted


def seed_profiles(rng: random.Random, count: int, new_id: Callable[[], str]) -> dict[str, Record]:
    """`count` customer profiles by id, drawn from `rng`, their ids (and their parts') from `new_id`."""
    profiles: dict[str, Record] = {}
    for index, person in enumerate(generate_people(rng, count)):
        pid = new_id()
        name = f"{person.given_name} {person.family_name}"
        a = person.address
        bill_to = address_of({"firstName": person.given_name[:50], "lastName": person.family_name[:50],
                              "company": (person.company or "")[:50], "address": a.line1[:60],
                              "city": a.city[:40], "state": (a.state or "")[:40], "zip": a.postal_code[:20],
                              "country": a.country, "phoneNumber": person.phone[:25]})
        payments = []
        for number in range(1 + int(rng.random() * 3)):
            brand, card = CARDS[int(rng.random() * len(CARDS))]
            payments.append({"customerPaymentProfileId": new_id(), "customerType": "individual",
                             "billTo": bill_to, "cardType": brand, "last4": card[-4:], "issuer": card[:6],
                             "expiration": f"{2027 + int(rng.random() * 5)}-{1 + int(rng.random() * 12):02d}",
                             "defaultPaymentProfile": number == 0})
        shipping = [{"customerAddressId": new_id(), **bill_to}] if rng.random() < 0.6 else []
        if shipping and rng.random() < 0.3:
            shipping.append({"customerAddressId": new_id(), **bill_to, "address": f"PO Box {index + 100}"})
        profiles[pid] = {
            "customerProfileId": pid,
            "merchantCustomerId": (person.reference_id or f"CUST-{10_000 + index}")[:20],
            # A third carry no description, so their name comes from the default card's bill-to.
            "description": name[:255] if index % 3 else None,
            "email": person.email, "profileType": "regular", "paymentProfiles": payments,
            "shipToList": shipping,
            "defaultShippingAddressId": shipping[0]["customerAddressId"] if shipping else None,
        }
    _plant(profiles, count)
    return profiles


def _plant(profiles: dict[str, Record], count: int) -> None:
    """Write the planted duplicates over the last profiles (console/sandbox/planted_duplicates.py)."""
    people = planted("authorize-net", count)
    ids = list(profiles)
    for person, pid in zip(people, ids[len(ids) - len(people):], strict=True):
        profile = profiles[pid]
        profile.update(description=f"{person.given} {person.family}", email=person.email)
        place = {"firstName": person.given, "lastName": person.family, "company": "", "address": person.line1,
                 "city": person.city, "state": person.state, "zip": person.postal_code, "country": "US",
                 "phoneNumber": person.phone or ""}
        for part in (*(p["billTo"] for p in profile["paymentProfiles"]), *profile["shipToList"]):
            written = address_of({**part, **place})
            for key in ADDRESS_KEYS:
                part.pop(key, None)
            part.update(written)


def seed_transactions(rng: random.Random) -> dict[str, Record]:
    """Settled transactions by id that a profile can be made from."""
    transactions: dict[str, Record] = {}
    for person in generate_people(rng, 25):
        brand, card = CARDS[len(transactions) % len(CARDS)]
        trans_id = str(60_000_000_000 + len(transactions) * 7_919 + 1)
        transactions[trans_id] = {
            "email": person.email, "description": f"{person.given_name} {person.family_name}"[:255],
            "billTo": address_of({"firstName": person.given_name[:50], "lastName": person.family_name[:50],
                                  "address": person.address.line1[:60], "city": person.address.city[:40],
                                  "zip": person.address.postal_code[:20], "country": person.address.country}),
            "cardType": brand, "last4": card[-4:], "issuer": card[:6], "expiration": "2029-12"}
    return transactions
