"""The Square customers client: HTTP calls, pagination, bulk endpoints and groups."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import httpx
from pydantic import ValidationError

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer, Group
from console.domain.query import CustomerQuery
from console.providers.base import BulkResult, CustomerProvider, Page, ProviderConfig
from console.providers.http import HttpCore, InFlight, bearer_headers, item_path
from console.providers.square.capabilities import CAPABILITIES, NAME, PAGE_SIZE, SQUARE_VERSION
from console.providers.square.cards import SquareCards
from console.providers.square.changes import SquareChanges
from console.providers.square.custom_fields import SquareCustomFields
from console.providers.square.mapping import (
    create_body,
    customer_from_wire,
    error_from_errors,
    errors_of,
    map_error,
    search_query,
    update_body,
)
from console.providers.square.wire import WireGroup
from console.providers.wire_reading import customer_in, field_of

_CUSTOMERS = "/v2/customers"
# A ListCustomers answer ends with its cursor (Square writes it last): read from the raw body, it lets the
# next page be asked for before this one is decoded. Only a plain cursor right before the closing brace
# counts; the decoded cursor is compared with it.
_TRAILING_CURSOR = re.compile(rb'"cursor"\s*:\s*"([A-Za-z0-9+/=_.~-]+)"\s*}\s*\Z')
_CURSOR_TAIL = 2048   # bytes at the end of an answer searched for it

SortField = Literal["DEFAULT", "CREATED_AT"]
SortOrder = Literal["ASC", "DESC"]


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _trailing_cursor(raw: bytes) -> str | None:
    """The cursor at the very end of a raw ListCustomers answer, if it is there."""
    found = _TRAILING_CURSOR.search(raw, max(0, len(raw) - _CURSOR_TAIL))
    return found.group(1).decode("ascii") if found else None


class _ListRequest:
    """A ListCustomers page asked for; while the pages' reader waits for it, the next page is asked for
    as soon as its raw answer is in (`ahead`), before the answer is decoded (about a millisecond a page)."""

    def __init__(self, start: Callable[[str | None, Callable[[bytes], Awaitable[None]]], InFlight[Any]],
                 cursor: str | None) -> None:
        self.awaited = False
        self.ahead: tuple[str, _ListRequest] | None = None
        self._start = start
        self.flight = start(cursor, self._read_ahead)

    async def _read_ahead(self, raw: bytes) -> None:
        self._drop_ahead()   # asked for on an earlier answer to a retried request
        # Only for the page the reader waits for: a reader busy elsewhere is not run ahead of.
        following = _trailing_cursor(raw) if self.awaited else None
        if following:
            ahead = _ListRequest(self._start, following)
            self.ahead = following, ahead
            await ahead.flight.sent()

    def next_for(self, cursor: str | None) -> _ListRequest | None:
        """The next page's request asked for ahead, if it asked for `cursor` (this page's decoded cursor)."""
        ahead, self.ahead = self.ahead, None
        if ahead is None:
            return None
        if ahead[0] != cursor:
            ahead[1].abandon()
            return None
        return ahead[1]

    def abandon(self) -> None:
        """Give up on this page and any asked for ahead of it."""
        self.flight.abandon()
        self._drop_ahead()

    def _drop_ahead(self) -> None:
        if self.ahead is not None:
            self.ahead[1].abandon()
            self.ahead = None


def _list_params(cursor: str | None, limit: int | None, sort_field: SortField, sort_order: SortOrder,
                 count: bool) -> dict[str, Any]:
    """ListCustomers query parameters, leaving out the ones at Square's defaults."""
    params: dict[str, Any] = {}
    if cursor:
        params["cursor"] = cursor
    if limit is not None:
        params["limit"] = limit
    if sort_field != "DEFAULT":
        params["sort_field"] = sort_field
    if sort_order != "ASC":
        params["sort_order"] = sort_order
    if count:
        params["count"] = "true"
    return params


