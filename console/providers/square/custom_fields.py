"""Square's customer custom attributes ("custom fields"): wire models, mapping, and the provider methods.

Definitions live under /v2/customers/custom-attribute-definitions, values under
/v2/customers/{customer_id}/custom-attributes. A definition's schema is a `$ref` to one of Square's
common types, or a selection schema whose `items.names` are the options and `items.enum` the uids
Square gave them. Definitions of other applications (and the seller's own Dashboard fields) come
with qualified keys (`app_id:key`); only the owner may change them, and VISIBILITY_READ_ONLY makes
their values read-only here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from pydantic import Field

from console.domain import errors as e
from console.domain.custom_fields import (
    CustomFieldDefinition,
    CustomFieldType,
    CustomFieldValue,
    SelectionOption,
    column_key,
)
from console.domain.customer import Address, Customer
from console.providers.http import HttpCore, item_path
from console.providers.square.capabilities import NAME
from console.providers.square.mapping import _ADDRESS_TO_WIRE, error_from_errors, errors_of
from console.providers.wire_model import WireModel
from console.providers.wire_reading import field_of, read_model

_DEFINITIONS = "/v2/customers/custom-attribute-definitions"
_BULK_UPSERT = "/v2/customers/custom-attributes/bulk-upsert"
COMMON_SCHEMA = "https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common."
SELECTION_META_SCHEMA = "https://developer-production-s.squarecdn.com/meta-schemas/v1/selection.json"
READ_ONLY = "VISIBILITY_READ_ONLY"
READ_WRITE = "VISIBILITY_READ_WRITE_VALUES"
# A new definition's key; others' keys are qualified ("app_id:key") and never made here.
SIMPLE_KEY = re.compile(r"[a-zA-Z0-9._-]{1,60}")
KEY_RULE = "The key may hold 1 to 60 letters, digits, periods (.), underscores (_) and hyphens (-)."
PAGE_LIMIT = 100
BULK_UPSERT_LIMIT = 25

# Square's common type names per field type (selection has its own schema).
_TYPE_NAMES: dict[CustomFieldType, str] = {
    CustomFieldType.STRING: "String", CustomFieldType.NUMBER: "Number", CustomFieldType.EMAIL: "Email",
    CustomFieldType.PHONE: "PhoneNumber", CustomFieldType.ADDRESS: "Address", CustomFieldType.DATE: "Date",
    CustomFieldType.BOOLEAN: "Boolean",
}
_TYPES_BY_NAME = {name: kind for kind, name in _TYPE_NAMES.items()}
# Types whose values Square sends as strings (numbers too, in its examples).
_STRING_VALUED = frozenset({CustomFieldType.STRING, CustomFieldType.EMAIL, CustomFieldType.PHONE, CustomFieldType.DATE,
                            CustomFieldType.NUMBER})
_DEFINITION_FIELD = "custom_attribute_definition."


class _WireDefinition(WireModel):
    key: str
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    name: str | None = None
    description: str | None = None
    visibility: str | None = None
    version: int | None = None


class _WireValue(WireModel):
    key: str
    value: Any = None
    version: int | None = None
    definition: dict[str, Any] | None = None


# -- mapping --------------------------------------------------------------------------------------

def _owned(key: str) -> bool:
    # Other applications' keys (the seller's Dashboard fields too) are qualified: "app_id:key".
    return ":" not in key


def _type_of(schema: Mapping[str, Any] | None) -> CustomFieldType | None:
    if not isinstance(schema, Mapping):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(COMMON_SCHEMA):
        return _TYPES_BY_NAME.get(ref[len(COMMON_SCHEMA):])
    if schema.get("$schema") == SELECTION_META_SCHEMA:
        return CustomFieldType.SELECTION
    return None


def _options(schema: Mapping[str, Any], at: str) -> tuple[tuple[SelectionOption, ...], int | None]:
    items = schema.get("items")
    names = items.get("names") if isinstance(items, Mapping) else None
    uids = items.get("enum") if isinstance(items, Mapping) else None
    limit = schema.get("maxItems")
    if (not isinstance(names, list) or not isinstance(uids, list) or len(names) != len(uids)
            or not all(isinstance(x, str) for x in [*names, *uids])
            or not (limit is None or (isinstance(limit, int) and not isinstance(limit, bool)))):
        raise e.ProtocolError("Square sent a selection field whose options we cannot read.",
                              field=f"{at}.schema", provider=NAME)
    return tuple(SelectionOption(uid=uid, name=name) for uid, name in zip(uids, names, strict=True)), limit


def definition_from_wire(data: Any, at: str = "custom_attribute_definition") -> CustomFieldDefinition | None:
    """A domain definition, or None for a schema type this console does not know (it is left out)."""
    wire = read_model(_WireDefinition, data, provider=NAME, what="a custom field definition", at=at)
    kind = _type_of(wire.schema_)
    if kind is None:
        return None
    options, limit = _options(wire.schema_ or {}, at) if kind is CustomFieldType.SELECTION else ((), None)
    owned = _owned(wire.key)
    return CustomFieldDefinition(
        key=wire.key, name=wire.name or wire.key, type=kind, description=wire.description or "",
        options=options, max_selections=limit, read_only=not owned and wire.visibility == READ_ONLY,
        owned=owned, visibility=wire.visibility, version=wire.version)


def _schema(definition: CustomFieldDefinition, *, creating: bool) -> dict[str, Any]:
    if definition.type is not CustomFieldType.SELECTION:
        return {"$ref": COMMON_SCHEMA + _TYPE_NAMES[definition.type]}
    # Options keep their uids by being listed first in `enum` order; new ones (no uid) follow.
    kept = [o for o in definition.options if o.uid] if not creating else []
    added = [o for o in definition.options if creating or not o.uid]
    items: dict[str, Any] = {"names": [o.name for o in [*kept, *added]]}
    if kept:
        items["enum"] = [o.uid for o in kept]
    schema: dict[str, Any] = {"$schema": SELECTION_META_SCHEMA, "type": "array", "uniqueItems": True}
    if definition.max_selections is not None:
        schema["maxItems"] = definition.max_selections
    schema["items"] = items
    return schema


def definition_body(definition: CustomFieldDefinition, *, creating: bool) -> dict[str, Any]:
    """The `custom_attribute_definition` of a create or (sparse) update."""
    body: dict[str, Any] = {}
    if creating:
        if not SIMPLE_KEY.fullmatch(definition.key):
            raise e.InvalidInputError(KEY_RULE, field_errors={"key": KEY_RULE}, provider=NAME)
        body["key"] = definition.key
    if creating or definition.type is CustomFieldType.SELECTION:
        body["schema"] = _schema(definition, creating=creating)
    body["name"] = definition.name
    # Square requires a description unless the field is hidden; the name serves when none was given.
    body["description"] = definition.description or definition.name
    # Custom fields the seller sees in the Dashboard and may edit: Square's value for seller fields.
    body["visibility"] = definition.visibility or READ_WRITE
    if not creating and definition.version is not None:
        body["version"] = definition.version
    return body


def _address(data: Mapping[str, Any]) -> Address:
    return Address(**{part: data[wire] for part, wire in _ADDRESS_TO_WIRE.items() if isinstance(data.get(wire), str)})


def value_to_wire(value: Any) -> Any:
    """A domain value as Square's JSON: numbers as decimal strings, addresses as Square addresses."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, Address):
        return {wire: getattr(value, part) for part, wire in _ADDRESS_TO_WIRE.items() if getattr(value, part)}
    if isinstance(value, tuple | list):
        return [str(uid) for uid in value]
    if isinstance(value, int | float):
        return str(value)
    raise e.InvalidInputError(f"A custom field cannot hold {type(value).__name__}.", provider=NAME)


