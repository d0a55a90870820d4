"""Clover Platform REST API v3 customers client (`/v3/merchants/{mId}/customers`).

Chosen over the e-commerce API because only v3 can list, filter, create without a card and
delete (shared/api/clover.md §0). Nested emails, phones and addresses are changed through their
own sub-resources; the client keeps itself under Clover's per-token limits (5 in flight, 16 per
second) and still honours a 429's Retry-After.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

import httpx

from console.domain import errors as e
from console.domain.capabilities import CollectionKind
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.domain.query import CustomerQuery, TextMatch
from console.domain.validation import digits
from console.providers.base import CustomerProvider, Page, ProviderConfig
from console.providers.clover.capabilities import (
    CAPABILITIES,
    EXPAND,
    MAX_IN_FLIGHT,
    MAX_PER_SECOND,
    MAX_SEARCH_PAGES,
    NAME,
    PAGE_SIZE,
    RATE_WINDOW_S,
)
from console.providers.clover.cards import CloverCards
from console.providers.clover.changes import CloverChanges
from console.providers.clover.mapping import (
    create_body,
    customer_body,
    customer_from_wire,
    item_body,
    map_error,
    metadata_body,
)
from console.providers.http import HttpCore, RequestLimiter, bearer_headers, item_path
from console.providers.wire_reading import customer_in, field_of

_CUSTOMERS = "/customers"
# Where each kind of item lives under a customer.
_SUB_RESOURCES = {CollectionKind.ADDRESSES: "addresses", CollectionKind.EMAILS: "email_addresses",
                  CollectionKind.PHONES: "phone_numbers"}


class CloverProvider(CloverChanges, CloverCards, CustomerProvider):
    """Customers of one Clover merchant."""

    capabilities = CAPABILITIES

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        super().__init__(config, client)
        merchant = str(config.options.get("merchant_id") or config.credentials.get("merchant_id") or "")
        if not merchant:
            raise e.AuthenticationError("This Clover account has no merchant id. Enter it in Accounts.",
                                        provider=NAME)
        self.limiter = RequestLimiter(concurrent=MAX_IN_FLIGHT, per_second=MAX_PER_SECOND, window=RATE_WINDOW_S)
        base_url = item_path(f"{config.base_url.rstrip('/')}/v3/merchants", merchant)
        self.http = HttpCore(client, provider=NAME, base_url=base_url,
                             map_error=map_error, limiter=self.limiter,
                             headers=bearer_headers(config.credentials.get("token", "")))

    def _customer(self, body: Any) -> Customer:
        return customer_in(body, customer_from_wire, provider=NAME)

    async def test_connection(self) -> None:
        await self.list_page(0, limit=1)

    async def list_page(self, offset: int, *, limit: int = PAGE_SIZE, filters: tuple[str, ...] = ()) -> Page:
        params: list[tuple[str, str | int]] = [("expand", EXPAND), ("limit", limit), ("offset", offset)]
        params += [("filter", f) for f in filters]
        reply = await self.http.request("GET", "/customers", params=params, retry=True)
        items = field_of(reply.body, "elements", list, provider=NAME) or []
        return Page([customer_from_wire(item) for item in items])

    async def _pages(self, *, limit: int = PAGE_SIZE, filters: tuple[str, ...] = ()) -> AsyncGenerator[Page]:
        offset = 0
        previous: list[str] = []
        while True:
            page = await self.list_page(offset, limit=limit, filters=filters)
            ids = [c.id for c in page.customers]
            if ids and ids == previous:
                # A server that ignores `offset` would otherwise be paged through forever.
                raise e.ProtocolError(f"Clover sent the same page again at offset {offset}; the listing stops "
                                      "there.", field="offset", provider=NAME)
            yield page
            if len(page.customers) < limit:  # no total or cursor: a short page is the last
                return
            previous = ids
            offset += limit

    def iter_pages(self, *, page_size: int | None = None) -> AsyncIterator[Page]:
        return self._pages(limit=page_size or PAGE_SIZE)

    async def _search(self, query: CustomerQuery) -> list[Customer]:
        if query.phone is not None:
            # Clover keeps phones as typed and compares them exactly: ask for the number as typed
            # and as bare digits (Clover's own examples), and merge what either finds.
            typed = query.phone.value.strip()
            found: dict[str, Customer] = {}
            for form in dict.fromkeys((typed, digits(typed))):
                if form:
                    narrowed = query.model_copy(update={"phone": TextMatch(value=form)})
                    found.update((c.id, c) for c in await self._search_once(narrowed))
            return list(found.values())
        return await self._search_once(query)

    async def _search_once(self, query: CustomerQuery) -> list[Customer]:
        filters: list[str] = []
        for match, wire in ((query.email, "emailAddress"), (query.phone, "phoneNumber"), (query.name, "fullName")):
            if match is not None:
                filters.append(f"{wire}={match.value.strip()}")
        if query.created is not None:
            if query.created.start is not None:
                filters.append(f"customerSince>={int(query.created.start.timestamp() * 1000)}")
            if query.created.end is not None:
                filters.append(f"customerSince<={int(query.created.end.timestamp() * 1000)}")
        if query.groups is not None or query.updated is not None or query.creation_sources:
            raise self._unsupported("this filter")
        found: list[Customer] = []
        async with contextlib.aclosing(self._pages(filters=tuple(filters))) as pages:
            async for page in pages:
                found.extend(page.customers)
                if len(found) >= MAX_SEARCH_PAGES * PAGE_SIZE and len(page.customers) == PAGE_SIZE:
                    # A search answers a lookup: part of the matches passed off as all of them would mislead
                    # (a read-back after a lost create, a duplicate check), so the search is refused instead.
                    raise e.ProtocolError(f"Clover kept sending matches past {MAX_SEARCH_PAGES * PAGE_SIZE:,}; "
                                          "the search stopped there. Narrow it down.", field="offset", provider=NAME)
        return found

    async def get(self, customer_id: str) -> Customer:
        reply = await self.http.request("GET", item_path(_CUSTOMERS, customer_id), params={"expand": EXPAND},
                                        retry=True)
        return self._customer(reply.body)

    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        # No idempotency at Clover: sent once; the services read back a create whose answer was lost.
        reply = await self.http.request("POST", "/customers", params={"expand": EXPAND},
                                        json_body=create_body(changes))
        return self._customer(reply.body)

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        # Setting the same values again is harmless, so these POSTs may be retried.
        body = customer_body(changes)
        if body:
            await self.http.request("POST", item_path(_CUSTOMERS, customer.id), json_body=body, retry=True)
        metadata = metadata_body(changes)
        if metadata:
            await self.http.request("POST", f"{item_path(_CUSTOMERS, customer.id)}/metadata", json_body=metadata,
                                    retry=True)
        return await self.get(customer.id)

    async def delete(self, customer: Customer) -> None:
        await self.http.request("DELETE", item_path(_CUSTOMERS, customer.id), retry=True)

    # -- addresses, emails and phones: Clover's sub-resources ---------------------------------

    def _path(self, customer: Customer, kind: CollectionKind, item_id: str | None = None) -> str:
        base = f"{item_path(_CUSTOMERS, customer.id)}/{_SUB_RESOURCES[kind]}"
        return item_path(base, item_id) if item_id else base

    async def _add_item(self, customer: Customer, kind: CollectionKind, values: Mapping[str, Any]) -> Customer:
        # An add is not repeatable (it would make a second copy), so it is sent once.
        await self.http.request("POST", self._path(customer, kind), json_body=item_body(kind, values))
        return await self.get(customer.id)

    async def _update_item(self, customer: Customer, kind: CollectionKind, item_id: str,
                          values: Mapping[str, Any]) -> Customer:
        await self.http.request("POST", self._path(customer, kind, item_id),
                                json_body=item_body(kind, values, updating=True), retry=True)
        return await self.get(customer.id)

    async def _delete_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
        with contextlib.suppress(e.NotFoundError):  # already gone, which is what was asked
            await self.http.request("DELETE", self._path(customer, kind, item_id), retry=True)
        return await self.get(customer.id)

    async def _set_default_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
        await self.http.request("POST", self._path(customer, kind, item_id), json_body={"primaryEmail": True},
                                retry=True)
        return await self.get(customer.id)
