"""Clover's Platform v3 customer endpoints emulated in memory (shared/api/clover.md §10).

Paths carry the merchant id; nested emails, phones, addresses, cards and metadata appear only
when expanded; filters are exact and ANDed; update is POST; and each token may have at most 5
requests in flight and start 16 per second, beyond which the answer is 429.
"""

from __future__ import annotations

import collections
import os
import random
import re
import threading
import time
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

from console.sandbox.base import Emulator, json_response
from console.sandbox.demo_data import generate_people
from console.sandbox.rest import Refusal, bearer_token, path_after, random_id, request_fields

Record = dict[str, Any]

ID_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_IN_FLIGHT = 5
MAX_PER_SECOND = 16
FILTER_FIELDS = ("id", "firstName", "lastName", "fullName", "emailAddress", "phoneNumber", "customerSince",
                 "marketingAllowed", "deletedTime")
EXPANDABLE = ("addresses", "emailAddresses", "phoneNumbers", "cards", "metadata")
_FILTER = re.compile(r"\s*(\w+)\s*(<=|>=|!=|=|<|>)\s*(.*?)\s*$")
_SUB = {"addresses": "addresses", "email_addresses": "emailAddresses", "phone_numbers": "phoneNumbers"}
# field -> (max length, required) for each record kind (clover-android-sdk validate()).
LIMITS: dict[str, dict[str, tuple[int, bool]]] = {
    "customer": {"firstName": (64, False), "lastName": (64, False)},
    "addresses": {"address1": (127, True), "address2": (127, False), "address3": (127, False), "city": (127, True),
                  "state": (127, True), "zip": (10, True), "country": (2, True)},
    "emailAddresses": {"emailAddress": (254, True)},
    "phoneNumbers": {"phoneNumber": (64, True)},
    "metadata": {"businessName": (127, False), "note": (2000, False)},
}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _message(status: int, text: str) -> Refusal:
    return Refusal(status, {"message": text})


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def check(kind: str, body: Record, *, creating: bool) -> None:
    """Clover's length and required rules for one record kind (400 naming the field)."""
    for name, (limit, required) in LIMITS[kind].items():
        value = body.get(name)
        if value is None or value == "":
            if required and creating:
                raise _message(400, f"{name}: is required")
            continue
        if not isinstance(value, str):
            raise _message(400, f"{name}: must be a string")
        if len(value) > limit:
            raise _message(400, f"{name}: exceeds maximum length of {limit}")
    if kind == "emailAddresses" and body.get("emailAddress") and not _EMAIL.fullmatch(body["emailAddress"]):
        raise _message(400, "emailAddress: is not a valid email address")


