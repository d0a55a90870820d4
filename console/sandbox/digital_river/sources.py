"""Digital River's card sources in the emulator: what DigitalRiver.js creates with the public key
(`POST /sources`), and saving one to a customer (`POST /customers/{id}/sources/{sourceId}`).

From DR's docs (GitBook, branch Digital-River-API):
- DigitalRiver.js creates card sources with the public key: `creditCard` {brand, lastFourDigits,
  expirationMonth, expirationYear}, an `owner` whose address needs a country, state `chargeable`,
  flow `standard`, a `clientSecret` (reference/digitalriver-object.md, payments/payment-sources/).
- Saving a source to a customer flips `reusable` to true and returns the source; the first source
  saved becomes the customer's default. Only a `chargeable` source can be saved (409
  `source_not_chargeable`); a detached source is `cancelled`, so it cannot be saved again (the same
  409); a source saved to another customer is `source_in_use` (using-the-source-identifier.md).
- Test cards (developer-resources/testing-scenarios.md): 4000 0000 0000 3295 creates no source; the
  other error-scenario numbers fail later (charge, capture, refund), so here they make sources.
- The card field messages are DigitalRiver.js's element errors (reference/elements/README.md).

Inferred, not documented: the code and message of the failed source creation (DR documents only
its `{type, errors}` shape and that no source is made), and saving a source again to the customer
that already has it, answered as success so that a retried save is harmless.

Only the last four digits, the brand and the expiry of a card are kept; never the number or code.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import httpx

from console.domain.card_numbers import luhn_ok
from console.sandbox.card_entry import brand_of
from console.sandbox.digital_river.wire import Record, compact, dr_time, refusal
from console.sandbox.rest import bearer_token, request_fields

# DR's test number whose source creation fails (testing-scenarios.md, "Error scenarios").
FAILING_NUMBERS = frozenset({"4000000000003295"})
DECLINED_MESSAGE = "Your card was declined."
# Per brand card_entry tells apart: the brand as DR writes it, the number's lengths, the code's length.
_BRANDS: dict[str, tuple[str, tuple[int, ...], int]] = {
    "amex": ("American Express", (15,), 4),
    "diners": ("Diners Club", (14, 16), 3),
    "discover": ("Discover", (16, 19), 3),
    "jcb": ("JCB", (16,), 3),
    "mastercard": ("MasterCard", (16,), 3),
    "unionpay": ("UnionPay", (16, 17, 18, 19), 3),
    "visa": ("Visa", (13, 16, 19), 3),
}


def _brand(number: str) -> tuple[str, tuple[int, ...], int] | None:
    return _BRANDS.get(brand_of(number))


def card_problem(number: str, month: str, year: str, cvv: str, today: datetime) -> tuple[str, str, str] | None:
    """DigitalRiver.js's refusal of the typed card as (code, parameter, message), or None when it is whole."""
    digits = "".join(number.split())
    found = _brand(digits) if digits.isdigit() else None
    if not digits:
        return "incomplete_card_number", "creditCard.number", "Your card number is incomplete."
    if found is not None and len(digits) < min(found[1]):
        return "incomplete_card_number", "creditCard.number", "Your card number is incomplete."
    if found is None or len(digits) not in found[1] or not luhn_ok(digits):
        return "invalid_card_number", "creditCard.number", "Your card number is invalid."
    if not month.strip() or not year.strip():
        return "incomplete_expiration_date", "creditCard.expirationMonth", "Your card's expiration date is incomplete."
    if not month.strip().isdigit() or not 1 <= int(month) <= 12:
        return "invalid_expiration_month", "creditCard.expirationMonth", "Your card's expiration month is invalid."
    if not year.strip().isdigit() or len(year.strip()) not in (2, 4):
        return "invalid_expiration_date", "creditCard.expirationYear", "Your card's expiration date is invalid."
    full_year = _full_year(year)
    if (full_year, int(month)) < (today.year, today.month):
        return "invalid_expiration_year", "creditCard.expirationYear", "Your card's expiration year is in the past."
    code = cvv.strip()
    if not code:
        return "incomplete_security_code", "creditCard.cvv", "Your card's security code is incomplete."
    if not code.isdigit() or len(code) != found[2]:
        return "invalid_security_code", "creditCard.cvv", "Your card's security code is invalid."
    return None


def _full_year(year: str) -> int:
    value = int(year.strip())
    return 2000 + value if value < 100 else value


