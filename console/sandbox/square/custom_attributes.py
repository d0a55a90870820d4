"""The Customer Custom Attributes API of the Square emulator: definitions, values per customer, bulk upsert.

Mixed into `SquareEmulator`, whose customers, idempotency memory, clock and id stream it shares.
The requesting application owns the definitions with simple keys; others' come with qualified
keys (`app_id:key`, `square:<uuid>` for the seller's own custom fields) and their visibility
decides what this application may see and write.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from console.sandbox.square.custom_attribute_rules import (
    BULK_UPSERT_MAX,
    DESCRIPTION_MAX,
    HIDDEN,
    IDEMPOTENCY_KEY_MAX,
    LIST_DEFAULT,
    LIST_MAX,
    NAME_MAX,
    QUALIFIED_KEY,
    SIMPLE_KEY,
    VISIBILITIES,
    changed_schema,
    checked_schema,
    checked_value,
    owned,
    values_writable,
    visible,
)
from console.sandbox.square.custom_attribute_search import custom_attribute_predicates
from console.sandbox.square.custom_seed import seed_definitions
from console.sandbox.square.search import Predicate, decode_cursor, encode_cursor, fingerprint
from console.sandbox.square.wire import (
    SquareError,
    bad_request,
    bool_param,
    check_limit,
    error,
    expect_int,
    expect_str,
    int_param,
    json_object,
    later_timestamp,
    not_found,
    query_params,
    reject_unknown,
)

Record = dict[str, Any]
Handler = Callable[..., dict[str, Any]]

_DEFINITIONS = "custom-attribute-definitions"
_VALUES = "custom-attributes"
_DEFINITION_FIELDS = frozenset({"key", "schema", "name", "description", "visibility", "version", "updated_at",
                                "created_at"})
_ATTRIBUTE_FIELDS = frozenset({"key", "value", "version", "visibility", "definition", "updated_at", "created_at"})
_DEFINITION_ORDER = ("key", "schema", "name", "description", "visibility", "version", "updated_at", "created_at")


def _forbidden(detail: str) -> SquareError:
    return SquareError(403, [error("FORBIDDEN", detail, category="AUTHENTICATION_ERROR")])


def _version_mismatch(what: str, current: int, given: int) -> SquareError:
    return bad_request("VERSION_MISMATCH", f"The {what} is at version {current}, but the request was made for "
                       f"version {given}. Retrieve it again and retry.", "version")


def _idempotency(body: Record, field: str = "idempotency_key") -> str | None:
    key = body.get("idempotency_key")
    if key is None:
        return None
    key = expect_str(key, field)
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise bad_request("VALUE_TOO_LONG", f"`{field}` must not be longer than {IDEMPOTENCY_KEY_MAX} characters.",
                          field)
    return key or None


def _object(body: Record, name: str, allowed: frozenset[str], prefix: str = "") -> Record:
    """The required nested object `name` of a request body, with only `allowed` keys."""
    value = body.get(name)
    field = prefix + name
    if value is None:
        raise bad_request("MISSING_REQUIRED_PARAMETER", f"`{field}` is required.", field)
    if not isinstance(value, dict):
        raise bad_request("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field)
    reject_unknown(value, allowed, f"{field}.")
    return value


def _text(value: Any, field: str, limit: int) -> str:
    text = expect_str(value, field)
    if len(text) > limit:
        raise bad_request("VALUE_TOO_LONG", f"`{field}` must not be longer than {limit} characters.", field)
    return text


def _page(items: list[tuple[tuple[str, str], Record]], params: dict[str, str], scope: str,
          key: str) -> dict[str, Any]:
    """A cursor page (1..100, default 20) of `items`, each with its unique sort position."""
    limit = int_param(params, "limit")
    limit = LIST_DEFAULT if limit is None else check_limit(limit, "limit", 1, LIST_MAX)
    items.sort(key=lambda item: item[0])
    start = 0
    if params.get("cursor"):
        after = decode_cursor(params["cursor"], scope)
        start = next((i for i, (position, _) in enumerate(items) if position > after), len(items))
    page = items[start:start + limit]
    answer: dict[str, Any] = {}
    if page:
        answer[key] = [record for _, record in page]
    if start + limit < len(items):
        answer["cursor"] = encode_cursor(scope, page[-1][0])
    return answer


class CustomAttributes:
    """Custom attribute definitions and values; the host emulator provides customers and helpers."""

    # Provided by SquareEmulator.
    seed: int
    _customers: dict[str, Record]
    _ids: Any
    _existing: Callable[[str], Record]
    _once: Callable[..., dict[str, Any]]
    _changed: Callable[[], None]
    now: Callable[[], Any]

    # -- state ----------------------------------------------------------------------------------

    def _install_custom_attributes(self, definitions: dict[str, Record],
                                   values: dict[str, dict[str, Record]]) -> None:
        self._definitions = definitions
        self._attribute_values = values

    def _dump_custom_attributes(self) -> dict[str, Any]:
        # Values of customers deleted since are dropped here rather than on every delete.
        return {"custom_attribute_definitions": list(self._definitions.values()),
                "custom_attributes": {cid: list(values.values()) for cid, values in self._attribute_values.items()
                                      if values and cid in self._customers}}

    def _load_custom_attributes(self, state: dict[str, Any]) -> None:
        if "custom_attribute_definitions" not in state:
            # Demo data saved before custom attributes were emulated keeps its customers and gains the definitions.
            self._install_custom_attributes(seed_definitions(random.Random(self.seed)), {})
            return
        self._install_custom_attributes(
            {d["key"]: d for d in state["custom_attribute_definitions"]},
            {cid: {v["key"]: v for v in values} for cid, values in state["custom_attributes"].items()})

    def _new_uid(self) -> str:
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    # -- routing --------------------------------------------------------------------------------

    def _custom_attribute_route(self, method: str, rest: list[str]) -> tuple[Handler, tuple[str, ...]] | None:
        """The handler for a path under /v2/customers (split into `rest`), when it is one of these endpoints.

        Matched by position, not by reserved words, since a definition key may be any word ("search").
        """
        routes: dict[str, Handler]
        args: tuple[str, ...]
        if rest[:1] == [_DEFINITIONS] and len(rest) == 1:
            routes, args = {"GET": self._list_definitions, "POST": self._create_definition}, ()
        elif rest[:1] == [_DEFINITIONS] and len(rest) == 2:
            routes = {"GET": self._retrieve_definition, "PUT": self._update_definition,
                      "DELETE": self._delete_definition}
            args = (rest[1],)
        elif rest == [_VALUES, "bulk-upsert"]:
            routes, args = {"POST": self._bulk_upsert}, ()
        elif len(rest) == 2 and rest[1] == _VALUES:
            routes, args = {"GET": self._list_values}, (rest[0],)
        elif len(rest) == 3 and rest[1] == _VALUES:
            routes = {"GET": self._retrieve_value, "POST": self._upsert_value, "DELETE": self._delete_value}
            args = (rest[0], rest[2])
        else:
            return None
        handler = routes.get(method.upper())
        return (handler, args) if handler is not None and all(args) else None

    # -- definitions ----------------------------------------------------------------------------

    def _definition(self, key: str) -> Record:
        definition = self._definitions.get(key)
        if definition is None or not visible(definition):
            raise not_found(f"Custom attribute definition with key `{key}` not found.")
        return definition

    def _owned_definition(self, key: str) -> Record:
        definition = self._definition(key)
        if not owned(key):
            raise _forbidden(f"Only the application that created the custom attribute definition `{key}` can "
                             "change or delete it.")
        return definition

    def _list_definitions(self, request: httpx.Request) -> dict[str, Any]:
        params = query_params(request, ("limit", "cursor"))
        items = [((d["created_at"], d["key"]), d) for d in self._definitions.values() if visible(d)]
        return _page(items, params, fingerprint(_DEFINITIONS), "custom_attribute_definitions")

    def _retrieve_definition(self, request: httpx.Request, key: str) -> dict[str, Any]:
        params = query_params(request, ("version",))
        definition = self._definition(key)
        self._check_read_version(params, definition["version"], "custom attribute definition")
        return {"custom_attribute_definition": definition}

    @staticmethod
    def _check_read_version(params: dict[str, str], current: int, what: str) -> None:
        wanted = int_param(params, "version")
        if wanted is not None and wanted > current:
            raise bad_request("BAD_REQUEST", f"The {what} is at version {current}; version {wanted} does not exist "
                              "yet.", "version")

    @staticmethod
    def _checked_texts(data: Record, field: str) -> Record:
        """name and description as sent (checked for type and length)."""
        texts: Record = {}
        for name, limit in (("name", NAME_MAX), ("description", DESCRIPTION_MAX)):
            if data.get(name) is not None:
                texts[name] = _text(data[name], f"{field}.{name}", limit)
        return texts

    def _check_required_texts(self, definition: Record, field: str) -> None:
        if definition.get("visibility", HIDDEN) == HIDDEN:
            return
        for name in ("name", "description"):
            if not definition.get(name):
                raise bad_request("MISSING_REQUIRED_PARAMETER", f"`{field}.{name}` is required unless the "
                                  "visibility is VISIBILITY_HIDDEN.", f"{field}.{name}")

    def _check_unique_name(self, definition: Record, field: str) -> None:
        name = definition.get("name")
        if name and any(other["key"] != definition["key"] and other.get("name") == name and visible(other)
                        for other in self._definitions.values()):
            raise SquareError(409, [error("CONFLICT", f"A custom attribute definition named `{name}` already "
                                          "exists.", f"{field}.name")])

    @staticmethod
    def _visibility(value: Any, field: str) -> str:
        if value not in VISIBILITIES:
            raise bad_request("INVALID_ENUM_VALUE", f"`{value}` is not a valid visibility.", field)
        return str(value)

    def _create_definition(self, request: httpx.Request) -> dict[str, Any]:
        body = json_object(request)
        reject_unknown(body, {"custom_attribute_definition", "idempotency_key"})
        key = _idempotency(body)
        data = _object(body, "custom_attribute_definition", _DEFINITION_FIELDS)
        return self._once("custom-attribute-definition", key, data, lambda: self._created_definition(data))

    def _created_definition(self, data: Record) -> dict[str, Any]:
        field = "custom_attribute_definition"
        key = data.get("key")
        if key is None:
            raise bad_request("MISSING_REQUIRED_PARAMETER", f"`{field}.key` is required.", f"{field}.key")
        key = expect_str(key, f"{field}.key")
        if not SIMPLE_KEY.fullmatch(key):
            raise bad_request("INVALID_VALUE", "The key may hold 1 to 60 letters, digits, periods, underscores and "
                              "hyphens.", f"{field}.key")
        if data.get("schema") is None:
            raise bad_request("MISSING_REQUIRED_PARAMETER", f"`{field}.schema` is required.", f"{field}.schema")
        visibility = HIDDEN if data.get("visibility") is None else self._visibility(data["visibility"],
                                                                                    f"{field}.visibility")
        texts = self._checked_texts(data, field)
        if key in self._definitions:
            raise SquareError(409, [error("CONFLICT", f"A custom attribute definition with key `{key}` already "
                                          "exists.", f"{field}.key")])
        now = later_timestamp(self.now(), None)
        schema = checked_schema(data["schema"], f"{field}.schema", self._new_uid)
        definition = {"key": key, "schema": schema, **texts, "visibility": visibility, "version": 1,
                      "updated_at": now, "created_at": now}
        self._check_required_texts(definition, field)
        self._check_unique_name(definition, field)
        self._definitions[key] = definition
        self._changed()
        return {"custom_attribute_definition": definition}

    def _update_definition(self, request: httpx.Request, key: str) -> dict[str, Any]:
        body = json_object(request)
        reject_unknown(body, {"custom_attribute_definition", "idempotency_key"})
        idempotency_key = _idempotency(body)
        data = _object(body, "custom_attribute_definition", _DEFINITION_FIELDS)
        return self._once(f"custom-attribute-definition:{key}", idempotency_key, data,
                          lambda: self._updated_definition(key, data))

    def _updated_definition(self, key: str, data: Record) -> dict[str, Any]:
        field = "custom_attribute_definition"
        current = self._owned_definition(key)
        if data.get("key") is not None and data["key"] != key:
            raise bad_request("BAD_REQUEST", "The key of a custom attribute definition cannot be changed.",
                              f"{field}.key")
        if data.get("version") is not None:
            given = expect_int(data["version"], f"{field}.version")
            if given != current["version"]:
                raise _version_mismatch("custom attribute definition", current["version"], given)
        new = dict(current)
        if data.get("visibility") is not None:
            new["visibility"] = self._visibility(data["visibility"], f"{field}.visibility")
        new.update(self._checked_texts(data, field))
        if data.get("schema") is not None:
            new["schema"] = changed_schema(current["schema"], data["schema"], f"{field}.schema", self._new_uid)
        self._check_required_texts(new, field)
        self._check_unique_name(new, field)
        new["version"] = current["version"] + 1
        new["updated_at"] = later_timestamp(self.now(), current["updated_at"])
        new = {name: new[name] for name in _DEFINITION_ORDER if name in new}
        self._definitions[key] = new
        self._changed()
        return {"custom_attribute_definition": new}

    def _delete_definition(self, request: httpx.Request, key: str) -> dict[str, Any]:
        query_params(request, ())
        self._owned_definition(key)
        del self._definitions[key]
        # Deleting a definition deletes its value on every customer [spec].
        for values in self._attribute_values.values():
            values.pop(key, None)
        self._changed()
        return {}

    def _custom_attribute_filter(self, value: Any, where: str) -> list[Predicate]:
        """SearchCustomers' `custom_attribute` filter over the values kept here."""
        return custom_attribute_predicates(value, where, self._definitions,
                                           lambda customer_id: self._attribute_values.get(customer_id, {}))

    # -- values ---------------------------------------------------------------------------------

    def _served(self, value: Record, with_definition: bool) -> Record:
        """A value as answered: the definition's current visibility copied in, the definition on request."""
        definition = self._definitions[value["key"]]
        served = {"key": value["key"], "value": value["value"], "version": value["version"],
                  "visibility": definition.get("visibility", HIDDEN)}
        if with_definition:
            served["definition"] = definition
        served["updated_at"] = value["updated_at"]
        served["created_at"] = value["created_at"]
        return served

    def _visible_values(self, customer_id: str) -> dict[str, Record]:
        self._existing(customer_id)
        values = self._attribute_values.get(customer_id, {})
        return {key: value for key, value in values.items()
                if key in self._definitions and visible(self._definitions[key])}

    def _list_values(self, request: httpx.Request, customer_id: str) -> dict[str, Any]:
        params = query_params(request, ("limit", "cursor", "with_definitions"))
        with_definitions = bool_param(params, "with_definitions")
        items = [((value["created_at"], key), self._served(value, with_definitions))
                 for key, value in self._visible_values(customer_id).items()]
        scope = fingerprint(_VALUES, customer_id, with_definitions)
        return _page(items, params, scope, "custom_attributes")

    def _retrieve_value(self, request: httpx.Request, customer_id: str, key: str) -> dict[str, Any]:
        params = query_params(request, ("with_definition", "version"))
        with_definition = bool_param(params, "with_definition")
        value = self._visible_values(customer_id).get(key)
        self._definition(key)
        if value is None:
            raise not_found(f"Custom attribute with key `{key}` not found for customer `{customer_id}`.")
        self._check_read_version(params, value["version"], "custom attribute")
        return {"custom_attribute": self._served(value, with_definition)}

    def _upsert_value(self, request: httpx.Request, customer_id: str, key: str) -> dict[str, Any]:
        body = json_object(request)
        reject_unknown(body, {"custom_attribute", "idempotency_key"})
        idempotency_key = _idempotency(body)
        data = _object(body, "custom_attribute", _ATTRIBUTE_FIELDS)
        return self._once(f"custom-attribute:{customer_id}:{key}", idempotency_key, data,
                          lambda: {"custom_attribute": self._upserted(customer_id, key, data, "custom_attribute")})

    def _upserted(self, customer_id: str, key: str, data: Record, field: str) -> Record:
        """Store one value (validated against its definition, version-checked) and answer it."""
        if data.get("key") is not None and data["key"] != key:
            raise bad_request("BAD_REQUEST", "The key in the body does not match the key in the path.", f"{field}.key")
        self._existing(customer_id)
        definition = self._definition(key)
        if not values_writable(definition):
            raise _forbidden(f"The custom attribute `{key}` is read-only for this application.")
        value = checked_value(data.get("value"), definition, f"{field}.value")
        values = self._attribute_values.setdefault(customer_id, {})
        current = values.get(key)
        if data.get("version") is not None:
            given = expect_int(data["version"], f"{field}.version")
            at = 0 if current is None else current["version"]
            if given != at:
                raise _version_mismatch("custom attribute", at, given)
        now = later_timestamp(self.now(), None if current is None else current["updated_at"])
        stored = {"key": key, "value": value, "version": 1 if current is None else current["version"] + 1,
                  "updated_at": now, "created_at": now if current is None else current["created_at"]}
        values[key] = stored
        self._changed()
        return self._served(stored, False)

    def _delete_value(self, request: httpx.Request, customer_id: str, key: str) -> dict[str, Any]:
        query_params(request, ())
        values = self._visible_values(customer_id)
        definition = self._definition(key)
        if key not in values:
            raise not_found(f"Custom attribute with key `{key}` not found for customer `{customer_id}`.")
        if not values_writable(definition):
            raise _forbidden(f"The custom attribute `{key}` is read-only for this application.")
        del self._attribute_values[customer_id][key]
        self._changed()
        return {}

    def _bulk_upsert(self, request: httpx.Request) -> dict[str, Any]:
        body = json_object(request)
        reject_unknown(body, {"values"})
        entries = body.get("values")
        if entries is None:
            raise bad_request("MISSING_REQUIRED_PARAMETER", "`values` is required.", "values")
        if not isinstance(entries, dict):
            raise bad_request("EXPECTED_MAP", "Expected `values` to be a map.", "values")
        if not entries:
            raise bad_request("VALUE_EMPTY", "`values` must hold at least 1 entry.", "values")
        if len(entries) > BULK_UPSERT_MAX:
            raise bad_request("TOO_MANY_MAP_ENTRIES", f"`values` may hold at most {BULK_UPSERT_MAX} entries.", "values")
        answers: dict[str, Any] = {}
        for entry_id, entry in entries.items():
            try:
                answers[entry_id] = self._bulk_entry(entry_id, entry)
            except SquareError as exc:
                answer: Record = {"errors": exc.errors}
                if isinstance(entry, dict) and isinstance(entry.get("customer_id"), str):
                    answer = {"customer_id": entry["customer_id"], **answer}
                answers[entry_id] = answer
        return {"values": answers}

    def _bulk_entry(self, entry_id: str, entry: Any) -> Record:
        field = f"values.{entry_id}"
        if not isinstance(entry, dict):
            raise bad_request("EXPECTED_OBJECT", f"Expected `{field}` to be an object.", field)
        reject_unknown(entry, {"customer_id", "custom_attribute", "idempotency_key"}, f"{field}.")
        customer_id = entry.get("customer_id")
        if customer_id is None:
            raise bad_request("MISSING_REQUIRED_PARAMETER", f"`{field}.customer_id` is required.",
                              f"{field}.customer_id")
        customer_id = expect_str(customer_id, f"{field}.customer_id")
        if not customer_id:
            raise bad_request("VALUE_EMPTY", f"`{field}.customer_id` must not be empty.", f"{field}.customer_id")
        data = _object(entry, "custom_attribute", _ATTRIBUTE_FIELDS, f"{field}.")
        key = data.get("key")
        if key is None:
            raise bad_request("MISSING_REQUIRED_PARAMETER", f"`{field}.custom_attribute.key` is required.",
                              f"{field}.custom_attribute.key")
        key = expect_str(key, f"{field}.custom_attribute.key")
        if not QUALIFIED_KEY.fullmatch(key):
            raise not_found(f"Custom attribute definition with key `{key}` not found.")
        idempotency_key = _idempotency(entry, f"{field}.idempotency_key")
        return self._once(f"custom-attribute:{customer_id}:{key}", idempotency_key, data, lambda: {
            "customer_id": customer_id,
            "custom_attribute": self._upserted(customer_id, key, data, f"{field}.custom_attribute")})
