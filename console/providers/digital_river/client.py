"""Digital River API customers client (`/customers`).

One host for test and live: the secret key's prefix decides (`sk_test_` is test). Customers have
no top-level name or phone, only shipping ones; update is POST; lists page with `startingAfter`
and `hasMore`; there are no idempotency keys, so a create sends an id of ours and a retry that
meets 409 reads that id back (shared/api/digital-river.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from console.domain import errors as e
from console.domain.capabilities import CollectionKind
from console.domain.card_forms import CardFormCompletion, HostedCardForm
from console.domain.changes import CustomerChanges, same_value
from console.domain.customer import Customer
from console.domain.query import CustomerQuery
from console.domain.rfc3339 import rfc3339
from console.providers.base import CustomerProvider, Page, ProviderConfig
from console.providers.digital_river import cards
from console.providers.digital_river.capabilities import API_VERSION, CAPABILITIES, ID_MAX, NAME, PAGE_SIZE
from console.providers.digital_river.changes import DigitalRiverChanges
from console.providers.digital_river.mapping import customer_from_wire, map_error, write_body
from console.providers.http import HttpCore, bearer_headers, item_path
from console.providers.wire_reading import customer_in, field_of
from console.providers.wire_values import blank_to_none

_CUSTOMERS = "/customers"


class DigitalRiverProvider(DigitalRiverChanges, CustomerProvider):
    """Customers of one Digital River account (test or live, as its key says)."""

    capabilities = CAPABILITIES

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        super().__init__(config, client)
        self.http = HttpCore(client, provider=NAME, base_url=config.base_url, map_error=map_error,
                             headers=bearer_headers(config.credentials.get("secret_key", ""),
                                                    {"DigitalRiver-Version": API_VERSION}))

    def _customer(self, body: Any) -> Customer:
        return customer_in(body, customer_from_wire, provider=NAME)

    async def test_connection(self) -> None:
        await self.list_page(limit=1)

    async def list_page(self, starting_after: str | None = None, *, limit: int = PAGE_SIZE,
                        filters: Mapping[str, str] | None = None) -> Page:
        params: dict[str, Any] = {"limit": limit, **(filters or {})}
        if starting_after:
            params["startingAfter"] = starting_after
        reply = await self.http.request("GET", "/customers", params=params, retry=True)
        items = field_of(reply.body, "data", list, provider=NAME, required=True)
        more = field_of(reply.body, "hasMore", bool, provider=NAME)
        customers = [customer_from_wire(item) for item in items]
        return Page(customers, cursor=customers[-1].id if more and customers else None)

    async def _all(self, filters: Mapping[str, str] | None = None, page_size: int = PAGE_SIZE) -> AsyncIterator[Page]:
        cursor: str | None = None
        while True:
            page = await self.list_page(cursor, limit=page_size, filters=filters)
            yield page
            if not page.cursor:
                return
            cursor = page.cursor

    def iter_pages(self, *, page_size: int | None = None) -> AsyncIterator[Page]:
        return self._all(page_size=page_size or PAGE_SIZE)

    async def _search(self, query: CustomerQuery) -> list[Customer]:
        filters: dict[str, str] = {}
        if query.email is not None:
            filters["email"] = query.email.value.strip()
        for span, name in ((query.created, "createdTime"), (query.updated, "updatedTime")):
            if span is not None:
                if span.start is not None:
                    filters[f"{name}[gte]"] = rfc3339(span.start, timespec="seconds")
                if span.end is not None:
                    filters[f"{name}[lte]"] = rfc3339(span.end, timespec="seconds")
        if query.groups or query.creation_sources:
            raise self._unsupported("this filter (the search field filters what is loaded)")
        return [c async for page in self._all(filters) for c in page.customers]

    async def forgotten(self) -> list[Customer]:
        """Customers with a recorded request to be forgotten."""
        return [c async for page in self._all({"requestToBeForgotten": "true"}) for c in page.customers]

    async def get(self, customer_id: str) -> Customer:
        reply = await self.http.request("GET", item_path(_CUSTOMERS, customer_id), retry=True)
        return self._customer(reply.body)

    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        own_id = blank_to_none(changes.get("id"))
        # Without idempotency keys, our own id makes a repeated create meet 409 instead of a twin.
        customer_id = own_id or f"cc-{idempotency_key}"[:ID_MAX]
        body = {"id": customer_id, **write_body(None, changes)}
        try:
            reply = await self.http.request("POST", "/customers", json_body=body, retry=True)
        except e.DuplicateError as exc:
            existing = await self.get(customer_id)
            if all(same_value(existing.value(k), changes.get(k)) for k in changes.touched() if k != "id"):
                return existing  # our own earlier attempt (its answer was lost), or the very same customer
            raise e.DuplicateError(f"A customer with the id {customer_id} already exists.", provider=NAME,
                                   existing_id=customer_id, code=exc.code) from exc
        return self._customer(reply.body)

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        body = write_body(customer, changes)
        # The same values set twice change nothing, so the POST may be repeated.
        reply = await self.http.request("POST", item_path(_CUSTOMERS, customer.id), json_body=body, retry=True)
        return self._customer(reply.body)

    async def delete(self, customer: Customer) -> None:
        await self.http.request("DELETE", item_path(_CUSTOMERS, customer.id), retry=True)

    # -- tax identifiers and payment sources --------------------------------------------------

    async def _add_item(self, customer: Customer, kind: CollectionKind, values: Mapping[str, Any]) -> Customer:
        made = await self.http.request("POST", "/tax-identifiers", json_body={
            "type": str(values.get("type", "")).strip(), "value": str(values.get("value", "")).strip()})
        tax_id = field_of(made.body, "id", str, provider=NAME, required=True)
        await self.http.request("POST", item_path(f"{item_path(_CUSTOMERS, customer.id)}/tax-identifiers", tax_id),
                                retry=True)
        return await self.get(customer.id)

    async def _delete_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
        path = (cards.source_path(customer.id, item_id) if kind is CollectionKind.PAYMENT_METHODS
                else item_path("/tax-identifiers", item_id))
        with contextlib.suppress(e.NotFoundError):  # already gone, which is what was asked
            await self.http.request("DELETE", path, retry=True)
        return await self.get(customer.id)

    async def _set_default_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
        reply = await self.http.request("POST", item_path(_CUSTOMERS, customer.id),
                                        json_body={"defaultSourceId": item_id}, retry=True)
        return self._customer(reply.body)

    # -- cards on file (cards.py) ------------------------------------------------------------

    async def card_form(self, customer: Customer, *, return_url: str,
                        form_origin: str | None = None) -> HostedCardForm:
        return cards.form_for(self.config, customer, return_url=return_url, form_origin=form_origin)

    async def attach_card(self, customer: Customer, completion: CardFormCompletion, *,
                          idempotency_key: str) -> Customer:
        await cards.save_source(self.http, customer.id, cards.source_id_of(completion))
        return await self.get(customer.id)