def value_from_wire(data: Any, at: str) -> CustomFieldValue | None:
    """A domain value; None when its definition (sent along) has a type this console does not know."""
    wire = read_model(_WireValue, data, provider=NAME, what="a custom field value", at=at)
    kind: CustomFieldType | None = None
    if wire.definition is not None:
        definition = definition_from_wire(wire.definition, f"{at}.definition")
        if definition is None:
            return None
        kind = definition.type
    value = _read_value(wire.value, kind)
    if value is None:
        raise e.ProtocolError(f"Square sent a value of the custom field '{wire.key}' we cannot read.",
                              field=f"{at}.value", provider=NAME)
    return CustomFieldValue(key=wire.key, value=value, version=wire.version)


def _read_value(raw: Any, kind: CustomFieldType | None) -> Any:
    """The domain value of `raw` when it fits `kind` (by its JSON shape alone when None), else None."""
    value: Any
    if isinstance(raw, bool):
        fits, value = kind in (None, CustomFieldType.BOOLEAN), raw
    elif isinstance(raw, str):
        fits, value = kind is None or kind in _STRING_VALUED, raw
    elif isinstance(raw, int | float):
        fits, value = kind in (None, CustomFieldType.NUMBER), str(raw)
    elif isinstance(raw, Mapping):
        fits, value = kind in (None, CustomFieldType.ADDRESS), _address(raw)
    elif isinstance(raw, list):
        fits, value = kind in (None, CustomFieldType.SELECTION) and all(isinstance(u, str) for u in raw), tuple(raw)
    else:
        fits, value = False, None
    return value if fits else None


