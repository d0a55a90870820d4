"""PayArc's `/v1/customers` endpoints emulated in memory (shared/api/payarc.md §12).

Form-encoded and JSON bodies are both accepted, answers come in the `{data, meta}` envelope with
`meta.pagination` on lists, the documented field rules are enforced with Laravel-style 422
bodies, unknown ids are 404, delete is 204, and update is PATCH only.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from console.sandbox.base import json_response
from console.sandbox.payarc.seed import seed_customers
from console.sandbox.payarc.wire import (
    CUSTOMER_KEYS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    RATE_HEADERS,
    RULES,
    Record,
    check_fields,
    envelope,
    invalid,
    refusal,
    timestamp,
)
from console.sandbox.rest import RestEmulator, bearer_token, path_after, random_id, request_fields


class PayArcEmulator(RestEmulator):
    """PayArc customers (with masked cards) for one merchant."""

    provider: ClassVar[str] = "payarc"
    default_customers: ClassVar[int] = 600
    prefix: ClassVar[str] = "/v1/customers"
    routed_methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST", "PATCH", "DELETE"})

    # -- state ----------------------------------------------------------------------------------

    def _seed_state(self, rng: random.Random, count: int) -> None:
        self._customers = seed_customers(rng, count)

    def _dump_state(self) -> dict[str, Any]:
        return {"customers": list(self._customers.values())}

    def _load_state(self, state: dict[str, Any]) -> None:
        self._customers = {c["customer_id"]: c for c in state["customers"]}

    def _demo_credentials(self) -> dict[str, str]:
        return {"token": f"eyJ0eXAiOiJKV1Qi.demo.{self._demo_secret('token', 40)}"}

    def connection_info(self, base_url: str) -> dict[str, str]:
        # Clients are configured with PayArc's API root, which includes the version segment.
        return super().connection_info(base_url.rstrip("/") + "/v1")

    # -- answers --------------------------------------------------------------------------------

    def _rate_limited_response(self, retry_after: str) -> httpx.Response:
        return json_response(429, {"message": "Too Many Attempts."}, {"retry-after": retry_after})

    def _server_error_response(self, status: int) -> httpx.Response:
        return json_response(status, refusal(status, "Server Error").body)

    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        return json_response(status, refusal(status, message).body)

    def _answer_headers(self, request: httpx.Request) -> dict[str, str]:
        return dict(RATE_HEADERS)

    def _authenticate(self, request: httpx.Request) -> None:
        token = bearer_token(request)
        if token is None or not self._credentials_accepted({"token": token}):
            raise refusal(401, "Unauthenticated.")

    def _dispatch(self, request: httpx.Request) -> tuple[int, Any]:
        parts = path_after(request, self.prefix)
        if parts is None or len(parts) > 1:
            raise refusal(404, "Route not found.")
        customer_id = parts[0] if parts else None
        method = request.method
        if customer_id is None:
            if method == "GET":
                return 200, self._list(request)
            if method == "POST":
                return 201, self._create(request)
        else:
            if method == "GET":
                return 200, envelope(self._existing(customer_id))
            if method == "PATCH":
                return 200, self._update(request, customer_id)
            if method == "DELETE":
                self._existing(customer_id)
                del self._customers[customer_id]
                self._changed()
                return 204, None
        raise refusal(405, f"The {method} method is not supported for this route.")

    def _existing(self, customer_id: str) -> Record:
        # Ids are Hashids, letters and digits only; one that cannot be decoded (the SDKs' display form
        # `cus_<id>` among them) is Apiato's IncorrectIdException. tests/sandbox/test_payarc_ids.py says more.
        if not (customer_id.isascii() and customer_id.isalnum()):
            raise refusal(400, "ID input is incorrect.")
        record = self._customers.get(customer_id)
        if record is None:
            raise refusal(404, "Customer not found.")
        return record

    def _list(self, request: httpx.Request) -> dict[str, Any]:
        params = request.url.params
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
            page = int(params.get("page", 1))
        except ValueError:
            raise invalid({"limit": ["The limit and page must be integers."]}) from None
        if not 1 <= limit <= MAX_LIMIT or page < 1:
            raise invalid({"limit": [f"The limit must be between 1 and {MAX_LIMIT}."]})
        records = list(self._customers.values())
        total = len(records)
        pages = max(1, -(-total // limit))
        chunk = records[(page - 1) * limit: page * limit]
        links = {}
        if page < pages:
            links["next"] = f"{request.url.copy_with(query=None)}?page={page + 1}&limit={limit}"
        if page > 1:
            links["previous"] = f"{request.url.copy_with(query=None)}?page={page - 1}&limit={limit}"
        return {"data": [envelope(r)["data"] for r in chunk],
                "meta": {"include": [], "custom": [],
                         "pagination": {"total": total, "count": len(chunk), "per_page": limit,
                                        "current_page": page, "total_pages": pages, "links": links}}}

    def _fields(self, request: httpx.Request, *, updating: bool) -> dict[str, Any]:
        body = request_fields(request, invalid=refusal(400, "The request body could not be read."))
        writable = set(RULES) | ({"default_card_id", "token_id"} if updating else set())
        fields = {k: v for k, v in body.items() if k in writable}
        errors = check_fields(fields)
        if errors:
            raise invalid(errors)
        return fields

    def _create(self, request: httpx.Request) -> dict[str, Any]:
        fields = self._fields(request, updating=False)
        customer_id = random_id(self._ids, 16)
        now = datetime.now(UTC)
        record: Record = dict.fromkeys(CUSTOMER_KEYS)
        record.update({"object": "customer", "customer_id": customer_id, "id": customer_id, "payment_overdue": 0,
                       "created_at": timestamp(now, True), "updated_at": timestamp(now, True),
                       "invoice_prefix": random_id(self._ids, 4).upper(), "card": {"data": []}})
        record.update({k: str(v) for k, v in fields.items()})
        self._customers[customer_id] = record
        self._changed()
        return envelope(record)

    def _update(self, request: httpx.Request, customer_id: str) -> dict[str, Any]:
        old = self._existing(customer_id)
        fields = self._fields(request, updating=True)
        record = {**old, **{k: str(v) for k, v in fields.items() if k in RULES},
                  "updated_at": timestamp(datetime.now(UTC), True)}
        default_card = fields.get("default_card_id")
        if default_card is not None:
            cards = old["card"]["data"]
            if not any(card["id"] == default_card for card in cards):
                raise invalid({"default_card_id": ["The selected default card id is invalid."]})
            record["card"] = {"data": [{**card, "is_default": int(card["id"] == default_card)} for card in cards]}
        self._customers[old["customer_id"]] = record
        self._changed()
        return envelope(record)
