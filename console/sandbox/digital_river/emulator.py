"""Digital River's customer endpoints emulated in memory, shaped by its OpenAPI file.

Answers carry only the Customer schema's keys (unset ones absent), errors are `{type, errors}`,
lists are newest first with `startingAfter`/`endingBefore`/`hasMore` and a default page of 10,
create is 201 with a caller-chosen id of at most 40 characters (409 when taken), update is POST,
delete is 204, and `requestToBeForgotten` may only be set by an update, and only to true.
Every request body is checked against DR's request schema, nested objects included
(`request_schema`), so what is stored, and later served, always fits the Customer schema.
"""

from __future__ import annotations

import os
import random
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from console.sandbox.base import Emulator, json_response
from console.sandbox.demo_data import generate_people
from console.sandbox.rest import Refusal, bearer_token, path_after, random_id, request_fields

Record = dict[str, Any]

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
ID_MAX = 40
_TYPES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 429: "too_many_requests", 500: "internal_server_error", 502: "bad_gateway",
          503: "service_unavailable", 504: "gateway_timeout"}
# Error codes (and parameter) from DR's code table for requests refused before routing; DR's `type` enum
# has no entry for 413, so that one is a `bad_request` like any other unreadable body.
_REFUSAL_CODES: dict[int, tuple[str, str | None]] = {403: ("invalid_parameter", "Host"),
                                                     405: ("method_not_allowed", None)}
_LOCALE = re.compile(r"[a-z]{2}_[A-Z]{2}")
_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "ja_JP", "nl_NL")
_COUNTRY_LOCALE = {"US": "en_US", "GB": "en_GB", "DE": "de_DE", "FR": "fr_FR", "ES": "es_ES", "IT": "it_IT",
                   "JP": "ja_JP", "NL": "nl_NL"}


def refusal(status: int, code: str, message: str, parameter: str | None = None) -> Refusal:
    error: Record = {"code": code, "message": message}
    if parameter is not None:
        error["parameter"] = parameter
    return Refusal(status, {"type": _TYPES.get(status, "bad_request"), "errors": [error]})


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str, parameter: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise refusal(400, "invalid_parameter", f"'{text}' is not an ISO-8601 time.", parameter) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _compact(record: Record) -> Record:
    """Unset values are absent from Digital River's answers, not null."""
    return {k: v for k, v in record.items() if v is not None and v != [] and v != {}}


