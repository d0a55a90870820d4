"""PayArc's `/v1/customers` endpoints emulated in memory (shared/api/payarc.md §12).

Form-encoded and JSON bodies are both accepted, answers come in the `{data, meta}` envelope with
`meta.pagination` on lists, the documented field rules are enforced with Laravel-style 422
bodies, unknown ids are 404, delete is 204, and update is PATCH only.
"""

from __future__ import annotations

import os
import random
import re
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from console.sandbox.base import Emulator, json_response
from console.sandbox.demo_data import ascii_letters, generate_people
from console.sandbox.rest import Refusal, bearer_token, path_after, random_id, request_fields

Record = dict[str, Any]

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
_LETTERS = re.compile(r"[A-Za-z ]+")
_ZIP = re.compile(r"[0-9-]+")
_DIGITS = re.compile(r"[0-9]+")
_RATE_HEADERS = {"x-ratelimit-limit": "30", "x-ratelimit-remaining": "29"}

# field -> (min length, max length, pattern, what the pattern allows)
RULES: dict[str, tuple[int | None, int, re.Pattern[str] | None, str]] = {
    "name": (3, 50, _LETTERS, "letters and spaces"),
    "email": (None, 40, None, ""),
    "description": (5, 50, None, ""),
    "send_email_address": (5, 40, None, ""),
    "cc_email_address": (5, 40, None, ""),
    "country": (2, 50, _LETTERS, "letters and spaces"),
    "address_1": (5, 50, None, ""),
    "address_2": (5, 50, None, ""),
    "city": (2, 50, _LETTERS, "letters and spaces"),
    "state": (2, 50, _LETTERS, "letters and spaces"),
    "zip": (None, 10, _ZIP, "numbers and hyphens"),
    "phone": (2, 11, _DIGITS, "numbers"),
}
CUSTOMER_KEYS = ("object", "customer_id", "id", "name", "email", "description", "payment_overdue", "send_email_address",
                 "cc_email_address", "source_id", "address_1", "address_2", "city", "state", "zip", "phone",
                 "country", "created_at", "updated_at", "readable_created_at", "readable_updated_at",
                 "invoice_prefix", "card", "bank_account", "charge")
_BRANDS = ("V", "V", "M", "M", "X", "R")


def _invalid(errors: dict[str, list[str]]) -> Refusal:
    return Refusal(422, {"message": "The given data was invalid.", "errors": errors})


def check_fields(fields: dict[str, Any]) -> dict[str, list[str]]:
    """PayArc's documented rules, as Laravel words its validation messages."""
    errors: dict[str, list[str]] = {}
    for name, (low, high, pattern, allowed) in RULES.items():
        if name not in fields:
            continue
        value = fields[name]
        if not isinstance(value, str | int) or isinstance(value, bool):
            errors[name] = [f"The {name} must be a string."]
            continue
        text = str(value)
        problems = []
        if pattern is not None and not pattern.fullmatch(text):
            problems.append(f"The {name} may only contain {allowed}.")
        if name == "phone":
            if not 2 <= len(text) <= 11:
                problems.append("The phone must be between 2 and 11 digits.")
        elif low is not None and len(text) < low:
            problems.append(f"The {name} must be at least {low} characters.")
        if len(text) > high and name != "phone":
            problems.append(f"The {name} may not be greater than {high} characters.")
        if problems:
            errors[name] = problems
    return errors


def _timestamp(moment: datetime, as_epoch: bool) -> int | str:
    # Older answers carry 'YYYY-MM-DD HH:MM:SS', newer ones epoch seconds; clients see both.
    return int(moment.timestamp()) if as_epoch else moment.strftime("%Y-%m-%d %H:%M:%S")


