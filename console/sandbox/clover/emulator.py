"""Clover's Platform v3 customer endpoints emulated in memory (shared/api/clover.md §10).

Paths carry the merchant id; nested emails, phones, addresses, cards and metadata appear only
when expanded; filters are exact and ANDed; update is POST; and each token may have at most 5
requests in flight and start 16 per second, beyond which the answer is 429.
"""

from __future__ import annotations

import collections
import random
import threading
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from console.sandbox.base import json_response
from console.sandbox.clover.cards import CloverCards
from console.sandbox.clover.seed import seed_merchant
from console.sandbox.clover.wire import (
    DEFAULT_LIMIT,
    FILTER_FIELDS,
    ID_ALPHABET,
    LIMITS,
    MAX_IN_FLIGHT,
    MAX_LIMIT,
    MAX_PER_SECOND,
    SUB_RESOURCES,
    Record,
    check,
    compile_filter,
    expanded,
    merged_metadata,
    refusal,
    too_many_requests,
    view,
)
from console.sandbox.rest import RestEmulator, bearer_token, path_after, random_id, request_fields


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


class CloverEmulator(CloverCards, RestEmulator):
    """One Clover merchant's customers, with Clover's rate limits per token."""

    provider: ClassVar[str] = "clover"
    default_customers: ClassVar[int] = 600
    # PUT only for the Ecommerce customer call (console/sandbox/clover/cards.py); Platform v3 answers it 405.
    routed_methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST", "DELETE", "PUT"})

    def __init__(self, **kwargs: Any) -> None:
        self._limits = threading.Lock()
        self._in_flight: collections.Counter[str] = collections.Counter()
        self._starts: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self.peak_in_flight = 0
        self.rate_limited = 0
        self._tokens: dict[str, Record] = {}  # one-time card tokens live in memory only, as they expire
        super().__init__(**kwargs)

    # -- state ----------------------------------------------------------------------------------

    def _seed_state(self, rng: random.Random, count: int) -> None:
        self._merchant_id, self._customers = seed_merchant(rng, count)

    def _dump_state(self) -> dict[str, Any]:
        return {"merchant_id": self._merchant_id, "customers": list(self._customers.values())}

    def _load_state(self, state: dict[str, Any]) -> None:
        self._merchant_id = state["merchant_id"]
        self._customers = {c["id"]: c for c in state["customers"]}

    def _demo_credentials(self) -> dict[str, str]:
        return {"token": f"{self._demo_secret('token', 8)}-{self._demo_secret('token2', 4)}-demo",
                "ecommerce_private_key": self._private_key()}

    @property
    def merchant_id(self) -> str:
        return self._merchant_id

    def connection_info(self, base_url: str) -> dict[str, str]:
        return {**super().connection_info(base_url), "merchant_id": self._merchant_id,
                "ecommerce_public_key": self.public_key}

    # -- rate limits (per token) ----------------------------------------------------------------

    def admit(self, request: httpx.Request) -> httpx.Response | None:
        token = bearer_token(request) or ""
        now = time.monotonic()
        if not self.enforce_rate_limits:
            return None
        with self._limits:
            starts = self._starts[token]
            while starts and now - starts[0] >= 1.0:
                starts.popleft()
            if self._in_flight[token] >= MAX_IN_FLIGHT:
                self.rate_limited += 1
                return json_response(429, refusal(429, "Too many concurrent requests").body,
                                     {"x-ratelimit-concurrentlimit": str(MAX_IN_FLIGHT), "retry-after": "1"})
            if len(starts) >= MAX_PER_SECOND:
                self.rate_limited += 1
                wait = max(0.0, 1.0 - (now - starts[0]))
                return too_many_requests(f"{wait:.3f}")
            starts.append(now)
            self._in_flight[token] += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight[token])
        return None

    def release(self, request: httpx.Request) -> None:
        with self._limits:
            token = bearer_token(request) or ""
            if self._in_flight[token] > 0:
                self._in_flight[token] -= 1

    def start_times(self) -> list[float]:
        """Monotonic start times of the admitted requests still in the one-second windows (for tests)."""
        with self._limits:
            return sorted(t for starts in self._starts.values() for t in starts)

    # -- answers --------------------------------------------------------------------------------

    def _rate_limited_response(self, retry_after: str) -> httpx.Response:
        return too_many_requests(retry_after)

    def _server_error_response(self, status: int) -> httpx.Response:
        return json_response(status, refusal(status, "Internal Server Error").body)

    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        return json_response(status, refusal(status, message).body)

    def _answer_headers(self, request: httpx.Request) -> dict[str, str]:
        return {"x-clover-allowed-filter-fields": ",".join(FILTER_FIELDS)}

    def _authenticate(self, request: httpx.Request) -> None:
        # The merchant in the path is part of what the token must be good for.
        parts = path_after(request, "/v3/merchants")
        if not parts:
            raise refusal(404, "Not Found")
        token = bearer_token(request)
        if token is None or not self._key_accepted("token", token) or parts[0] != self._merchant_id:
            raise refusal(401, "Unauthorized")

    def _dispatch(self, request: httpx.Request) -> tuple[int, Any]:
        parts = path_after(request, "/v3/merchants") or []
        if len(parts) < 2 or parts[1] != "customers":
            raise refusal(404, "Not Found")
        rest = parts[2:]
        method = request.method
        expand = expanded(request)
        if not rest:
            if method == "GET":
                return 200, self._list(request, expand)
            if method == "POST":
                return 200, self._create(request, expand)
        elif len(rest) == 1:
            if method == "GET":
                return 200, self._view(self._existing(rest[0]), expand)
            if method == "POST":
                return 200, self._update(request, rest[0], expand)
            if method == "DELETE":
                record = self._existing(rest[0])
                del self._customers[rest[0]]
                self._changed()
                return 200, self._view(record, ())
        elif rest[1] == "metadata" and len(rest) == 2 and method == "POST":
            return 200, self._metadata(request, rest[0])
        elif rest[1] in SUB_RESOURCES and len(rest) in (2, 3):
            item_id = rest[2] if len(rest) == 3 else None
            return 200, self._sub_resource(request, rest[0], SUB_RESOURCES[rest[1]], item_id)
        raise refusal(405 if len(rest) <= 3 else 404, "Method Not Allowed" if len(rest) <= 3 else "Not Found")

    def _existing(self, customer_id: str) -> Record:
        record = self._customers.get(customer_id)
        if record is None:
            raise refusal(404, "Customer not found")
        return record

    def _view(self, record: Record, expand: tuple[str, ...]) -> Record:
        return view(record, expand, f"{self.base_url}/v3/merchants/{self._merchant_id}/customers/{record['id']}")

    def _list(self, request: httpx.Request, expand: tuple[str, ...]) -> Record:
        params = request.url.params
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
            offset = int(params.get("offset", 0))
        except ValueError:
            raise refusal(400, "limit and offset must be integers") from None
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            raise refusal(400, f"limit must be between 1 and {MAX_LIMIT}")
        tests = [compile_filter(f) for f in params.get_list("filter")]
        matching = [r for r in self._customers.values() if all(t(r) for t in tests)]
        return {"elements": [self._view(r, expand) for r in matching[offset: offset + limit]],
                "href": str(request.url)}

    def _body(self, request: httpx.Request) -> Record:
        body = request_fields(request, invalid=refusal(400, "Invalid JSON"))
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            raise refusal(415, "Unsupported Media Type")
        return body

    def _new_id(self) -> str:
        return random_id(self._ids, 13, ID_ALPHABET)

    def _create(self, request: httpx.Request, expand: tuple[str, ...]) -> Record:
        body = self._body(request)
        if not body:
            raise refusal(400, "Request body must not be null")
        check("customer", body, creating=True)
        record: Record = {"id": self._new_id(), "merchant": {"id": self._merchant_id},
                          "firstName": body.get("firstName"), "lastName": body.get("lastName"),
                          "marketingAllowed": bool(body.get("marketingAllowed", False)), "customerSince": _now_ms(),
                          "addresses": [], "emailAddresses": [], "phoneNumbers": [], "cards": [],
                          "metadata": {"businessName": None, "note": None, "dobYear": None, "dobMonth": None,
                                       "dobDay": None}}
        for kind in ("addresses", "emailAddresses", "phoneNumbers"):
            items = body.get(kind) or []
            if not isinstance(items, list):
                raise refusal(400, f"{kind}: must be an array")
            for item in items:
                check(kind, item, creating=True)
                record[kind].append({**{k: item.get(k) for k in LIMITS[kind]}, "id": self._new_id(),
                                     **({"primaryEmail": bool(item.get("primaryEmail"))}
                                        if kind == "emailAddresses" else {})})
        if isinstance(body.get("metadata"), dict):
            record["metadata"] = merged_metadata(record["metadata"], body["metadata"])
        self._customers[record["id"]] = record
        self._changed()
        return self._view(record, expand)

    def _update(self, request: httpx.Request, customer_id: str, expand: tuple[str, ...]) -> Record:
        record = self._existing(customer_id)
        body = self._body(request)
        check("customer", body, creating=False)
        updated: Record = {**record, **{k: body[k] for k in ("firstName", "lastName") if k in body}}
        if "marketingAllowed" in body:
            updated["marketingAllowed"] = bool(body["marketingAllowed"])
        self._customers[customer_id] = updated
        self._changed()
        return self._view(updated, expand)

    def _metadata(self, request: httpx.Request, customer_id: str) -> Record:
        record = self._existing(customer_id)
        merged = merged_metadata(record["metadata"], self._body(request))
        self._customers[customer_id] = {**record, "metadata": merged}
        self._changed()
        return {**{k: v for k, v in merged.items() if v is not None}, "customer": {"id": customer_id}}

    def _sub_resource(self, request: httpx.Request, customer_id: str, kind: str, item_id: str | None) -> Record:
        record = self._existing(customer_id)
        items = [dict(i) for i in record[kind]]
        index = next((n for n, i in enumerate(items) if i["id"] == item_id), None)
        if item_id is not None and index is None:
            raise refusal(404, "Not found")
        if request.method == "DELETE" and index is not None:
            removed = items.pop(index)
            result = removed
        elif request.method == "POST":
            body = self._body(request)
            check(kind, body, creating=item_id is None)
            fields = {k: body[k] for k in LIMITS[kind] if k in body}
            if index is None:
                if len(items) >= 100:
                    raise refusal(400, f"{kind}: at most 100 per customer")
                result = {**dict.fromkeys(LIMITS[kind]), **fields, "id": self._new_id()}
                if kind == "emailAddresses":
                    result["primaryEmail"] = bool(body.get("primaryEmail")) or not items
                items.append(result)
            else:
                result = items[index] = {**items[index], **fields}
            if kind == "emailAddresses" and body.get("primaryEmail"):
                for item in items:
                    item["primaryEmail"] = item["id"] == result["id"]
        else:
            raise refusal(405, "Method Not Allowed")
        self._customers[customer_id] = {**record, kind: items}
        self._changed()
        return {**{k: v for k, v in result.items() if v is not None}, "customer": {"id": customer_id}}