class DigitalRiverEmulator(Emulator):
    """Digital River customers, sources and tax identifiers for one account."""

    provider: ClassVar[str] = "digital-river"
    default_customers: ClassVar[int] = 600
    routed_methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST", "DELETE"})

    # -- state ----------------------------------------------------------------------------------

    def _seed_state(self, rng: random.Random, count: int) -> None:
        people = sorted(generate_people(rng, count), key=lambda p: p.created_at)
        customers: dict[str, Record] = {}
        for index, person in enumerate(people):
            cid = str(500_000_000_000 + int(rng.random() * 99_999_999_999)) if index % 3 else f"crm-{10_000 + index}"
            a = person.address
            record: Record = {
                "id": cid, "createdTime": _time(person.created_at), "updatedTime": _time(person.updated_at),
                "email": person.email,
                "shipping": _compact({"name": f"{person.given_name} {person.family_name}", "phone": person.phone,
                                      "organization": person.company,
                                      "address": _compact({"line1": a.line1, "line2": a.line2, "city": a.city,
                                                           "postalCode": a.postal_code, "state": a.state,
                                                           "country": a.country})}),
                "type": "business" if person.company else "individual",
                "locale": _COUNTRY_LOCALE.get(a.country, rng.choice(_LOCALES)),
                "enabled": rng.random() > 0.05, "requestToBeForgotten": rng.random() < 0.03,
                "metadata": {"crmId": person.reference_id} if person.reference_id else None,
                "sources": [], "taxIdentifiers": [],
            }
            for _ in range(int(rng.random() * 3)):
                record["sources"].append(self._source(rng, person.given_name, person.family_name, a.country, cid,
                                                      person.created_at))
            if record["sources"]:
                record["defaultSourceId"] = record["sources"][0]["id"]
            if person.company and rng.random() < 0.4 and a.country in ("DE", "GB", "FR", "IT", "ES", "NL"):
                record["taxIdentifiers"].append({
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "createdTime": _time(person.created_at), "customerId": cid, "type": a.country.lower(),
                    "value": f"{a.country}{int(rng.random() * 1e9):09d}", "state": "verified"})
            customers[cid] = record
        self._customers = customers
        self._tax_ids: dict[str, Record] = {}
        self._ids = random.Random(f"digital-river-ids-{self.seed}")

    @staticmethod
    def _source(rng: random.Random, first: str, last: str, country: str, customer_id: str, created: datetime) -> Record:
        return {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "createdTime": _time(created),
                "type": "creditCard", "reusable": True, "state": "chargeable", "customerId": customer_id,
                "owner": {"firstName": first, "lastName": last, "address": {"country": country}},
                "creditCard": {"brand": rng.choice(("Visa", "MasterCard", "American Express")),
                               "lastFourDigits": f"{int(rng.random() * 10000):04d}",
                               "expirationMonth": 1 + int(rng.random() * 12),
                               "expirationYear": 2027 + int(rng.random() * 5)},
                "flow": "standard", "liveMode": False}

    def _dump_state(self) -> dict[str, Any]:
        return {"customers": list(self._customers.values()), "tax_ids": list(self._tax_ids.values())}

    def _load_state(self, state: dict[str, Any]) -> None:
        self._customers = {c["id"]: c for c in state["customers"]}
        self._tax_ids = {t["id"]: t for t in state.get("tax_ids", [])}
        self._ids = random.Random(os.urandom(16))

    def _demo_credentials(self) -> dict[str, str]:
        return {"secret_key": f"sk_test_{self._demo_secret('secret_key', 40)}"}

    def customer(self, customer_id: str) -> Record | None:
        """The stored customer (for tests); treat it as read-only."""
        with self._lock:
            return self._customers.get(customer_id)

    def customer_ids_forgotten(self) -> list[str]:
        """Ids of customers with a recorded request to be forgotten (for tests)."""
        with self._lock:
            return [cid for cid, record in self._customers.items() if record.get("requestToBeForgotten")]

    def attach_source(self, customer_id: str) -> str:
        """Attach a new reusable card source to a customer, as checkout would (for tests); its id."""
        with self._lock:
            record = self._customers[customer_id]
            source = self._source(self._ids, "Test", "Owner", "US", customer_id, datetime.now(UTC))
            self._customers[customer_id] = {**record, "sources": [*record.get("sources", []), source]}
            self._changed()
            return str(source["id"])

    # -- answers --------------------------------------------------------------------------------

    def _rate_limited_response(self, retry_after: float) -> httpx.Response:
        seconds = str(int(retry_after)) if float(retry_after).is_integer() else f"{retry_after:g}"
        body = refusal(429, "too_many_requests", "Too many requests; try again later.").body
        return json_response(429, body, {"retry-after": seconds})

    def _server_error_response(self, status: int) -> httpx.Response:
        return json_response(status, refusal(status, "internal_error", "An internal error occurred.").body)

    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        code, parameter = _REFUSAL_CODES.get(status, ("invalid_format", None))
        return json_response(status, refusal(status, code, message, parameter).body,
                             {"x-dr-requestid": random_id(self._ids, 24)})

    def _route(self, request: httpx.Request) -> httpx.Response:
        request_id = random_id(self._ids, 24)
        headers = {"x-dr-requestid": request_id}
        try:
            key = bearer_token(request)
            if key is None or not key.startswith("sk_") or not self._credentials_accepted({"secret_key": key}):
                raise refusal(401, "unauthorized", "The API key is not valid.")
            self._live = not key.startswith("sk_test_")
            status, body = self._dispatch(request)
        except Refusal as refused:
            return json_response(refused.status, refused.body, headers)
        if status == 204:
            return httpx.Response(204, headers=headers)
        return json_response(status, body, headers)

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
                    self._existing(parts[0])
                    del self._customers[parts[0]]
                    self._changed()
                    return 204, None
            elif len(parts) == 3 and parts[1] == "tax-identifiers" and method == "POST":
                return 200, self._attach_tax_id(parts[0], parts[2])
            elif len(parts) == 3 and parts[1] == "sources" and method == "DELETE":
                self._detach_source(parts[0], parts[2])
                return 204, None
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

    def _existing(self, customer_id: str) -> Record:
        record = self._customers.get(customer_id)
        if record is None:
            raise refusal(404, "not_found", f"Customer '{customer_id}' not found.", "id")
        return record

    def _view(self, record: Record) -> Record:
        live = getattr(self, "_live", False)
        sources = [{**s, "liveMode": live} for s in record.get("sources", [])]
        return _compact({**record, "sources": sources, "liveMode": live})

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
        matching = [r for r in newest_first if self._matches(r, params)]
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

    @staticmethod
    def _matches(record: Record, params: httpx.QueryParams) -> bool:
        if "email" in params and record.get("email") != params["email"]:
            return False
        if "ids" in params and record["id"] not in params["ids"].split(","):
            return False
        if "requestToBeForgotten" in params:
            wanted = params["requestToBeForgotten"].lower() == "true"
            if bool(record.get("requestToBeForgotten")) != wanted:
                return False
        for field in ("createdTime", "updatedTime"):
            value = _parse_time(record.get(field) or record["createdTime"], field)
            for name, text in params.multi_items():
                if name == field and value != _parse_time(text, field):
                    return False
                if name.startswith(field + "["):
                    op = name[len(field) + 1:-1]
                    bound = _parse_time(text, name)
                    checks = {"eq": value == bound, "gt": value > bound, "gte": value >= bound, "lt": value < bound,
                              "lte": value <= bound}
                    if op not in checks:
                        raise refusal(400, "invalid_parameter", f"Unknown operator '{op}'.", name)
                    if not checks[op]:
                        return False
        return True

    # -- writes ---------------------------------------------------------------------------------

    def _body(self, request: httpx.Request, schema: str) -> Record:
        """The JSON body, checked against DR's request schema (nested objects too), then DR's further rules."""
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise refusal(400, "invalid_format", "The API speaks exclusively in JSON.")
        body = request_fields(request, invalid=refusal(400, "invalid_format", "The body is not a JSON object."))
        # Imported on the first body, not with the emulator (see the module's docstring).
        from console.sandbox.digital_river.request_schema import problems

        found = problems(schema, body)
        if found:
            raise Refusal(400, {"type": _TYPES[400], "errors": [
                {"code": p.code, "message": p.message, **({"parameter": p.parameter} if p.parameter else {})}
                for p in found]})
        self._check(body)
        return body

    @staticmethod
    def _check(body: Record) -> None:
        """What DR checks beyond the schema's types: locale and country shapes, metadata limits."""
        locale = body.get("locale")
        if locale is not None and not _LOCALE.fullmatch(locale):
            raise refusal(400, "invalid_parameter", "locale must look like en_US.", "locale")
        metadata = body.get("metadata") or {}
        if len(metadata) > 20:
            raise refusal(400, "too_many_metadata_pairs", "metadata may hold at most 20 pairs.", "metadata")
        for key, value in metadata.items():
            if len(key) > 40:
                raise refusal(400, "invalid_metadata_key", "Metadata keys are at most 40 characters.",
                              f"metadata.{key}")
            if not isinstance(value, str | bool | int) or (isinstance(value, str) and len(value) > 500):
                raise refusal(400, "invalid_metadata_value", "Metadata values are strings (at most 500 "
                              "characters), booleans or integers.", f"metadata.{key}")
        country = ((body.get("shipping") or {}).get("address") or {}).get("country")
        if country is not None and not re.fullmatch("[A-Z]{2}", country):
            raise refusal(400, "invalid_parameter", "country must be a two-letter ISO code.",
                          "shipping.address.country")

    def _create(self, request: httpx.Request) -> Record:
        body = self._body(request, "CustomerRequest")
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
        now = _time(datetime.now(UTC))
        record: Record = {"id": customer_id, "createdTime": now, "updatedTime": now, "enabled": True,
                          "requestToBeForgotten": False, "sources": [], "taxIdentifiers": [],
                          **{k: v for k, v in body.items() if k not in ("id", "taxCertificate")},
                          "taxCertificates": [body["taxCertificate"]] if "taxCertificate" in body else []}
        self._customers[customer_id] = record
        self._changed()
        return self._view(record)

    def _update(self, request: httpx.Request, customer_id: str) -> Record:
        record = self._existing(customer_id)
        body = self._body(request, "UpdateCustomerRequest")
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
        updated = _compact({**record, **changes})
        # A later second must show, or clients comparing times could not tell the versions apart.
        previous = _parse_time(record["updatedTime"], "updatedTime")
        updated["updatedTime"] = _time(max(datetime.now(UTC), previous + timedelta(seconds=1)))
        updated.setdefault("sources", [])
        updated.setdefault("taxIdentifiers", [])
        self._customers[customer_id] = updated
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
        self._customers[customer_id] = updated
        self._changed()

    def _create_tax_id(self, request: httpx.Request) -> Record:
        body = self._body(request, "TaxIdentifierRequest")
        kind, value = body["type"], body["value"]
        for name, text in (("type", kind), ("value", value)):
            if not text.strip():
                raise refusal(400, "invalid_string_blank", f"{name} must not be blank.", name)
        tax: Record = {"id": str(uuid.UUID(int=self._ids.getrandbits(128), version=4)), "type": kind,
                       "value": value, "state": "pending", "createdTime": _time(datetime.now(UTC))}
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