class CloverEmulator(Emulator):
    """One Clover merchant's customers, with Clover's rate limits per token."""

    provider: ClassVar[str] = "clover"
    default_customers: ClassVar[int] = 600
    routed_methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST", "DELETE"})

    def __init__(self, **kwargs: Any) -> None:
        self._limits = threading.Lock()
        self._in_flight: collections.Counter[str] = collections.Counter()
        self._starts: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self.peak_in_flight = 0
        self.rate_limited = 0
        super().__init__(**kwargs)

    # -- state ----------------------------------------------------------------------------------

    def _seed_state(self, rng: random.Random, count: int) -> None:
        self._merchant_id = random_id(rng, 13, ID_ALPHABET)
        self._ids = random.Random(f"clover-ids-{self.seed}")
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
                "id": cid, "merchant": {"id": self._merchant_id}, "firstName": person.given_name,
                "lastName": person.family_name, "marketingAllowed": rng.random() < 0.3,
                "customerSince": int(person.created_at.timestamp() * 1000),
                "addresses": addresses, "emailAddresses": emails, "phoneNumbers": phones, "cards": cards,
                "metadata": metadata,
            }
        self._customers = customers

    def _dump_state(self) -> dict[str, Any]:
        return {"merchant_id": self._merchant_id, "customers": list(self._customers.values())}

    def _load_state(self, state: dict[str, Any]) -> None:
        self._merchant_id = state["merchant_id"]
        self._customers = {c["id"]: c for c in state["customers"]}
        self._ids = random.Random(os.urandom(16))

    def _demo_credentials(self) -> dict[str, str]:
        return {"token": f"{self._demo_secret('token', 8)}-{self._demo_secret('token2', 4)}-demo"}

    @property
    def merchant_id(self) -> str:
        return self._merchant_id

    def connection_info(self, base_url: str) -> dict[str, str]:
        return {**super().connection_info(base_url), "merchant_id": self._merchant_id}

    def customer(self, customer_id: str) -> Record | None:
        """The stored customer (for tests); treat it as read-only."""
        with self._lock:
            return self._customers.get(customer_id)

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
                return json_response(429, {"message": "Too many concurrent requests"},
                                     {"x-ratelimit-concurrentlimit": str(MAX_IN_FLIGHT), "retry-after": "1"})
            if len(starts) >= MAX_PER_SECOND:
                self.rate_limited += 1
                wait = max(0.0, 1.0 - (now - starts[0]))
                return json_response(429, {"message": "Too many requests"},
                                     {"x-ratelimit-tokenlimit": str(MAX_PER_SECOND), "retry-after": f"{wait:.3f}"})
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

    def _rate_limited_response(self, retry_after: float) -> httpx.Response:
        return json_response(429, {"message": "Too many requests"},
                             {"x-ratelimit-tokenlimit": str(MAX_PER_SECOND), "retry-after": f"{retry_after:g}"})

    def _server_error_response(self, status: int) -> httpx.Response:
        return json_response(status, {"message": "Internal Server Error"})

    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        return json_response(status, _message(status, message).body)

    def _route(self, request: httpx.Request) -> httpx.Response:
        headers = {"x-clover-allowed-filter-fields": ",".join(FILTER_FIELDS)}
        try:
            parts = path_after(request, "/v3/merchants")
            if not parts:
                raise _message(404, "Not Found")
            token = bearer_token(request)
            if token is None or not self._credentials_accepted({"token": token}) or parts[0] != self._merchant_id:
                raise _message(401, "Unauthorized")
            if len(parts) < 2 or parts[1] != "customers":
                raise _message(404, "Not Found")
            status, body = self._dispatch(request, parts[2:])
        except Refusal as refusal:
            return json_response(refusal.status, refusal.body, headers)
        return json_response(status, body, headers)

    def _dispatch(self, request: httpx.Request, rest: list[str]) -> tuple[int, Any]:
        method = request.method
        expand = self._expand(request)
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
        elif rest[1] in _SUB and len(rest) in (2, 3):
            return 200, self._sub_resource(request, rest[0], _SUB[rest[1]], rest[2] if len(rest) == 3 else None)
        raise _message(405 if len(rest) <= 3 else 404, "Method Not Allowed" if len(rest) <= 3 else "Not Found")

    @staticmethod
    def _expand(request: httpx.Request) -> tuple[str, ...]:
        wanted = tuple(p.strip() for v in request.url.params.get_list("expand") for p in v.split(",") if p.strip())
        unknown = [w for w in wanted if w not in EXPANDABLE]
        if unknown:
            raise _message(400, f"Invalid expand: {', '.join(unknown)}")
        return wanted

    def _existing(self, customer_id: str) -> Record:
        record = self._customers.get(customer_id)
        if record is None:
            raise _message(404, "Customer not found")
        return record

    def _view(self, record: Record, expand: tuple[str, ...]) -> Record:
        cid = record["id"]
        out = {k: record[k] for k in ("id", "merchant", "firstName", "lastName", "marketingAllowed", "customerSince")
               if record.get(k) is not None}
        out["href"] = f"{self.base_url}/v3/merchants/{self._merchant_id}/customers/{cid}"
        for name in expand:
            if name == "metadata":
                meta = {k: v for k, v in record["metadata"].items() if v is not None}
                out["metadata"] = {**meta, "customer": {"id": cid}}
            elif name == "cards":
                out["cards"] = {"elements": [{k: v for k, v in card.items() if k != "token"} | {"customer": {"id": cid}}
                                             for card in record["cards"]]}
            else:
                out[name] = {"elements": [{k: v for k, v in item.items() if v is not None} | {"customer": {"id": cid}}
                                          for item in record[name][:100]]}
        return out

    def _list(self, request: httpx.Request, expand: tuple[str, ...]) -> Record:
        params = request.url.params
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
            offset = int(params.get("offset", 0))
        except ValueError:
            raise _message(400, "limit and offset must be integers") from None
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            raise _message(400, f"limit must be between 1 and {MAX_LIMIT}")
        tests = [self._filter(f) for f in params.get_list("filter")]
        matching = [r for r in self._customers.values() if all(t(r) for t in tests)]
        return {"elements": [self._view(r, expand) for r in matching[offset: offset + limit]],
                "href": str(request.url)}

    @staticmethod
    def _filter(text: str) -> Any:
        match = _FILTER.fullmatch(text)
        if match is None or match.group(1) not in FILTER_FIELDS:
            raise _message(400, f"Invalid filter: {text}")
        name, op, value = match.groups()

        def values(record: Record) -> list[Any]:
            if name == "fullName":
                return [" ".join(p for p in (record.get("firstName"), record.get("lastName")) if p)]
            if name == "emailAddress":
                return [m["emailAddress"] for m in record["emailAddresses"]]
            if name == "phoneNumber":
                return [p["phoneNumber"] for p in record["phoneNumbers"]]
            return [record.get(name)]

        def compare(actual: Any) -> bool:
            if actual is None:
                return op == "!="
            if isinstance(actual, bool):
                expected: Any = value.lower() == "true"
            elif isinstance(actual, int):
                try:
                    expected = int(value)
                except ValueError:
                    raise _message(400, f"Invalid filter value: {text}") from None
            else:
                expected = value
            return {"=": actual == expected, "!=": actual != expected, "<": actual < expected,
                    "<=": actual <= expected, ">": actual > expected, ">=": actual >= expected}[op]

        return lambda record: any(compare(v) for v in values(record))

    def _body(self, request: httpx.Request) -> Record:
        body = request_fields(request, invalid=_message(400, "Invalid JSON"))
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            raise _message(415, "Unsupported Media Type")
        return body

    def _new_id(self) -> str:
        return random_id(self._ids, 13, ID_ALPHABET)

    def _create(self, request: httpx.Request, expand: tuple[str, ...]) -> Record:
        body = self._body(request)
        if not body:
            raise _message(400, "Request body must not be null")
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
                raise _message(400, f"{kind}: must be an array")
            for item in items:
                check(kind, item, creating=True)
                record[kind].append({**{k: item.get(k) for k in LIMITS[kind]}, "id": self._new_id(),
                                     **({"primaryEmail": bool(item.get("primaryEmail"))}
                                        if kind == "emailAddresses" else {})})
        if isinstance(body.get("metadata"), dict):
            record["metadata"] = self._merged_metadata(record["metadata"], body["metadata"])
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

    @staticmethod
    def _merged_metadata(old: Record, body: Record) -> Record:
        check("metadata", body, creating=False)
        parts = ("businessName", "note", "dobYear", "dobMonth", "dobDay")
        merged: Record = {**old, **{k: body[k] for k in parts if k in body}}
        for part, low, high in (("dobMonth", 1, 12), ("dobDay", 1, 31), ("dobYear", 1900, 2100)):
            value = merged.get(part)
            if value is not None and (not isinstance(value, int) or not low <= value <= high):
                raise _message(400, f"{part}: out of range")
        return merged

    def _metadata(self, request: httpx.Request, customer_id: str) -> Record:
        record = self._existing(customer_id)
        merged = self._merged_metadata(record["metadata"], self._body(request))
        self._customers[customer_id] = {**record, "metadata": merged}
        self._changed()
        return {**{k: v for k, v in merged.items() if v is not None}, "customer": {"id": customer_id}}

    def _sub_resource(self, request: httpx.Request, customer_id: str, kind: str, item_id: str | None) -> Record:
        record = self._existing(customer_id)
        items = [dict(i) for i in record[kind]]
        index = next((n for n, i in enumerate(items) if i["id"] == item_id), None)
        if item_id is not None and index is None:
            raise _message(404, "Not found")
        if request.method == "DELETE" and index is not None:
            removed = items.pop(index)
            result = removed
        elif request.method == "POST":
            body = self._body(request)
            check(kind, body, creating=item_id is None)
            fields = {k: body[k] for k in LIMITS[kind] if k in body}
            if index is None:
                if len(items) >= 100:
                    raise _message(400, f"{kind}: at most 100 per customer")
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
            raise _message(405, "Method Not Allowed")
        self._customers[customer_id] = {**record, kind: items}
        self._changed()
        return {**{k: v for k, v in result.items() if v is not None}, "customer": {"id": customer_id}}
