"""Digital River's customer endpoints emulated in memory, shaped by its OpenAPI file.

Answers carry only the Customer schema's keys (unset ones absent), errors are `{type, errors}`,
lists (customers, and the customer events of `events.py`) are newest first with
`startingAfter`/`endingBefore`/`hasMore` and a default page of 10,
create is 201 with a caller-chosen id of at most 40 characters (409 when taken), update is POST,
delete is 204, and `requestToBeForgotten` may only be set by an update, and only to true.
Every request body is checked against DR's request schema, nested objects included
(`request_schema`), so what is stored, and later served, always fits the Customer schema.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from console.sandbox.base import json_response
from console.sandbox.digital_river import card_page
from console.sandbox.digital_river.events import EventLog
from console.sandbox.digital_river.seed import new_source, seed_customers
from console.sandbox.digital_river.sources import SourceBook, check_public_key, source_request
from console.sandbox.digital_river.wire import (
    DEFAULT_LIMIT,
    ID_MAX,
    MAX_LIMIT,
    REFUSAL_CODES,
    Record,
    compact,
    dr_time,
    matches,
    parse_time,
    refusal,
    request_body,
)
from console.sandbox.rest import RestEmulator, bearer_token, path_after, random_id


class DigitalRiverEmulator(RestEmulator):
    """Digital River customers, sources and tax identifiers for one account."""

    provider: ClassVar[str] = "digital-river"
    default_customers: ClassVar[int] = 600
    routed_methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST", "DELETE"})

    # -- state ----------------------------------------------------------------------------------

    def _seed_state(self, rng: random.Random, count: int) -> None:
        self._customers = seed_customers(rng, count)
        self._tax_ids: dict[str, Record] = {}
        self._sources = SourceBook()
        self._events = EventLog(self.seed)

    def _dump_state(self) -> dict[str, Any]:
        return {"customers": list(self._customers.values()), "tax_ids": list(self._tax_ids.values()),
                "sources": list(self._sources.loose.values()), "events": self._events.dump()}

    def _load_state(self, state: dict[str, Any]) -> None:
        self._customers = {c["id"]: c for c in state["customers"]}
        self._tax_ids = {t["id"]: t for t in state.get("tax_ids", [])}
        self._sources = SourceBook(state.get("sources", []))
        self._events = EventLog(self.seed, state.get("events", []))

    def _demo_credentials(self) -> dict[str, str]:
        return {"secret_key": f"sk_test_{self._demo_secret('secret_key', 40)}"}

    def connection_info(self, base_url: str) -> dict[str, str]:
        # DigitalRiver.js's public key, for the account's card form (the client's `public_key` option).
        return {**super().connection_info(base_url), "public_key": f"pk_test_{self._demo_secret('public_key', 32)}"}

    def customer_ids_forgotten(self) -> list[str]:
        """Ids of customers with a recorded request to be forgotten (for tests)."""
        with self._lock:
            return [cid for cid, record in self._customers.items() if record.get("requestToBeForgotten")]

    def attach_source(self, customer_id: str) -> str:
        """Attach a new reusable card source to a customer, as checkout would (for tests); its id."""
        with self._lock:
            record = self._customers[customer_id]
            source = new_source(self._ids, "Test", "Owner", "US", customer_id, datetime.now(UTC))
            self._customers[customer_id] = {**record, "sources": [*record.get("sources", []), source]}
            self._changed()
            return str(source["id"])

    # -- answers --------------------------------------------------------------------------------

    def _rate_limited_response(self, retry_after: str) -> httpx.Response:
        body = refusal(429, "too_many_requests", "Too many requests; try again later.").body
        return json_response(429, body, {"retry-after": retry_after})

    def _server_error_response(self, status: int) -> httpx.Response:
        return json_response(status, refusal(status, "internal_error", "An internal error occurred.").body)

    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        code, parameter = REFUSAL_CODES.get(status, ("invalid_format", None))
        return json_response(status, refusal(status, code, message, parameter).body, self._answer_headers(request))

    def _answer_headers(self, request: httpx.Request) -> dict[str, str]:
        return {"x-dr-requestid": random_id(self._ids, 24)}

    def _route(self, request: httpx.Request) -> httpx.Response:
        if card_page.serves(request):  # HTML for the browser, not the JSON API
            return card_page.answer(request, self._card_source)
        return super()._route(request)

    def _record(self, request: httpx.Request, body: bytes) -> None:
        # Card numbers and security codes reach these routes; the request log keeps neither.
        carries_card = card_page.serves(request) or request.url.path.rstrip("/") == "/sources"
        super()._record(request, b"" if carries_card else body)

    def _authenticate(self, request: httpx.Request) -> None:
        key = bearer_token(request)
        if key is not None and key.startswith("pk_") and request.url.path.rstrip("/") == "/sources":
            check_public_key(key)  # DigitalRiver.js creates sources with the public key
            return
        if key is None or not key.startswith("sk_") or not self._credentials_accepted({"secret_key": key}):
            raise refusal(401, "unauthorized", "The API key is not valid.")
        self._live = not key.startswith("sk_test_")

    def _dispatch(self, request: httpx.Request) -> tuple[int, Any]:
        method = request.method
        parts = path_after(request, "/customers")
        if parts is not None:
            if not parts:
                if method == "GET":
                    return 200, self._list(request)
                if method == "POST":
                    return 201, self._create(request)
            elif len(parts) == 1:
                if method == "GET":
                    return 200, self._view(self._existing(parts[0]))
                if method == "POST":
                    return 200, self._update(request, parts[0])
                if method == "DELETE":
                    self._event("customer.deleted", self._existing(parts[0]))
                    del self._customers[parts[0]]
                    self._changed()
                    return 204, None
            elif len(parts) == 3 and parts[1] == "tax-identifiers" and method == "POST":
                return 200, self._attach_tax_id(parts[0], parts[2])
            elif len(parts) == 3 and parts[1] == "sources" and method == "DELETE":
                self._detach_source(parts[0], parts[2])
                return 204, None
            elif len(parts) == 3 and parts[1] == "sources" and method == "POST":
                return 200, self._save_source(parts[0], parts[2])
            raise refusal(405, "method_not_allowed", f"{method} is not allowed here.")
        events = path_after(request, "/events")
        if events is not None:
            if not events and method == "GET":
                return 200, self._events.answer(request, self.now())
            raise refusal(405, "method_not_allowed", f"{method} is not allowed here.")
        sources = path_after(request, "/sources")
        if sources is not None:
            if not sources and method == "POST":
                return 201, self._card_source(*source_request(request))
            if len(sources) == 1 and method == "GET":
                return 200, self._sources.view(self._customers, sources[0])
            raise refusal(405, "method_not_allowed", f"{method} is not allowed here.")
        tax = path_after(request, "/tax-identifiers")
        if tax is not None:
            if not tax and method == "POST":
                return 201, self._create_tax_id(request)
            if len(tax) == 1 and method == "DELETE":
                self._delete_tax_id(tax[0])
                return 204, None
            raise refusal(405, "method_not_allowed", f"{method} is not allowed here.")
        raise refusal(404, "not_found", "No such resource.")

    def _event(self, kind: str, record: Record) -> None:
        self._events.record(kind, self._view(record), self.now(), getattr(self, "_live", False))

    def _existing(self, customer_id: str) -> Record:
        record = self._customers.get(customer_id)
        if record is None:
            raise refusal(404, "not_found", f"Customer '{customer_id}' not found.", "id")
        return record

    def _view(self, record: Record) -> Record:
        live = getattr(self, "_live", False)
        sources = [{**s, "liveMode": live} for s in record.get("sources", [])]
        return compact({**record, "sources": sources, "liveMode": live})

    # -- list -----------------------------------------------------------------------------------

    def _list(self, request: httpx.Request) -> Record:
        params = request.url.params
        allowed = {"limit", "startingAfter", "endingBefore", "email", "ids", "requestToBeForgotten", "createdTime",
                   "updatedTime"}
        for name in params:
            if name.split("[")[0] not in allowed:
                raise refusal(400, "unknown_parameter", f"'{name}' is not a known parameter.", name)
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            raise refusal(400, "invalid_parameter", f"limit must be between 1 and {MAX_LIMIT}.", "limit")
        newest_first = sorted(self._customers.values(), key=lambda r: (r["createdTime"], r["id"]), reverse=True)
        matching = [r for r in newest_first if matches(r, params)]
        before, after = params.get("endingBefore"), params.get("startingAfter")
        if before is not None:  # the docs: when both are given, only endingBefore counts
            position = self._position(matching, before, "endingBefore")
            chunk = matching[max(0, position - limit): position]
            more = position - limit > 0
        else:
            start = self._position(matching, after, "startingAfter") + 1 if after is not None else 0
            chunk = matching[start: start + limit]
            more = start + limit < len(matching)
        return {"hasMore": more, "data": [self._view(r) for r in chunk]}

    def _position(self, records: list[Record], cursor: str, parameter: str) -> int:
        for index, record in enumerate(records):
            if record["id"] == cursor:
                return index
        if cursor in self._customers:  # exists but filtered out: nothing after it matches the same way
            return len(records)
        raise refusal(400, "invalid_parameter", f"'{cursor}' is not a customer id.", parameter)

    # -- writes ---------------------------------------------------------------------------------

    def _create(self, request: httpx.Request) -> Record:
        body = request_body(request, "CustomerRequest")
        customer_id = body.get("id")
        if customer_id is None:
            customer_id = str(500_000_000_000 + int(self._ids.random() * 99_999_999_999))
        if not isinstance(customer_id, str) or not customer_id.strip():
            raise refusal(400, "invalid_string_blank", "id must not be blank.", "id")
        if len(customer_id) > ID_MAX:
            raise refusal(400, "invalid_parameter", f"id must be {ID_MAX} characters or less.", "id")
        if customer_id in self._customers:
            raise refusal(409, "already_exists", f"A customer with id '{customer_id}' already exists.", "id")
        if body.get("defaultSourceId") is not None:
            raise refusal(400, "source_not_found", "A new customer has no sources yet.", "defaultSourceId")
        now = dr_time(self.now())
        record: Record = {"id": customer_id, "createdTime": now, "updatedTime": now, "enabled": True,
                          "requestToBeForgotten": False, "sources": [], "taxIdentifiers": [],
                          **{k: v for k, v in body.items() if k not in ("id", "taxCertificate")},
                          "taxCertificates": [body["taxCertificate"]] if "taxCertificate" in body else []}
        self._customers[customer_id] = record
        self._event("customer.created", record)
        self._changed()
        return self._view(record)

    def _update(self, request: httpx.Request, customer_id: str) -> Record:
        record = self._existing(customer_id)
        body = request_body(request, "UpdateCustomerRequest")
        if record.get("requestToBeForgotten") and body.get("requestToBeForgotten") is False:
            raise refusal(400, "restricted_update", "A request to be forgotten cannot be withdrawn.",
                          "requestToBeForgotten")
        default = body.get("defaultSourceId")
        if default is not None and default not in {s["id"] for s in record.get("sources", [])}:
            raise refusal(400, "source_not_found", f"Source '{default}' is not attached to this customer.",
                          "defaultSourceId")
        changes = {k: v for k, v in body.items() if k != "taxCertificate"}
        if "taxCertificate" in body:  # each one given is added to those the customer has
            changes["taxCertificates"] = [*record.get("taxCertificates", []), body["taxCertificate"]]
        updated = compact({**record, **changes})
        # A later second must show, or clients comparing times could not tell the versions apart.
        previous = parse_time(record["updatedTime"], "updatedTime")
        updated["updatedTime"] = dr_time(max(self.now(), previous + timedelta(seconds=1)))
        updated.setdefault("sources", [])
        updated.setdefault("taxIdentifiers", [])
        self._customers[customer_id] = updated
        self._event("customer.updated", updated)
        self._changed()
        return self._view(updated)

    def _detach_source(self, customer_id: str, source_id: str) -> None:
        record = self._existing(customer_id)
        sources = [s for s in record.get("sources", []) if s["id"] != source_id]
        if len(sources) == len(record.get("sources", [])):
            raise refusal(404, "source_not_found", f"Source '{source_id}' not found.", "sourceId")
        updated = {**record, "sources": sources}
        if record.get("defaultSourceId") == source_id:
            updated.pop("defaultSourceId", None)
        self._sources.detached(next(s for s in record.get("sources", []) if s["id"] == source_id))
        self._customers[customer_id] = updated
        self._changed()

    def _create_tax_id(self, request: httpx.Request) -> Record:
        body = request_body(request, "TaxIdentifierRequest")
        kind, value = body["type"], body["value"]
        for name, text in (("type", kind), ("value", value)):
            if not text.strip():
                raise refusal(400, "invalid_string_blank", f"{name} must not be blank.", name)
        tax: Record = {"id": str(uuid.UUID(int=self._ids.getrandbits(128), version=4)), "type": kind,
                       "value": value, "state": "pending", "createdTime": dr_time(datetime.now(UTC))}
        self._tax_ids[tax["id"]] = tax
        self._changed()
        return tax

    def _attach_tax_id(self, customer_id: str, tax_id: str) -> Record:
        record = self._existing(customer_id)
        tax = self._tax_ids.get(tax_id)
        if tax is None:
            raise refusal(404, "not_found", f"Tax identifier '{tax_id}' not found.", "taxId")
        attached = {**tax, "customerId": customer_id}
        current = [t for t in record.get("taxIdentifiers", []) if t["id"] != tax_id]
        self._customers[customer_id] = {**record, "taxIdentifiers": [*current, attached]}
        self._changed()
        return attached

    def _delete_tax_id(self, tax_id: str) -> None:
        found = self._tax_ids.pop(tax_id, None) is not None
        for cid, record in list(self._customers.items()):
            kept = [t for t in record.get("taxIdentifiers", []) if t["id"] != tax_id]
            if len(kept) != len(record.get("taxIdentifiers", [])):
                self._customers[cid] = {**record, "taxIdentifiers": kept}
                found = True
        if not found:
            raise refusal(404, "not_found", f"Tax identifier '{tax_id}' not found.", "id")
        self._changed()

    # -- card sources (sources.py) ---------------------------------------------------------------

    def _card_source(self, public_key: str, card: Any, owner: Any) -> Record:
        source = self._sources.make(self._ids, public_key, card, owner, self.now())
        self._changed()
        return source

    def _save_source(self, customer_id: str, source_id: str) -> Record:
        saved, changed = self._sources.save(self._customers, self._existing(customer_id), source_id, self.now())
        if changed:
            self._changed()
        return compact({**saved, "liveMode": getattr(self, "_live", False)})
