"""Square demo data for customer custom attributes: a few definitions of several owners, values on some customers.

"Favourite drink" is deliberately absent: creating it is the newcomer's first task in the demo.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from console.domain.rfc3339 import rfc3339
from console.sandbox.square.custom_attribute_rules import (
    COMMON_SCHEMA,
    HIDDEN,
    READ_ONLY,
    READ_WRITE,
    SELECTION_META_SCHEMA,
)

Record = dict[str, Any]

LOYALTY_TIERS = ("Bronze", "Silver", "Gold", "Platinum")
ACCOUNT_MANAGERS = ("Priya Raman", "Tom Becker", "Ana Souza", "Kenji Sato")
# Another application's id, as it appears in its qualified keys.
LOYALTY_APP = "sq0idp-LoyaltyPartnerApp01"


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _definition(key: str, schema: Record, name: str, description: str, visibility: str) -> Record:
    return {"key": key, "schema": schema, "name": name, "description": description, "visibility": visibility,
            "version": 1}


def seed_definitions(rng: random.Random) -> dict[str, Record]:
    """Definitions this application owns, one the seller made in the Dashboard, and two of another app."""
    tiers = {"$schema": SELECTION_META_SCHEMA, "type": "array", "uniqueItems": True, "maxItems": 1,
             "items": {"names": list(LOYALTY_TIERS), "enum": [_uid(rng) for _ in LOYALTY_TIERS]}}
    seller_key = f"square:{_uid(rng)}"
    definitions = [
        _definition("loyalty-tier", tiers, "Loyalty tier", "The customer's tier in the loyalty programme.",
                    READ_WRITE),
        _definition("account-manager", {"$ref": COMMON_SCHEMA + "String"}, "Account manager",
                    "Who at the shop looks after this customer.", READ_WRITE),
        _definition("tax-exempt-until", {"$ref": COMMON_SCHEMA + "Date"}, "Tax exempt until",
                    "The last day the customer's tax exemption certificate is valid.", READ_WRITE),
        # Custom fields a seller adds in the Customer Directory have `square:` keys and are always
        # VISIBILITY_READ_WRITE_VALUES: any application may set values but not change the field.
        _definition(seller_key, {"$ref": COMMON_SCHEMA + "Boolean"}, "Prefers paper receipts",
                    "Print a receipt instead of emailing one.", READ_WRITE),
        _definition(f"{LOYALTY_APP}:points-balance", {"$ref": COMMON_SCHEMA + "Number"}, "Points balance",
                    "Kept by the loyalty partner's app.", READ_ONLY),
        _definition(f"{LOYALTY_APP}:sync-cursor", {"$ref": COMMON_SCHEMA + "String"}, "Sync cursor",
                    "Internal to the loyalty partner's app.", HIDDEN),
    ]
    first = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)
    for made, definition in enumerate(definitions):  # made one after another, so they list in this order
        stamp = rfc3339(first + timedelta(days=made * 9), timespec="milliseconds")
        definition.update(updated_at=stamp, created_at=stamp)
    return {d["key"]: d for d in definitions}


def seed_values(rng: random.Random, definitions: dict[str, Record],
                customers: dict[str, Record]) -> dict[str, dict[str, Record]]:
    """Values on about a third of the customers, stamped with the customer's last update."""
    by_name = {d["name"]: d for d in definitions.values()}
    tier_uids = by_name["Loyalty tier"]["schema"]["items"]["enum"]
    values: dict[str, dict[str, Record]] = {}
    for customer_id, customer in customers.items():
        if rng.random() >= 0.35 or "given_name" not in customer:
            continue
        stamp = customer["updated_at"]
        chosen: dict[str, Any] = {}
        if rng.random() < 0.8:
            chosen["Loyalty tier"] = [tier_uids[min(int(rng.random() * 5), 3)]]
        if rng.random() < 0.5:
            chosen["Account manager"] = ACCOUNT_MANAGERS[int(rng.random() * len(ACCOUNT_MANAGERS))]
        if rng.random() < 0.15:
            chosen["Tax exempt until"] = f"{2026 + int(rng.random() * 3)}-{1 + int(rng.random() * 12):02d}-28"
        if rng.random() < 0.3:
            chosen["Prefers paper receipts"] = rng.random() < 0.5
        if rng.random() < 0.4:
            chosen["Points balance"] = str(int(rng.random() * 5000))
        if rng.random() < 0.4:
            chosen["Sync cursor"] = f"c{int(rng.random() * 1e6)}"
        values[customer_id] = {
            by_name[name]["key"]: {"key": by_name[name]["key"], "value": value, "version": 1, "updated_at": stamp,
                                   "created_at": stamp}
            for name, value in chosen.items()}
    return values