class PayArcEmulator(Emulator):
    """PayArc customers (with masked cards) for one merchant."""

    provider: ClassVar[str] = "payarc"
    default_customers: ClassVar[int] = 600
    prefix: ClassVar[str] = "/v1/customers"
    routed_methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST", "PATCH", "DELETE"})

    # -- state ----------------------------------------------------------------------------------

    def _seed_state(self, rng: random.Random, count: int) -> None:
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
                "zip": person.address.postal_code if _ZIP.fullmatch(person.address.postal_code) else None,
                "phone": digits if len(digits) <= 11 else digits[-10:],
                "country": person.address.country,
                "created_at": _timestamp(person.created_at, index % 2 == 0),
                "updated_at": _timestamp(person.updated_at, index % 2 == 0),
                "invoice_prefix": random_id(rng, 4).upper(),
                "card": {"data": []},
            }
            if record["description"] is not None and not 5 <= len(record["description"]) <= 50:
                record["description"] = None
            if rng.random() < 0.3:
                record["send_email_address"] = record["email"]
            for number in range(int(rng.random() * 3)):
                record["card"]["data"].append(self._new_card(rng, customer_id, name, default=number == 0))
            customers[customer_id] = record
        self._customers = customers
        self._ids = random.Random(f"payarc-ids-{self.seed}")

    @staticmethod
    def _new_card(rng: random.Random, customer_id: str, holder: str, *, default: bool) -> Record:
        brand = rng.choice(_BRANDS)
        first6 = {"V": "411111", "M": "555555", "X": "378282", "R": "601111"}[brand]
        return {"object": "Card", "id": random_id(rng, 16), "customer_id": customer_id, "brand": brand,
                "first6digit": int(first6), "last4digit": f"{int(rng.random() * 10000):04d}",
                "exp_month": str(1 + int(rng.random() * 12)), "exp_year": str(2027 + int(rng.random() * 5)),
                "card_holder_name": holder, "is_default": 1 if default else 0, "is_verified": 1,
                "card_source": "INTERNET"}

    def _dump_state(self) -> dict[str, Any]:
        return {"customers": list(self._customers.values())}

    def _load_state(self, state: dict[str, Any]) -> None:
        self._customers = {c["customer_id"]: c for c in state["customers"]}
        self._ids = random.Random(os.urandom(16))

    def _demo_credentials(self) -> dict[str, str]:
        return {"token": f"eyJ0eXAiOiJKV1Qi.demo.{self._demo_secret('token', 40)}"}

    def connection_info(self, base_url: str) -> dict[str, str]:
        # Clients are configured with PayArc's API root, which includes the version segment.
        return super().connection_info(base_url.rstrip("/") + "/v1")

    def customer(self, customer_id: str) -> Record | None:
        """The stored customer (for tests); treat it as read-only."""
        with self._lock:
            return self._customers.get(customer_id)

    # -- answers --------------------------------------------------------------------------------

    def _rate_limited_response(self, retry_after: float) -> httpx.Response:
        seconds = str(int(retry_after)) if float(retry_after).is_integer() else f"{retry_after:g}"
        return json_response(429, {"message": "Too Many Attempts."}, {"retry-after": seconds})

    def _server_error_response(self, status: int) -> httpx.Response:
        return json_response(status, {"message": "Server Error", "status_code": status})

    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        return json_response(status, {"message": message, "status_code": status})

    def _route(self, request: httpx.Request) -> httpx.Response:
        try:
            token = bearer_token(request)
            if token is None or not self._credentials_accepted({"token": token}):
                raise Refusal(401, {"message": "Unauthenticated.", "status_code": 401})
            parts = path_after(request, self.prefix)
            if parts is None or len(parts) > 1:
                raise Refusal(404, {"message": "Route not found.", "status_code": 404})
            status, body = self._dispatch(request, parts[0] if parts else None)
        except Refusal as refusal:
            return json_response(refusal.status, refusal.body, {**_RATE_HEADERS, **refusal.headers})
        if status == 204:
            return httpx.Response(204, headers=_RATE_HEADERS)
        return json_response(status, body, _RATE_HEADERS)

    def _dispatch(self, request: httpx.Request, customer_id: str | None) -> tuple[int, Any]:
        method = request.method
        if customer_id is None:
            if method == "GET":
                return 200, self._list(request)
            if method == "POST":
                return 201, self._create(request)
        else:
            if method == "GET":
                return 200, self._envelope(self._existing(customer_id))
            if method == "PATCH":
                return 200, self._update(request, customer_id)
            if method == "DELETE":
                self._existing(customer_id)
                del self._customers[customer_id]
                self._changed()
                return 204, None
        raise Refusal(405, {"message": f"The {method} method is not supported for this route.",
                            "status_code": 405})

    def _existing(self, customer_id: str) -> Record:
        record = self._customers.get(customer_id.removeprefix("cus_"))
        if record is None:
            raise Refusal(404, {"message": "Customer not found.", "status_code": 404})
        return record

    @staticmethod
    def _envelope(record: Record) -> dict[str, Any]:
        return {"data": {key: record.get(key) for key in CUSTOMER_KEYS},
                "meta": {"include": ["card", "charge", "subscription", "invoice"], "custom": []}}

    def _list(self, request: httpx.Request) -> dict[str, Any]:
        params = request.url.params
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
            page = int(params.get("page", 1))
        except ValueError:
            raise _invalid({"limit": ["The limit and page must be integers."]}) from None
        if not 1 <= limit <= MAX_LIMIT or page < 1:
            raise _invalid({"limit": [f"The limit must be between 1 and {MAX_LIMIT}."]})
        records = list(self._customers.values())
        total = len(records)
        pages = max(1, -(-total // limit))
        chunk = records[(page - 1) * limit: page * limit]
        links = {}
        if page < pages:
            links["next"] = f"{request.url.copy_with(query=None)}?page={page + 1}&limit={limit}"
        if page > 1:
            links["previous"] = f"{request.url.copy_with(query=None)}?page={page - 1}&limit={limit}"
        return {"data": [self._envelope(r)["data"] for r in chunk],
                "meta": {"include": [], "custom": [],
                         "pagination": {"total": total, "count": len(chunk), "per_page": limit,
                                        "current_page": page, "total_pages": pages, "links": links}}}

    def _fields(self, request: httpx.Request, *, updating: bool) -> dict[str, Any]:
        body = request_fields(request, invalid=Refusal(400, {"message": "The request body could not be read.",
                                                             "status_code": 400}))
        writable = set(RULES) | ({"default_card_id", "token_id"} if updating else set())
        fields = {k: v for k, v in body.items() if k in writable}
        errors = check_fields(fields)
        if errors:
            raise _invalid(errors)
        return fields

    def _create(self, request: httpx.Request) -> dict[str, Any]:
        fields = self._fields(request, updating=False)
        customer_id = random_id(self._ids, 16)
        now = datetime.now(UTC)
        record: Record = dict.fromkeys(CUSTOMER_KEYS)
        record.update({"object": "customer", "customer_id": customer_id, "id": customer_id, "payment_overdue": 0,
                       "created_at": _timestamp(now, True), "updated_at": _timestamp(now, True),
                       "invoice_prefix": random_id(self._ids, 4).upper(), "card": {"data": []}})
        record.update({k: str(v) for k, v in fields.items()})
        self._customers[customer_id] = record
        self._changed()
        return self._envelope(record)

    def _update(self, request: httpx.Request, customer_id: str) -> dict[str, Any]:
        old = self._existing(customer_id)
        fields = self._fields(request, updating=True)
        record = {**old, **{k: str(v) for k, v in fields.items() if k in RULES},
                  "updated_at": _timestamp(datetime.now(UTC), True)}
        default_card = fields.get("default_card_id")
        if default_card is not None:
            cards = old["card"]["data"]
            if not any(card["id"] == default_card for card in cards):
                raise _invalid({"default_card_id": ["The selected default card id is invalid."]})
            record["card"] = {"data": [{**card, "is_default": int(card["id"] == default_card)} for card in cards]}
        self._customers[old["customer_id"]] = record
        self._changed()
        return self._envelope(record)
