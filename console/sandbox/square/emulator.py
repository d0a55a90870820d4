"""The Square Customers API (Square-Version 2025-08-20) emulated in memory.

Routes, status codes, error bodies and empty-result shapes follow shared/api/square.md and the
official OpenAPI document. Stored customers are Square-shaped dicts that are replaced, never
edited in place, so a shallow copy of the maps is a consistent snapshot for saving.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from collections.abc import Callable
from typing import Any, ClassVar

import httpx

from console.sandbox.base import json_response
from console.sandbox.rest import RestEmulator
from console.sandbox.square.cards import SquareCards
from console.sandbox.square.custom_attributes import CustomAttributes
from console.sandbox.square.custom_seed import seed_definitions, seed_values
from console.sandbox.square.fields import MISSING_IDENTITY, applied, customer_changes, has_identity
from console.sandbox.square.search import (
    SORT_KEYS,
    CompiledQuery,
    Entry,
    SortIndex,
    compile_query,
    decode_cursor,
    encode_cursor,
    fingerprint,
)
from console.sandbox.square.seed import seed_customers
from console.sandbox.square.wire import (
    MALFORMED_AUTH,
    SORT_FIELDS,
    SORT_ORDERS,
    VERSION_HEADER,
    SquareError,
    bad_request,
    bool_param,
    check_limit,
    customer_not_found,
    entry_map,
    expect_bool,
    expect_int,
    expect_str,
    id_list,
    int_param,
    json_object,
    later_timestamp,
    new_id,
    not_found,
    ordered_customer,
    query_params,
    rate_limited_body,
    refused_body,
    reject_unknown,
    server_error_body,
    unauthorized,
)

Record = dict[str, Any]
Handler = Callable[..., dict[str, Any]]

_RESERVED = frozenset({"bulk-create", "bulk-update", "bulk-delete", "bulk-retrieve", "search", "groups", "segments",
                       "cards"})
_IDEMPOTENCY_MEMORY = 10_000


def _idempotency_key(body: dict[str, Any]) -> str | None:
    key = body.get("idempotency_key")
    return None if key is None else expect_str(key, "idempotency_key") or None


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class SquareEmulator(SquareCards, CustomAttributes, RestEmulator):
    """Square customer profiles, groups and segments for one seller."""

    provider: ClassVar[str] = "square"
    default_customers: ClassVar[int] = 1000
    # PATCH is routed although no route takes it: Square's router answers it with its 404 "API endpoint
    # for URL path ... and HTTP method `PATCH` is not found", as for any unknown path.
    routed_methods: ClassVar[frozenset[str]] = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})

    # -- state ----------------------------------------------------------------------------------

    def _seed_state(self, rng: random.Random, count: int) -> None:
        seeded = seed_customers(rng, count)
        self._install(seeded.merchant_id, seeded.customers, seeded.groups, seeded.segments, {})
        definitions = seed_definitions(rng)
        self._install_custom_attributes(definitions, seed_values(rng, definitions, seeded.customers))

    def _install(self, merchant_id: str, customers: dict[str, Record], groups: dict[str, Record],
                 segments: dict[str, Record], idempotency: dict[str, tuple[str, Any]]) -> None:
        self._merchant_id = merchant_id
        self._customers = customers
        self._groups = groups
        self._segments = segments
        self._idempotency = idempotency
        self._indexes: dict[str, SortIndex] = {}
        # The listing's order made now, as a provider has its indexes ready: made at the first request, it
        # held the demo's event loop (the transport is in-process) for 20-30 ms of 10,000 customers (P6).
        self._index("DEFAULT")
        self._cards: dict[str, Record] = {}
        self._nonces: dict[str, Record] = {}  # one-time card nonces live in memory only, as they expire

    def _dump_state(self) -> dict[str, Any]:
        return {
            "merchant_id": self._merchant_id,
            "customers": list(self._customers.values()),
            "groups": list(self._groups.values()),
            "segments": list(self._segments.values()),
            "idempotency": [[key, fp, body] for key, (fp, body) in self._idempotency.items()],
            "cards": list(self._cards.values()),
            **self._dump_custom_attributes(),
        }

    def _load_state(self, state: dict[str, Any]) -> None:
        self._install(
            str(state["merchant_id"]),
            {c["id"]: c for c in state["customers"]},
            {g["id"]: g for g in state["groups"]},
            {s["id"]: s for s in state["segments"]},
            {key: (fp, body) for key, fp, body in state.get("idempotency", [])},
        )
        self._cards = {c["id"]: c for c in state.get("cards", [])}
        self._load_custom_attributes(state)

    def _demo_credentials(self) -> dict[str, str]:
        return {"token": f"EAAA-demo-{self._demo_secret('token', 40)}"}

    def _index(self, sort_field: str) -> SortIndex:
        index = self._indexes.get(sort_field)
        if index is None:
            index = self._indexes[sort_field] = SortIndex(SORT_KEYS[sort_field], self._customers.values())
        return index

    def _put(self, old: Record | None, new: Record | None) -> None:
        """Replace one customer (None: absent) and keep the sorted views in step."""
        for index in self._indexes.values():
            if old is not None:
                index.remove(old)
            if new is not None:
                index.add(new)
        if new is not None:
            self._customers[new["id"]] = new
        elif old is not None:
            del self._customers[old["id"]]
        self._changed()

    def customer_ids(self, *, listed_only: bool = True) -> list[str]:
        """Every customer id (only the listed ones by default), in no particular order."""
        with self._lock:
            return [cid for cid, record in self._customers.items() if not listed_only or has_identity(record)]

    def group_ids(self) -> list[str]:
        with self._lock:
            return list(self._groups)

    # -- errors the base class asks for ---------------------------------------------------------

    def _rate_limited_response(self, retry_after: str) -> httpx.Response:
        return json_response(429, rate_limited_body(), {"retry-after": retry_after})

    def _server_error_response(self, status: int) -> httpx.Response:
        return json_response(status, server_error_body(status))

    def refused_response(self, status: int, message: str, request: httpx.Request) -> httpx.Response:
        return json_response(status, refused_body(status, message))

    # -- routing --------------------------------------------------------------------------------

    def _dispatch(self, request: httpx.Request) -> tuple[int, Any]:
        parts = request.url.path.strip("/").split("/")
        if parts[:2] == ["v2", "cards"]:
            return 200, self._cards_route(request, parts[2:])
        handler, args = self._resolve(request.method, request.url.path)
        return 200, handler(request, *args)

    def _authenticate(self, request: httpx.Request) -> None:
        header = request.headers.get("authorization")
        if not header:
            raise unauthorized("This request could not be authorized.")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise unauthorized(MALFORMED_AUTH)
        if not self._credentials_accepted({"token": token}):
            raise unauthorized("The access token provided is incorrect or expired.")
        version = request.headers.get("square-version")
        if version is not None and not VERSION_HEADER.fullmatch(version.strip()):
            raise bad_request("INVALID_SQUARE_VERSION_FORMAT",
                              f"Invalid Square-Version format `{version}`; expected YYYY-MM-DD.")

    def _routes(self) -> dict[tuple[str, ...], dict[str, Handler]]:
        """Path shapes under /v2/customers ("*" is an id) -> method -> handler."""
        return {
            (): {"GET": self._list_customers, "POST": self._create_customer},
            ("bulk-create",): {"POST": self._bulk_create},
            ("bulk-update",): {"POST": self._bulk_update},
            ("bulk-delete",): {"POST": self._bulk_delete},
            ("bulk-retrieve",): {"POST": self._bulk_retrieve},
            ("search",): {"POST": self._search_customers},
            ("groups",): {"GET": self._list_groups, "POST": self._create_group},
            ("groups", "*"): {"GET": self._retrieve_group, "PUT": self._update_group, "DELETE": self._delete_group},
            ("segments",): {"GET": self._list_segments},
            ("segments", "*"): {"GET": self._retrieve_segment},
            ("*",): {"GET": self._retrieve_customer, "PUT": self._update_customer, "DELETE": self._delete_customer},
            ("*", "groups", "*"): {"PUT": self._add_group, "DELETE": self._remove_group},
            ("*", "cards"): {"POST": self._create_customer_card},
            ("*", "cards", "*"): {"DELETE": self._delete_customer_card},
        }

    def _resolve(self, method: str, path: str) -> tuple[Handler, tuple[str, ...]]:
        parts = path.strip("/").split("/")
        if parts[:2] == ["v2", "customers"]:
            rest = parts[2:]
            custom = self._custom_attribute_route(method, rest)
            if custom is not None:
                return custom
            # Fixed words win over ids, as on Square: /v2/customers/search is never a customer.
            shape = tuple(p if p in _RESERVED else "*" for p in rest)
            args = tuple(p for p in rest if p not in _RESERVED)
            handler = self._route_table.get(shape, {}).get(method.upper())
            if handler is not None and all(args):
                return handler, args
        raise not_found(f"API endpoint for URL path `{path}` and HTTP method `{method.upper()}` is not found.")

    @functools.cached_property
    def _route_table(self) -> dict[tuple[str, ...], dict[str, Handler]]:
        return self._routes()

    # -- customers ------------------------------------------------------------------------------

    def _existing(self, customer_id: str) -> Record:
        record = self._customers.get(customer_id)
        if record is None:
            raise SquareError(404, [customer_not_found(customer_id)])
        return record

    def _build_customer(self, data: dict[str, Any]) -> Record:
        """A new profile from create fields (validated; 400 with every problem found)."""
        changes, errors = customer_changes(data)
        if errors:
            raise SquareError(400, errors)
        values = {key: value for key, value in changes.items() if value is not None}
        if not has_identity(values):
            raise SquareError(400, [MISSING_IDENTITY])
        now = later_timestamp(self.now(), None)
        record = applied({"id": new_id(self._ids, self._customers), "created_at": now, "updated_at": now}, values)
        record.update(preferences={"email_unsubscribed": False}, creation_source="THIRD_PARTY", version=0)
        record = ordered_customer(record)
        self._put(None, record)
        return record

    def _with_changes(self, record: Record, data: dict[str, Any]) -> Record:
        """The customer after a sparse update (validated, version-checked, stored)."""
        data = dict(data)
        expected = data.pop("version", None)
        if expected is not None:
            expected = expect_int(expected, "version")
        changes, errors = customer_changes(data)
        if errors:
            raise SquareError(400, errors)
        self._check_version(record, expected)
        new = applied(record, changes)
        if not has_identity(new):
            raise SquareError(400, [MISSING_IDENTITY])
        return self._commit(record, new)

    def _check_version(self, record: Record, expected: int | None) -> None:
        if expected is not None and expected != record["version"]:
            raise bad_request("VERSION_MISMATCH", f"The customer is at version {record['version']}, but the request "
                              f"was made for version {expected}. Retrieve it again and retry.", "version")

    def _commit(self, old: Record, new: Record) -> Record:
        """Store `new` as the next version of `old` (version + 1, fresh updated_at)."""
        new = dict(new)
        new["version"] = old["version"] + 1
        new["updated_at"] = later_timestamp(self.now(), old["updated_at"])
        new = ordered_customer(new)
        self._put(old, new)
        return new

    def _once(self, scope: str, key: str | None, content: Any, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """`make()`'s answer, remembered under the idempotency key, or the one first given for it."""
        if key is None:
            return make()
        previous = self._remembered(scope, key, content)
        if previous is not None:
            return dict(previous)
        answer = make()
        self._remember(scope, key, content, answer)
        return answer

    def _remembered(self, scope: str, key: str, content: Any) -> Any | None:
        """The answer first given for this idempotency key; 400 when the key came with other content."""
        stored = self._idempotency.get(f"{scope}:{key}")
        if stored is None:
            return None
        fp, body = stored
        if fp != _digest(content):
            raise bad_request("IDEMPOTENCY_KEY_REUSED", f"The idempotency key `{key}` was already used for a "
                              "different request.", "idempotency_key")
        return body

    def _remember(self, scope: str, key: str, content: Any, body: Any) -> None:
        self._idempotency[f"{scope}:{key}"] = (_digest(content), body)
        while len(self._idempotency) > _IDEMPOTENCY_MEMORY:
            # Square keeps keys for a limited time; forgetting the oldest first mimics that.
            del self._idempotency[next(iter(self._idempotency))]

    def _create_customer(self, request: httpx.Request) -> dict[str, Any]:
        body = json_object(request)
        data = {k: v for k, v in body.items() if k != "idempotency_key"}
        return self._once("customer", _idempotency_key(body), data, functools.partial(self._created, data))

    def _created(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"customer": self._build_customer(data)}

    def _retrieve_customer(self, request: httpx.Request, customer_id: str) -> dict[str, Any]:
        query_params(request, ())
        return {"customer": self._existing(customer_id)}

    def _update_customer(self, request: httpx.Request, customer_id: str) -> dict[str, Any]:
        query_params(request, ())
        record = self._existing(customer_id)
        return {"customer": self._with_changes(record, json_object(request))}

    def _delete_customer(self, request: httpx.Request, customer_id: str) -> dict[str, Any]:
        params = query_params(request, ("version",))
        record = self._existing(customer_id)
        self._check_version(record, int_param(params, "version"))
        self._put(record, None)
        return {}

    # -- listing and search ---------------------------------------------------------------------

    def _page(self, index: SortIndex, compiled: CompiledQuery, cursor: str | None, limit: int,
              count: bool) -> dict[str, Any]:
        after: Entry | None = decode_cursor(cursor, compiled.fingerprint) if cursor else None
        descending = compiled.sort_order == "DESC"
        view = index
        if compiled.predicates and count:
            # The total needs every match anyway, so filter once and page through the matches.
            view = SortIndex.of_entries([e for e in index.entries if compiled.matches(self._customers[e[1]])])
        filtering = bool(compiled.predicates) and view is index
        found: list[Entry] = []
        more = False
        for entry in view.walk(after, descending):
            if filtering and not compiled.matches(self._customers[entry[1]]):
                continue
            if len(found) == limit:
                more = True
                break
            found.append(entry)
        answer: dict[str, Any] = {}
        if found:
            answer["customers"] = [self._customers[customer_id] for _, customer_id in found]
        if more:
            answer["cursor"] = encode_cursor(compiled.fingerprint, found[-1])
        if count:
            answer["count"] = len(view)
        return answer

    def _list_customers(self, request: httpx.Request) -> dict[str, Any]:
        params = query_params(request, ("cursor", "limit", "sort_field", "sort_order", "count"))
        limit = int_param(params, "limit")
        limit = 100 if limit is None else check_limit(limit, "limit", 1, 100)
        sort_field = params.get("sort_field", "DEFAULT")
        if sort_field not in SORT_FIELDS:
            raise bad_request("INVALID_ENUM_VALUE", f"`{sort_field}` is not a valid sort_field.", "sort_field")
        sort_order = params.get("sort_order", "ASC")
        if sort_order not in SORT_ORDERS:
            raise bad_request("INVALID_SORT_ORDER", f"`{sort_order}` is not a valid sort_order.", "sort_order")
        compiled = CompiledQuery(sort_field=sort_field, sort_order=sort_order,
                                 fingerprint=fingerprint("list", sort_field, sort_order))
        return self._page(self._index(sort_field), compiled, params.get("cursor") or None, limit,
                          bool_param(params, "count"))

    def _search_customers(self, request: httpx.Request) -> dict[str, Any]:
        body = json_object(request)
        reject_unknown(body, {"cursor", "limit", "query", "count"})
        limit = 100 if body.get("limit") is None else check_limit(expect_int(body["limit"], "limit"), "limit", 1, 100)
        count = False if body.get("count") is None else expect_bool(body["count"], "count")
        cursor = None if body.get("cursor") is None else expect_str(body["cursor"], "cursor") or None
        compiled = compile_query(body.get("query"), self._groups, self._segments, self._custom_attribute_filter)
        if compiled.impossible:
            return {}
        return self._page(self._index(compiled.sort_field), compiled, cursor, limit, count)

    # -- bulk -----------------------------------------------------------------------------------

    def _bulk_create(self, request: httpx.Request) -> dict[str, Any]:
        return self._each_entry(request, lambda key, data: self._once("customer", key, data,
                                                                      functools.partial(self._created, data)))

    def _bulk_update(self, request: httpx.Request) -> dict[str, Any]:
        return self._each_entry(request, lambda customer_id, data: {
            "customer": self._with_changes(self._existing(customer_id), data)})

    def _each_entry(self, request: httpx.Request, answer: Callable[[str, dict[str, Any]], Any]) -> dict[str, Any]:
        """A bulk create or update: each entry of the `customers` map answered on its own, errors included."""
        responses: dict[str, Any] = {}
        for key, data in entry_map(json_object(request)).items():
            try:
                if not isinstance(data, dict):
                    raise bad_request("EXPECTED_OBJECT", "Each customer must be an object.", key)
                responses[key] = answer(key, data)
            except SquareError as exc:
                responses[key] = {"errors": exc.errors}
        return {"responses": responses}

    def _bulk_delete(self, request: httpx.Request) -> dict[str, Any]:
        responses: dict[str, Any] = {}
        for customer_id in id_list(json_object(request)):
            record = self._customers.get(customer_id)
            if record is None:
                responses[customer_id] = {"errors": [customer_not_found(customer_id)]}
            else:
                self._put(record, None)
                responses[customer_id] = {}
        return {"responses": responses}

    def _bulk_retrieve(self, request: httpx.Request) -> dict[str, Any]:
        responses: dict[str, Any] = {}
        for customer_id in id_list(json_object(request)):
            record = self._customers.get(customer_id)
            responses[customer_id] = ({"customer": record} if record is not None
                                      else {"errors": [customer_not_found(customer_id)]})
        return {"responses": responses}

    # -- groups ---------------------------------------------------------------------------------

    def _existing_group(self, group_id: str) -> Record:
        group = self._groups.get(group_id)
        if group is None:
            raise not_found(f"Customer group with ID `{group_id}` not found.")
        return group

    def _group_name(self, body: dict[str, Any]) -> str:
        group = body.get("group")
        if group is None:
            raise bad_request("MISSING_REQUIRED_PARAMETER", "`group` is required.", "group")
        if not isinstance(group, dict):
            raise bad_request("EXPECTED_OBJECT", "Expected `group` to be an object.", "group")
        # Read-only fields are accepted and ignored, so a client may send back a group it read.
        reject_unknown(group, {"name", "id", "created_at", "updated_at"}, "group.")
        name = group.get("name")
        if name is None or (isinstance(name, str) and not name.strip()):
            raise bad_request("MISSING_REQUIRED_PARAMETER", "`group.name` is required.", "group.name")
        return expect_str(name, "group.name")

    def _list_groups(self, request: httpx.Request) -> dict[str, Any]:
        return self._list_small(request, self._groups, "groups")

    def _list_segments(self, request: httpx.Request) -> dict[str, Any]:
        return self._list_small(request, self._segments, "segments")

    def _list_small(self, request: httpx.Request, items: dict[str, Record], key: str) -> dict[str, Any]:
        """A cursor page (1..50, default 50) of groups or segments in the order they were made."""
        params = query_params(request, ("cursor", "limit"))
        limit = int_param(params, "limit")
        limit = 50 if limit is None else check_limit(limit, "limit", 1, 50)
        query_fp = fingerprint(key)
        ordered = sorted((item["created_at"], item["id"]) for item in items.values())
        start = 0
        if params.get("cursor"):
            after = decode_cursor(params["cursor"], query_fp)
            start = next((i for i, entry in enumerate(ordered) if entry > after), len(ordered))
        page = ordered[start:start + limit]
        answer: dict[str, Any] = {}
        if page:
            answer[key] = [items[item_id] for _, item_id in page]
        if start + limit < len(ordered):
            answer["cursor"] = encode_cursor(query_fp, page[-1])
        return answer

    def _create_group(self, request: httpx.Request) -> dict[str, Any]:
        body = json_object(request)
        reject_unknown(body, {"idempotency_key", "group"})
        return self._once("group", _idempotency_key(body), body.get("group"), lambda: {"group": self._new_group(body)})

    def _new_group(self, body: dict[str, Any]) -> Record:
        name = self._group_name(body)
        now = later_timestamp(self.now(), None)
        group_id = new_id(self._ids, self._groups)
        group = {"id": group_id, "name": name, "created_at": now, "updated_at": now}
        self._groups[group_id] = group
        self._changed()
        return group

    def _retrieve_group(self, request: httpx.Request, group_id: str) -> dict[str, Any]:
        query_params(request, ())
        return {"group": self._existing_group(group_id)}

    def _update_group(self, request: httpx.Request, group_id: str) -> dict[str, Any]:
        group = self._existing_group(group_id)
        body = json_object(request)
        reject_unknown(body, {"group"})
        name = self._group_name(body)
        updated = {**group, "name": name, "updated_at": later_timestamp(self.now(), group["updated_at"])}
        self._groups[group_id] = updated
        self._changed()
        return {"group": updated}

    def _delete_group(self, request: httpx.Request, group_id: str) -> dict[str, Any]:
        query_params(request, ())
        self._existing_group(group_id)
        del self._groups[group_id]
        for record in [r for r in self._customers.values() if group_id in r.get("group_ids", ())]:
            self._set_groups(record, [g for g in record["group_ids"] if g != group_id])
        self._changed()
        return {}

    def _set_groups(self, record: Record, group_ids: list[str]) -> None:
        # Membership is stored on the profile and the spec exempts only *segment* changes from the
        # version bump, so a group change is a committed update: version + 1. A client holding the
        # old version gets VERSION_MISMATCH on its next edit, as it would for any concurrent change.
        new = dict(record)
        if group_ids:
            new["group_ids"] = group_ids
        else:
            new.pop("group_ids", None)
        self._commit(record, new)

    def _add_group(self, request: httpx.Request, customer_id: str, group_id: str) -> dict[str, Any]:
        query_params(request, ())
        record = self._existing(customer_id)
        self._existing_group(group_id)
        current = list(record.get("group_ids", ()))
        if group_id not in current:  # adding twice changes nothing, so nothing is committed
            self._set_groups(record, [*current, group_id])
        return {}

    def _remove_group(self, request: httpx.Request, customer_id: str, group_id: str) -> dict[str, Any]:
        query_params(request, ())
        record = self._existing(customer_id)
        self._existing_group(group_id)
        current = list(record.get("group_ids", ()))
        if group_id in current:
            self._set_groups(record, [g for g in current if g != group_id])
        return {}

    # -- segments -------------------------------------------------------------------------------

    def _retrieve_segment(self, request: httpx.Request, segment_id: str) -> dict[str, Any]:
        query_params(request, ())
        segment = self._segments.get(segment_id)
        if segment is None:
            raise not_found(f"Segment with ID `{segment_id}` not found.")
        return {"segment": segment}
