"""PayArc customers API client (`/v1/customers`).

PayArc documents form-encoded bodies (its SDKs send JSON; the server takes both), pages with
`page`/`limit` inside a `{data, meta.pagination}` envelope, updates with PATCH, and has no
idempotency keys and no server-side customer search (shared/api/payarc.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.providers.base import CustomerProvider, Page, ProviderConfig
from console.providers.http import HttpCore, bearer_headers, item_path
from console.providers.payarc.capabilities import CAPABILITIES, NAME, PAGE_SIZE
from console.providers.payarc.mapping import customer_from_wire, map_error, write_fields
from console.providers.wire_reading import customer_in, field_of

_CUSTOMERS = "/customers"


class PayArcProvider(CustomerProvider):
    """Customers of one PayArc merchant account."""

    capabilities = CAPABILITIES

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        super().__init__(config, client)
        self.json_bodies = config.options.get("body_encoding") == "json"
        self.http = HttpCore(client, provider=NAME, base_url=config.base_url, map_error=map_error,
                             headers=bearer_headers(config.credentials.get("token", "")))

    def _customer(self, body: Any) -> Customer:
        return customer_in(body, customer_from_wire, provider=NAME, key="data")

    def _body(self, fields: dict[str, str]) -> dict[str, Any]:
        return {"json_body": fields} if self.json_bodies else {"form": fields}

    async def test_connection(self) -> None:
        await self.list_page(1, limit=1)

    async def list_page(self, page: int, *, limit: int = PAGE_SIZE) -> tuple[Page, int]:
        """One page of customers and the number of pages there are."""
        reply = await self.http.request("GET", "/customers", params={"page": page, "limit": limit}, retry=True)
        items = field_of(reply.body, "data", list, provider=NAME, required=True)
        meta = field_of(reply.body, "meta", Mapping, provider=NAME) or {}
        pagination = field_of(meta, "pagination", Mapping, provider=NAME) or {}
        total = field_of(pagination, "total", int, provider=NAME)
        pages = field_of(pagination, "total_pages", int, provider=NAME)
        customers = [customer_from_wire(item) for item in items]
        if pages is None:  # without pagination meta, a short page is the last one
            pages = page if len(items) < limit else page + 1
        return Page(customers, total=total), pages

    async def iter_pages(self, *, page_size: int | None = None) -> AsyncIterator[Page]:
        number = 1
        while True:
            page, pages = await self.list_page(number, limit=page_size or PAGE_SIZE)
            yield page
            if number >= pages or not page.customers:
                return
            number += 1

    async def get(self, customer_id: str) -> Customer:
        reply = await self.http.request("GET", item_path(_CUSTOMERS, customer_id), retry=True)
        return self._customer(reply.body)

    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        # No idempotency keys at PayArc: never repeated here; the services read back a lost answer.
        reply = await self.http.request("POST", "/customers", **self._body(write_fields(changes)))
        return self._customer(reply.body)

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        # Setting the same values twice changes nothing, so a repeated PATCH is harmless.
        reply = await self.http.request("PATCH", item_path(_CUSTOMERS, customer.id), retry=True,
                                        **self._body(write_fields(changes)))
        return self._customer(reply.body)

    async def delete(self, customer: Customer) -> None:
        await self.http.request("DELETE", item_path(_CUSTOMERS, customer.id), retry=True)