def _entry_key(idempotency_key: str, customer_id: str, key: str) -> str:
    """A per-entry idempotency key (Square allows 45 characters) that a repeat of the same job reproduces."""
    return hashlib.sha256(f"{idempotency_key}\0{customer_id}\0{key}".encode()).hexdigest()[:40]


@contextmanager
def _about_value(key: str) -> Iterator[None]:
    """Square's refusals of a value write, said about the custom field (and mapped onto its column)."""
    try:
        yield
    except e.StaleVersionError as exc:
        raise e.StaleVersionError(f"Someone else changed the custom field '{key}' of this customer after you "
                                  "opened it.", provider=NAME, code=exc.code) from exc
    except e.PermissionDeniedError as exc:
        if exc.code != "FORBIDDEN":
            raise
        raise e.PermissionDeniedError(f"Another application owns the custom field '{key}' and lets this one "
                                      "only read it.", provider=NAME, code=exc.code) from exc
    except e.InvalidInputError as exc:
        raise e.InvalidInputError(exc.message, field_errors={column_key(key): exc.message}, provider=NAME,
                                  code=exc.code) from exc


@contextmanager
def _about_definition(key: str) -> Iterator[None]:
    """Square's refusals of a definition write, said about the definition's own fields."""
    try:
        yield
    except e.StaleVersionError as exc:
        raise e.StaleVersionError(f"Someone else changed the custom field '{key}' after you opened it.",
                                  provider=NAME, code=exc.code) from exc
    except e.PermissionDeniedError as exc:
        if exc.code != "FORBIDDEN":
            raise
        raise e.PermissionDeniedError(f"The custom field '{key}' belongs to another application or to the "
                                      "seller's Dashboard; only its owner can change it.", provider=NAME,
                                      code=exc.code) from exc
    except e.InvalidInputError as exc:
        fields = {name.removeprefix(_DEFINITION_FIELD).split(".")[0]: message
                  for name, message in exc.field_errors.items()}
        raise e.InvalidInputError(exc.message, field_errors=fields, provider=NAME, code=exc.code) from exc
    except e.ConflictError as exc:
        if exc.code != "CONFLICT":
            raise
        raise e.DuplicateError(exc.message, provider=NAME, code=exc.code) from exc