def new_card_source(ids: random.Random, card: Mapping[str, Any], owner: Record, *, live: bool,
                    now: datetime) -> Record:
    """A chargeable card source from what DigitalRiver.js sends, or DR's refusal (a `Refusal`).

    `card` holds number, expirationMonth, expirationYear and cvv as typed; only the last four
    digits, the brand and the expiry go into the source.
    """
    number, month, year, cvv = (str(card.get(k) if card.get(k) is not None else "")
                                for k in ("number", "expirationMonth", "expirationYear", "cvv"))
    problem = card_problem(number, month, year, cvv, now)
    if problem is not None:
        code, parameter, message = problem
        raise refusal(400, code, message, parameter)
    digits = "".join(number.split())
    if digits in FAILING_NUMBERS:
        raise refusal(400, "source_failed", DECLINED_MESSAGE, "creditCard.number")
    kept_owner = _owner(owner)
    if not kept_owner["address"].get("country"):
        raise refusal(400, "missing_parameter", "owner.address.country is required.", "owner.address.country")
    found = _brand(digits)
    assert found is not None  # card_problem refused the rest
    source_id = str(uuid.UUID(int=ids.getrandbits(128), version=4))
    secret = str(uuid.UUID(int=ids.getrandbits(128), version=4))
    return {"id": source_id, "clientSecret": f"{source_id}_{secret}", "createdTime": dr_time(now),
            "type": "creditCard", "reusable": False, "state": "chargeable", "flow": "standard",
            "owner": kept_owner,
            "creditCard": {"brand": found[0], "lastFourDigits": digits[-4:], "expirationMonth": int(month),
                           "expirationYear": _full_year(year)},
            "liveMode": live}


_OWNER_KEYS = ("firstName", "lastName", "email", "organization")
_ADDRESS_KEYS = ("line1", "line2", "city", "postalCode", "state", "country")


def _owner(owner: Mapping[str, Any]) -> Record:
    given = owner.get("address")
    address: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    kept: Record = {k: str(owner[k]) for k in _OWNER_KEYS if owner.get(k)}
    kept["address"] = {k: str(address[k]) for k in _ADDRESS_KEYS if address.get(k)}
    return kept


def check_public_key(key: str) -> None:
    """Any public key passes, as any secret key does: pk_test_ for test data, another pk_ for live."""
    if not key.startswith("pk_") or len(key) <= len("pk_test_"):
        raise refusal(401, "unauthorized", "The API key is not valid.")


def source_request(request: httpx.Request) -> tuple[str, Any, Any]:
    """The public key, `creditCard` and `owner` of DigitalRiver.js's `POST /sources` (or DR's refusal)."""
    key = bearer_token(request) or ""
    if not key.startswith("pk_"):  # the secret key makes only secondary (customerCredit) sources
        raise refusal(403, "forbidden", "Card sources are created with a public key, through DigitalRiver.js.")
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise refusal(400, "invalid_format", "The API speaks exclusively in JSON.")
    body = request_fields(request, invalid=refusal(400, "invalid_format", "The body is not a JSON object."))
    if body.get("type") != "creditCard":
        raise refusal(400, "invalid_parameter", "The emulator creates creditCard sources only.", "type")
    return key, body.get("creditCard"), body.get("owner")


class SourceBook:
    """Sources no customer holds (new, or detached and so cancelled); a saved one lives in its customer."""

    def __init__(self, loose: Iterable[Record] = ()) -> None:
        self.loose = {s["id"]: s for s in loose}

    def make(self, ids: random.Random, public_key: str, card: Any, owner: Any, now: datetime) -> Record:
        """A new card source, as DigitalRiver.js creates one with `public_key` (or DR's refusal)."""
        check_public_key(public_key)
        source = new_card_source(ids, card if isinstance(card, Mapping) else {},
                                 dict(owner) if isinstance(owner, Mapping) else {},
                                 live=not public_key.startswith("pk_test_"), now=now)
        self.loose[source["id"]] = source
        return source

    def find(self, customers: Mapping[str, Record], source_id: str) -> Record | None:
        for record in customers.values():
            for source in record.get("sources", []):
                if source["id"] == source_id:
                    return dict(source)
        return self.loose.get(source_id)

    def view(self, customers: Mapping[str, Record], source_id: str) -> Record:
        """`GET /sources/{id}`."""
        source = self.find(customers, source_id)
        if source is None:
            raise refusal(404, "source_not_found", f"Source '{source_id}' not found.", "id")
        return compact(source)

    def save(self, customers: dict[str, Record], record: Record, source_id: str, now: datetime) -> tuple[Record, bool]:
        """Save the source to the customer `record`: the source as DR answers, and whether anything changed."""
        customer_id = record["id"]
        mine = next((s for s in record.get("sources", []) if s["id"] == source_id), None)
        if mine is not None:
            return mine, False  # saved already: the same answer again
        source = self.find(customers, source_id)
        if source is None:
            raise refusal(404, "source_not_found", f"Source '{source_id}' not found.", "sourceId")
        if source.get("customerId") not in (None, customer_id):
            raise refusal(409, "source_in_use", f"Source '{source_id}' is attached to a different customer.",
                          "sourceId")
        if source.get("state") != "chargeable":
            raise refusal(409, "source_not_chargeable", f"Source '{source_id}' is not chargeable.", "sourceId")
        saved = {**source, "reusable": True, "customerId": customer_id}
        updated = {**record, "sources": [*record.get("sources", []), saved], "updatedTime": dr_time(now)}
        if not updated.get("defaultSourceId"):  # the first source saved becomes the default
            updated["defaultSourceId"] = source_id
        customers[customer_id] = updated
        self.loose.pop(source_id, None)
        return saved, True

    def detached(self, source: Record) -> None:
        """A source taken off its customer: DR cancels it, so it can be used for nothing more."""
        self.loose[source["id"]] = {k: v for k, v in source.items() if k != "customerId"} | {"state": "cancelled"}