class SquareProvider(SquareChanges, SquareCards, SquareCustomFields, CustomerProvider):
    """Customers of one Square seller account."""

    capabilities = CAPABILITIES

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        super().__init__(config, client)
        self.http = HttpCore(client, provider=NAME, base_url=config.base_url, map_error=map_error,
                             headers=bearer_headers(config.credentials.get("token", ""),
                                                    {"Square-Version": SQUARE_VERSION}))

    def _customers(self, body: Any, key: str = "customers") -> list[Customer]:
        items = body.get(key) or [] if isinstance(body, Mapping) else None
        if not isinstance(items, list):
            raise e.ProtocolError(f"Square sent '{key}' that is not a list.", field=key, provider=NAME)
        return [customer_from_wire(item) for item in items]

    def _customer(self, body: Any) -> Customer:
        return customer_in(body, customer_from_wire, provider=NAME, key="customer")

    async def test_connection(self) -> None:
        await self.list_page(limit=1)

    async def list_page(self, cursor: str | None = None, *, limit: int | None = None,
                        sort_field: SortField = "DEFAULT", sort_order: SortOrder = "ASC",
                        count: bool = False) -> Page:
        """One ListCustomers page."""
        return self._list_page(await self._list_body(_list_params(cursor, limit, sort_field, sort_order, count)))

    async def _list_body(self, params: dict[str, Any], on_sent: Callable[[], None] | None = None,
                         on_raw: Callable[[bytes], Awaitable[None]] | None = None) -> Any:
        reply = await self.http.request("GET", "/v2/customers", params=params, retry=True, on_sent=on_sent,
                                        on_raw=on_raw)
        return reply.body

    def _list_page(self, body: Any) -> Page:
        total = field_of(body, "count", int, provider=NAME)
        return Page(self._customers(body), cursor=self._cursor(body), total=total)

    def _cursor(self, body: Any) -> str | None:
        return field_of(body, "cursor", str, provider=NAME) or None

    async def iter_pages(self, *, page_size: int | None = None, sort_field: SortField = "DEFAULT",
                         sort_order: SortOrder = "ASC") -> AsyncIterator[Page]:
        limit = page_size or PAGE_SIZE

        def start(cursor: str | None, on_raw: Callable[[bytes], Awaitable[None]]) -> InFlight[Any]:
            params = _list_params(cursor, limit, sort_field, sort_order, count=cursor is None)
            return InFlight(lambda on_sent: self._list_body(params, on_sent, on_raw))

        pending: _ListRequest | None = _ListRequest(start, None)
        try:
            while pending is not None:
                pending.awaited = True
                body = await pending.flight
                cursor = self._cursor(body)
                # Square's cursor makes pages strictly sequential: the next page is asked for before
                # this one is read (as a rule before it is decoded: `_ListRequest`), and reading it (and
                # filling the table) waits until that request is on the wire, so the work overlaps the
                # network wait instead of delaying it (P4).
                ahead = pending.next_for(cursor)
                pending = ahead or (_ListRequest(start, cursor) if cursor else None)
                if pending is not None and ahead is None:
                    await pending.flight.sent()
                yield self._list_page(body)
        finally:
            if pending is not None:  # stopped early: nothing is awaited here (see authorize_net)
                pending.abandon()

    async def search_page(self, query: CustomerQuery, cursor: str | None = None, *,
                          limit: int | None = None, count: bool = False) -> Page:
        """One SearchCustomers page."""
        body: dict[str, Any] = {}
        if cursor:
            body["cursor"] = cursor
        if limit is not None:
            body["limit"] = limit
        q = search_query(query)
        if q:
            body["query"] = q
        if count:
            body["count"] = True
        # Search is a read even though it is a POST, so retrying it is harmless.
        reply = await self.http.request("POST", "/v2/customers/search", json_body=body, retry=True)
        total = field_of(reply.body, "count", int, provider=NAME)
        return Page(self._customers(reply.body), cursor=field_of(reply.body, "cursor", str, provider=NAME) or None,
                    total=total)

    async def _search(self, query: CustomerQuery) -> list[Customer]:
        found: list[Customer] = []
        cursor: str | None = None
        while True:
            page = await self.search_page(query, cursor)
            found.extend(page.customers)
            if not page.cursor:
                return found
            cursor = page.cursor

    async def get(self, customer_id: str) -> Customer:
        reply = await self.http.request("GET", item_path(_CUSTOMERS, customer_id), retry=True)
        # The 2025-08-20 Customer has no cards: they come from the Cards API (console/providers/square/cards.py).
        return await self.with_cards(self._customer(reply.body))

    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        body = {"idempotency_key": idempotency_key, **create_body(changes)}
        # The idempotency key makes a repeated create return the first result, so retrying is safe.
        reply = await self.http.request("POST", "/v2/customers", json_body=body, retry=True)
        return self._customer(reply.body)

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        body = update_body(customer, changes)
        # With the version in the body a repeat after a lost answer fails as VERSION_MISMATCH
        # instead of applying twice, so the retry is safe; without it PUT is idempotent anyway.
        reply = await self.http.request("PUT", item_path(_CUSTOMERS, customer.id), json_body=body, retry=True)
        # The answer has no cards (they live in the Cards API) and a profile update leaves them as they were.
        return replace(self._customer(reply.body), payment_methods=customer.payment_methods)

    async def delete(self, customer: Customer) -> None:
        params = {"version": customer.version} if customer.version is not None else None
        await self.http.request("DELETE", item_path(_CUSTOMERS, customer.id), params=params, retry=True)

    # -- bulk ---------------------------------------------------------------------------------

    def _bulk(self, body: Any, keys: Sequence[str], result: BulkResult, *, deleted: bool) -> None:
        responses = body.get("responses") if isinstance(body, Mapping) else None
        if not isinstance(responses, Mapping):
            raise e.ProtocolError("Square's bulk answer has no 'responses' map.", field="responses",
                                  provider=NAME)
        for key in keys:
            item = responses.get(key)
            if not isinstance(item, Mapping):
                result.failed[key] = e.ProtocolError(f"Square's bulk answer says nothing about {key}.",
                                                     field=f"responses.{key}", provider=NAME)
            elif item.get("errors"):
                result.failed[key] = error_from_errors(errors_of(item), 400)
            elif deleted:
                result.succeeded[key] = None
            else:
                result.succeeded[key] = self._customer(item)

    async def create_many(self, items: Mapping[str, CustomerChanges]) -> BulkResult:
        """BulkCreateCustomers; `items` maps an idempotency key to each new customer's values."""
        result = BulkResult(succeeded={}, failed={})
        keys = list(items)
        for chunk in _chunks(keys, self.capabilities.bulk_limit):
            body = {"customers": {key: create_body(items[key]) for key in chunk}}
            reply = await self.http.request("POST", "/v2/customers/bulk-create", json_body=body, retry=True)
            self._bulk(reply.body, chunk, result, deleted=False)
        return result

    async def update_many(self, items: Sequence[tuple[Customer, CustomerChanges]]) -> BulkResult:
        """BulkUpdateCustomers, each with its own version."""
        result = BulkResult(succeeded={}, failed={})
        for chunk in _chunks(list(items), self.capabilities.bulk_limit):
            body = {"customers": {customer.id: update_body(customer, changes) for customer, changes in chunk}}
            reply = await self.http.request("POST", "/v2/customers/bulk-update", json_body=body, retry=True)
            self._bulk(reply.body, [customer.id for customer, _ in chunk], result, deleted=False)
            for customer, _ in chunk:   # as `update`: the answer has no cards, and they are as they were
                updated = result.succeeded.get(customer.id)
                if updated is not None:
                    result.succeeded[customer.id] = replace(updated, payment_methods=customer.payment_methods)
        return result

    async def delete_many(self, customers: Sequence[Customer]) -> BulkResult:
        if len(customers) == 1:
            # The bulk endpoint sends no versions; one customer goes by the plain DELETE, which does.
            return await super().delete_many(customers)
        result = BulkResult(succeeded={}, failed={})
        for chunk in _chunks([c.id for c in customers], self.capabilities.bulk_limit):
            reply = await self.http.request("POST", "/v2/customers/bulk-delete",
                                            json_body={"customer_ids": list(chunk)}, retry=True)
            self._bulk(reply.body, chunk, result, deleted=True)
        return result

    async def get_many(self, customer_ids: Sequence[str]) -> BulkResult:
        result = BulkResult(succeeded={}, failed={})
        for chunk in _chunks(list(customer_ids), self.capabilities.bulk_limit):
            reply = await self.http.request("POST", "/v2/customers/bulk-retrieve",
                                            json_body={"customer_ids": list(chunk)}, retry=True)
            self._bulk(reply.body, chunk, result, deleted=False)
        return result

    # -- groups -------------------------------------------------------------------------------

    async def list_groups(self) -> list[Group]:
        groups: list[Group] = []
        cursor: str | None = None
        while True:
            params = {"limit": 50, **({"cursor": cursor} if cursor else {})}
            reply = await self.http.request("GET", "/v2/customers/groups", params=params, retry=True)
            for item in reply.body.get("groups") or []:
                try:
                    wire = WireGroup.model_validate(item)
                except ValidationError as exc:
                    raise e.ProtocolError("Square sent a customer group we cannot read.", field="groups",
                                          provider=NAME) from exc
                groups.append(Group(id=wire.id, name=wire.name))
            cursor = reply.body.get("cursor")
            if not cursor:
                return groups

    async def add_to_group(self, customer: Customer, group_id: str) -> None:
        await self.http.request("PUT", _membership_path(customer, group_id), retry=True)

    async def remove_from_group(self, customer: Customer, group_id: str) -> None:
        await self.http.request("DELETE", _membership_path(customer, group_id), retry=True)


def _membership_path(customer: Customer, group_id: str) -> str:
    return item_path(f"{item_path(_CUSTOMERS, customer.id)}/groups", group_id)