class SquareCustomFields:
    """The custom field methods of `SquareProvider` (see `CustomerProvider`)."""

    http: HttpCore

    async def custom_field_definitions(self) -> list[CustomFieldDefinition]:
        found: list[CustomFieldDefinition] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": PAGE_LIMIT, **({"cursor": cursor} if cursor else {})}
            reply = await self.http.request("GET", _DEFINITIONS, params=params, retry=True)
            items = field_of(reply.body, "custom_attribute_definitions", list, provider=NAME) or []
            for index, item in enumerate(items):
                definition = definition_from_wire(item, f"custom_attribute_definitions.{index}")
                if definition is not None:
                    found.append(definition)
            cursor = field_of(reply.body, "cursor", str, provider=NAME)
            if not cursor:
                return found

    def _definition_in(self, body: Any) -> CustomFieldDefinition:
        definition = definition_from_wire(body.get("custom_attribute_definition") if isinstance(body, Mapping)
                                          else None)
        if definition is None:
            raise e.ProtocolError("Square answered with a custom field of a type we do not know.",
                                  field="custom_attribute_definition.schema", provider=NAME)
        return definition

    async def create_custom_field_definition(self, definition: CustomFieldDefinition, *,
                                             idempotency_key: str) -> CustomFieldDefinition:
        body = {"custom_attribute_definition": definition_body(definition, creating=True),
                "idempotency_key": idempotency_key}
        with _about_definition(definition.key):
            reply = await self.http.request("POST", _DEFINITIONS, json_body=body, retry=True)
        return self._definition_in(reply.body)

    async def update_custom_field_definition(self, definition: CustomFieldDefinition, *,
                                             idempotency_key: str) -> CustomFieldDefinition:
        body = {"custom_attribute_definition": definition_body(definition, creating=False),
                "idempotency_key": idempotency_key}
        with _about_definition(definition.key):
            reply = await self.http.request("PUT", item_path(_DEFINITIONS, definition.key), json_body=body,
                                            retry=True)
        return self._definition_in(reply.body)

    async def delete_custom_field_definition(self, key: str) -> None:
        try:
            with _about_definition(key):
                await self.http.request("DELETE", item_path(_DEFINITIONS, key), retry=True)
        except e.NotFoundError:
            pass  # already gone (or deleted by a retry whose answer was lost): the outcome wanted

    async def custom_field_holders(self, key: str) -> int:
        """How many customers hold a value of the custom field: one counted search (profiles Square
        does not list, those without a name, email, phone or company, are not counted)."""
        # Every value was updated after 1970, so this matches each holder whatever the field's type.
        held = {"key": key, "updated_at": {"start_at": "1970-01-01T00:00:00Z"}}
        body = {"limit": 1, "query": {"filter": {"custom_attribute": {"filters": [held]}}}, "count": True}
        reply = await self.http.request("POST", "/v2/customers/search", json_body=body, retry=True)
        return int(field_of(reply.body, "count", int, provider=NAME) or 0)

    async def custom_field_values(self, customer_id: str) -> tuple[CustomFieldValue, ...]:
        # with_definitions tells each value's type, so one request per page reads a customer's values.
        path = f"{item_path('/v2/customers', customer_id)}/custom-attributes"
        found: list[CustomFieldValue] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": PAGE_LIMIT, "with_definitions": "true",
                                      **({"cursor": cursor} if cursor else {})}
            reply = await self.http.request("GET", path, params=params, retry=True)
            items = field_of(reply.body, "custom_attributes", list, provider=NAME) or []
            for index, item in enumerate(items):
                value = value_from_wire(item, f"custom_attributes.{index}")
                if value is not None:
                    found.append(value)
            cursor = field_of(reply.body, "cursor", str, provider=NAME)
            if not cursor:
                return tuple(found)

    async def set_custom_field_value(self, customer: Customer, value: CustomFieldValue, *,
                                     idempotency_key: str) -> CustomFieldValue:
        attribute: dict[str, Any] = {"value": value_to_wire(value.value)}
        if value.version is not None:
            attribute["version"] = value.version
        body = {"custom_attribute": attribute, "idempotency_key": idempotency_key}
        path = item_path(f"{item_path('/v2/customers', customer.id)}/custom-attributes", value.key)
        with _about_value(value.key):
            reply = await self.http.request("POST", path, json_body=body, retry=True)
        stored = value_from_wire(reply.body.get("custom_attribute") if isinstance(reply.body, Mapping) else None,
                                 "custom_attribute")
        if stored is None:  # only a value sent with its definition can be of an unknown type
            raise e.ProtocolError("Square answered with a custom field of a type we do not know.",
                                  field="custom_attribute.definition", provider=NAME)
        return stored

    async def delete_custom_field_value(self, customer: Customer, key: str) -> None:
        path = item_path(f"{item_path('/v2/customers', customer.id)}/custom-attributes", key)
        try:
            with _about_value(key):
                await self.http.request("DELETE", path, retry=True)
        except e.NotFoundError:
            pass  # the customer has no such value (any more): the outcome wanted

    async def set_custom_field_values(self, values: Sequence[tuple[str, CustomFieldValue]], *,
                                      idempotency_key: str) -> dict[str, e.ConsoleError | None]:
        results: dict[str, e.ConsoleError | None] = {}
        for start in range(0, len(values), BULK_UPSERT_LIMIT):
            chunk = values[start:start + BULK_UPSERT_LIMIT]
            entries: dict[str, Any] = {}
            for index, (customer_id, value) in enumerate(chunk):
                attribute: dict[str, Any] = {"key": value.key, "value": value_to_wire(value.value)}
                if value.version is not None:
                    attribute["version"] = value.version
                entries[str(index)] = {"customer_id": customer_id, "custom_attribute": attribute,
                                       "idempotency_key": _entry_key(idempotency_key, customer_id, value.key)}
            reply = await self.http.request("POST", _BULK_UPSERT, json_body={"values": entries}, retry=True)
            answers = field_of(reply.body, "values", dict, provider=NAME, required=True)
            for index, (customer_id, value) in enumerate(chunk):
                results[f"{customer_id}/{value.key}"] = self._bulk_outcome(answers.get(str(index)), value.key)
        return results

    @staticmethod
    def _bulk_outcome(answer: Any, key: str) -> e.ConsoleError | None:
        if not isinstance(answer, Mapping):
            return e.ProtocolError(f"Square's bulk answer says nothing about the custom field '{key}'.",
                                   field="values", provider=NAME)
        if not answer.get("errors"):
            return None
        errors = errors_of(answer)
        codes = {error.code for error in errors}
        # An entry's errors come without an HTTP status of their own; the code says which it would be.
        status = 404 if "NOT_FOUND" in codes else 403 if "FORBIDDEN" in codes else 400
        try:
            with _about_value(key):
                raise error_from_errors(errors, status)
        except e.ConsoleError as error:
            return error
