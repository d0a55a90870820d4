"""Authorize.net Customer Information Manager (CIM) client over the JSON API.

One POST URL; the operation is the body's single top-level key. There is no customer list: the
ids come in one call and each profile is fetched on its own, here with bounded concurrency so
the table fills as they arrive (shared/api/authorize-net.md).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from console.domain import errors as e
from console.domain.capabilities import CollectionKind
from console.domain.card_forms import CardFormCompletion, HostedCardForm
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.domain.query import CustomerQuery
from console.providers.authorize_net import hosted
from console.providers.authorize_net.capabilities import CAPABILITIES, DEFAULT_CONCURRENCY, NAME
from console.providers.authorize_net.changes import AuthorizeNetChanges
from console.providers.authorize_net.expiring import ExpiringCards, cards_from_wire, request_elements
from console.providers.authorize_net.mapping import (
    ADDRESS_PARTS,
    address_body,
    bill_to_values,
    created_id,
    customer_from_wire,
    listed,
    map_error,
    ordered,
    profile_values,
    with_default_shipping,
)
from console.providers.base import CustomerProvider, Page, ProviderConfig
from console.providers.http import HttpCore

# After the first profiles, a listing's page is what arrived within this long: profiles come one request each,
# a few milliseconds apart, and the window does a page's worth of work for each page it takes in (the index,
# the counts, the progress bar): one or two profiles a page cost a load of 2,000 twice the CPU (P3).
PAGE_GATHER_S = 0.1

# The request and the id element that delete one item of each kind the provider declares deletable.
_DELETE_ITEM = {
    CollectionKind.SHIPPING_ADDRESSES: ("deleteCustomerShippingAddressRequest", "customerAddressId"),
    CollectionKind.PAYMENT_METHODS: ("deleteCustomerPaymentProfileRequest", "customerPaymentProfileId"),
}


class AuthorizeNetProvider(AuthorizeNetChanges, CustomerProvider):
    """Customer profiles of one Authorize.net merchant (CIM)."""

    capabilities = CAPABILITIES

    def __init__(self, config: ProviderConfig, client: httpx.AsyncClient) -> None:
        super().__init__(config, client)
        self._auth = {"name": config.credentials.get("login_id", ""),
                      "transactionKey": config.credentials.get("transaction_key", "")}
        try:
            self.concurrency = max(1, min(32, int(config.options.get("concurrency") or DEFAULT_CONCURRENCY)))
        except ValueError:
            self.concurrency = DEFAULT_CONCURRENCY
        self.http = HttpCore(client, provider=NAME, base_url=config.base_url, map_error=map_error,
                             headers={"Accept": "application/json"})

    @property
    def account_concurrency(self) -> int | None:
        return self.concurrency

    async def call(self, operation: str, elements: list[tuple[str, Any]], *, retry: bool = False) -> Any:
        """One API call: `operation` with the common prefix and `elements` in schema order."""
        body = {operation: {"merchantAuthentication": self._auth, **ordered(elements)}}
        reply = await self.http.request("POST", "", json_body=body, retry=retry)
        return reply.body

    async def test_connection(self) -> None:
        await self.call("authenticateTestRequest", [], retry=True)

    async def profile_ids(self) -> list[str]:
        body = await self.call("getCustomerProfileIdsRequest", [], retry=True)
        ids = listed(body.get("ids") or []) if isinstance(body, Mapping) else None
        if isinstance(ids, Mapping) and "numericString" in ids:  # the XML-shaped wrapper, just in case
            ids = listed(ids["numericString"])
        if not isinstance(ids, list) or not all(isinstance(i, str | int) and not isinstance(i, bool) for i in ids):
            raise e.ProtocolError("Authorize.net sent profile ids we cannot read.", field="ids", provider=NAME)
        return [str(i) for i in ids]

    async def _profile(self, elements: list[tuple[str, Any]], *, mark_default: bool = True) -> Customer:
        body = await self.call("getCustomerProfileRequest", [*elements, ("unmaskExpirationDate", True)], retry=True)
        profile = body.get("profile") if isinstance(body, Mapping) else None
        if not isinstance(profile, Mapping):
            raise e.ProtocolError("Authorize.net's answer has no profile in it.", field="profile", provider=NAME)
        customer = customer_from_wire(profile)
        return await self._mark_default_shipping(customer) if mark_default else customer

    async def _mark_default_shipping(self, customer: Customer) -> Customer:
        """The customer with its default shipping address marked.

        The profile read (customerAddressExType) does not say which address is the default; only
        getCustomerShippingAddress does, one address at a time, so they are asked in order until one
        says so (one request where the first is the default, the usual case).
        """
        for address in customer.shipping_addresses:
            if address.id is None:
                continue
            try:
                body = await self.call("getCustomerShippingAddressRequest",
                                       [("customerProfileId", customer.id), ("customerAddressId", address.id)],
                                       retry=True)
            except e.NotFoundError:
                continue  # removed since the profile was read
            flag = body.get("defaultShippingAddress") if isinstance(body, Mapping) else None
            if flag is True or flag == "true":
                return with_default_shipping(customer, address.id)
        return customer

    async def get(self, customer_id: str) -> Customer:
        if not customer_id.isdigit():  # profile ids are digits; anything else cannot exist
            raise e.NotFoundError(f"There is no profile {customer_id}.", provider=NAME)
        return await self._profile([("customerProfileId", customer_id)])

    async def _profile_for_listing(self, profile_id: str) -> Customer:
        # A listing leaves the default shipping address unmarked: marking costs a request per profile
        # with addresses (1.6 requests a profile over the demo data, where P3 measures 1). The dialog
        # reads the customer when it opens (CollectionSpec.default_from_detail) to show the mark.
        if not profile_id.isdigit():
            raise e.NotFoundError(f"There is no profile {profile_id}.", provider=NAME)
        return await self._profile([("customerProfileId", profile_id)], mark_default=False)

    async def iter_pages(self, *, page_size: int | None = None) -> AsyncIterator[Page]:
        ids = await self.profile_ids()
        if not ids:
            yield Page([], total=0)
            return
        gate = asyncio.Semaphore(self.concurrency)
        done: asyncio.Queue[tuple[str, Customer | Exception | None]] = asyncio.Queue()

        async def fetch(profile_id: str) -> None:
            async with gate:
                try:
                    done.put_nowait((profile_id, await self._profile_for_listing(profile_id)))
                except e.NotFoundError:
                    done.put_nowait((profile_id, None))  # deleted since the ids were listed
                except Exception as error:  # handed to the consumer, which must not wait forever
                    done.put_nowait((profile_id, error))

        tasks = [asyncio.create_task(fetch(i), name=f"anet-profile-{i}") for i in ids]
        failed: list[str] = []
        yielded = False
        loop = asyncio.get_running_loop()
        last = loop.time()
        try:
            remaining = len(ids)
            while remaining:
                batch = [await done.get()]
                if yielded and len(batch) < remaining:   # the first rows at once, then a page a PAGE_GATHER_S
                    await asyncio.sleep(last + PAGE_GATHER_S - loop.time())
                while not done.empty():
                    batch.append(done.get_nowait())
                remaining -= len(batch)
                unexpected = [r for _, r in batch if isinstance(r, Exception) and not isinstance(r, e.ConsoleError)]
                if unexpected:
                    raise unexpected[0]
                customers = [r for _, r in batch if isinstance(r, Customer)]
                failed += [i for i, r in batch if isinstance(r, e.ConsoleError)]
                if customers:
                    yielded = True
                    yield Page(customers, total=len(ids))
                    last = loop.time()
            # Each failed profile gets one more try on its own before it is reported.
            failures: list[e.ConsoleError] = []
            retried: list[Customer] = []
            for profile_id in failed:
                try:
                    retried.append(await self._profile_for_listing(profile_id))
                except e.NotFoundError:
                    continue
                except e.ConsoleError as error:
                    failures.append(e.ConsoleError(f"Profile {profile_id} could not be read: {error.message}",
                                                   provider=NAME, code=error.code))
            if retried or failures or not yielded:
                # Also when every listed profile was gone: the listing still ends with a page.
                yield Page(retried, total=len(ids), failures=failures)
        finally:
            # Stopped early (cancelled, or the caller had enough): the fetches still queued are dropped.
            # Nothing is awaited here, so this also works when the generator is closed without a loop.
            for task in tasks:
                task.cancel()

    async def _search(self, query: CustomerQuery) -> list[Customer]:
        for match, element in ((query.reference_id, "merchantCustomerId"), (query.email, "email")):
            if match is not None:
                try:
                    return [await self._profile([(element, match.value.strip())])]
                except e.NotFoundError:
                    return []
        raise self._unsupported("this search (the search field filters what is loaded)")

    async def create(self, changes: CustomerChanges, *, idempotency_key: str) -> Customer:
        values = profile_values(None, changes)
        profile = ordered([("merchantCustomerId", values["merchantCustomerId"]),
                            ("description", values["description"]), ("email", values["email"]),
                            ("profileType", values["profileType"])])
        # No idempotency keys: sent once; the services read back a create whose answer was lost.
        body = await self.call("createCustomerProfileRequest", [("profile", profile)])
        # A new profile holds exactly what was sent, so no second request (which could fail) is needed.
        extra = {k: v for k, v in (("description", values["description"]),
                                   ("profile_type", values["profileType"] or "regular")) if v}
        return Customer(id=created_id(body), email=values["email"], reference_id=values["merchantCustomerId"],
                        extra=extra)

    async def create_from(self, reference: str, *, idempotency_key: str) -> Customer:
        body = await self.call("createCustomerProfileFromTransactionRequest", [("transId", reference.strip())])
        new_id = created_id(body)
        try:
            return await self.get(new_id)
        except e.ConsoleError as exc:
            # The profile exists; only reading it back failed. Saying "maybe applied" keeps a retry safe.
            raise e.UnavailableError(f"Profile {new_id} was created, but reading it back failed: {exc.message}",
                                     provider=NAME, maybe_applied=True) from exc

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        values = profile_values(customer, changes)
        # The update replaces all three descriptive fields, so all are sent; the id comes after them.
        profile = ordered([("merchantCustomerId", values["merchantCustomerId"]),
                            ("description", values["description"]), ("email", values["email"]),
                            ("customerProfileId", customer.id), ("profileType", values["profileType"])])
        await self.call("updateCustomerProfileRequest", [("profile", profile)], retry=True)
        return await self.get(customer.id)

    async def delete(self, customer: Customer) -> None:
        await self.call("deleteCustomerProfileRequest", [("customerProfileId", customer.id)], retry=True)

    # -- payment profiles and shipping addresses ----------------------------------------------

    async def _add_item(self, customer: Customer, kind: CollectionKind, values: Mapping[str, Any]) -> Customer:
        await self.call("createCustomerShippingAddressRequest",
                        [("customerProfileId", customer.id), ("address", address_body(values))])
        return await self.get(customer.id)

    async def _update_item(self, customer: Customer, kind: CollectionKind, item_id: str,
                           values: Mapping[str, Any]) -> Customer:
        await self.call("updateCustomerShippingAddressRequest",
                        [("customerProfileId", customer.id),
                         ("address", {**address_body(values), "customerAddressId": item_id})], retry=True)
        return await self.get(customer.id)

    async def _delete_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
        operation, element = _DELETE_ITEM[kind]
        with contextlib.suppress(e.NotFoundError):  # already gone, which is what was asked
            await self.call(operation, [("customerProfileId", customer.id), (element, item_id)], retry=True)
        return await self.get(customer.id)

    async def _set_default_item(self, customer: Customer, kind: CollectionKind, item_id: str) -> Customer:
        if kind is CollectionKind.SHIPPING_ADDRESSES:
            address = next((a for a in customer.shipping_addresses if a.id == item_id), None)
            if address is None:
                raise e.NotFoundError("That shipping address is no longer on the profile.", provider=NAME)
            values = {f: getattr(address, f) for f in ADDRESS_PARTS}
            await self.call("updateCustomerShippingAddressRequest",
                            [("customerProfileId", customer.id),
                             ("address", {**address_body(values), "customerAddressId": item_id}),
                             ("defaultShippingAddress", True)], retry=True)
            return await self.get(customer.id)
        # A payment profile update replaces the whole profile: resend it as read, masked card included.
        body = await self.call("getCustomerPaymentProfileRequest",
                               [("customerProfileId", customer.id), ("customerPaymentProfileId", item_id)],
                               retry=True)
        current = body.get("paymentProfile") if isinstance(body, Mapping) else None
        if not isinstance(current, Mapping):
            raise e.ProtocolError("Authorize.net's answer has no payment profile.", field="paymentProfile",
                                  provider=NAME)
        payment = current.get("payment") if isinstance(current.get("payment"), Mapping) else None
        card = payment.get("creditCard") if payment else None
        resent_payment = ({"creditCard": ordered([("cardNumber", card.get("cardNumber")),
                                                   ("expirationDate", card.get("expirationDate") or "XXXX")])}
                          if isinstance(card, Mapping) else None)
        bill_to = current.get("billTo")
        resent_bill_to = address_body(bill_to_values(bill_to)) if isinstance(bill_to, Mapping) else None
        profile = ordered([("customerType", current.get("customerType")), ("billTo", resent_bill_to),
                            ("payment", resent_payment), ("defaultPaymentProfile", True),
                            ("customerPaymentProfileId", item_id)])
        await self.call("updateCustomerPaymentProfileRequest",
                        [("customerProfileId", customer.id), ("paymentProfile", profile)], retry=True)
        return await self.get(customer.id)

    # -- cards on file: Accept Customer's hosted form ------------------------------------------

    async def card_form(self, customer: Customer, *, return_url: str,
                        form_origin: str | None = None) -> HostedCardForm:
        hosted.check_room(customer)
        body = await self.call("getHostedProfilePageRequest",
                               [("customerProfileId", customer.id),
                                ("hostedProfileSettings", hosted.page_settings(return_url))],
                               retry=True)  # a token no one uses expires harmlessly
        return hosted.hosted_form(customer, hosted.page_token(body),
                                  hosted.form_host(self.config.environment, form_origin))

    async def attach_card(self, customer: Customer, completion: CardFormCompletion, *,
                          idempotency_key: str) -> Customer:
        # Authorize.net saved the card itself and sends nothing back: the profile shows what it saved.
        return hosted.new_card(customer, await self.get(customer.id))

    async def expiring_cards(self, year: int, month: int, *, limit: int = 1000, page: int = 1,
                             descending: bool = False) -> ExpiringCards:
        """One page of the merchant's cards expiring in `month` of `year`, masked, by payment profile id."""
        body = await self.call("getCustomerPaymentProfileListRequest",
                               request_elements(year, month, limit=limit, page=page, descending=descending),
                               retry=True)
        return cards_from_wire(body, year, month)
