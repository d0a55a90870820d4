"""Authorize.net Customer Information Manager (CIM) client over the JSON API.

One POST URL; the operation is the body's single top-level key. Request elements must come in
the XSD's order (the server converts JSON to XML and validates it), answers start with a UTF-8
byte-order mark, and an error is `messages.resultCode == "Error"` inside HTTP 200. There is no
customer list: the ids come in one call and each profile is fetched on its own, here with
bounded concurrency so the table fills as they arrive (shared/api/authorize-net.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from console.domain import errors as e
from console.domain.capabilities import (
    Capabilities,
    Choice,
    CollectionSpec,
    ColumnSpec,
    CreateFromSpec,
    DashboardLinks,
    FieldKind,
    FieldSpec,
    SearchKey,
)
from console.domain.changes import CustomerChanges
from console.domain.customer import Address, Customer, PaymentMethod
from console.domain.query import CustomerQuery
from console.providers.base import CustomerProvider, Page, ProviderConfig
from console.providers.http import HttpCore, Reply, status_error
from console.providers.registry import CredentialField, OptionField, ProviderInfo
from console.providers.wire_reading import read_model

NAME = "Authorize.net"
PRODUCTION_URL = "https://api.authorize.net/xml/v1/request.api"
SANDBOX_URL = "https://apitest.authorize.net/xml/v1/request.api"
# Profiles fetched at once unless the account says otherwise. A full load costs 1 + profiles/N
# round trips where one at a time costs 1 + profiles, so N caps the speed-up: 8 (the first
# default) could never make the 8x of benchmarks/run.py P3 (7.97x at most for 2,000 profiles).
# Authorize.net publishes no rate limit; its overload answers (E00053, 429) are retried with backoff.
DEFAULT_CONCURRENCY = 10
MAX_PAYMENT_PROFILES = 10
MAX_SHIPPING_ADDRESSES = 100
_DUPLICATE_ID = re.compile(r"ID\s+(\d+)")

_SHIPPING_FIELDS = (
    FieldSpec(key="first_name", label="First name", max_length=50),
    FieldSpec(key="last_name", label="Last name", max_length=50),
    FieldSpec(key="company", label="Company", max_length=50),
    FieldSpec(key="line1", label="Address", max_length=60),
    FieldSpec(key="city", label="City", max_length=40),
    FieldSpec(key="state", label="State", max_length=40),
    FieldSpec(key="postal_code", label="Zip", max_length=20),
    FieldSpec(key="country", label="Country", max_length=60),
    FieldSpec(key="phone", label="Phone", kind=FieldKind.PHONE, max_digits=25),
)

CAPABILITIES = Capabilities(
    provider="authorize-net",
    display_name=NAME,
    fields=(
        FieldSpec(key="description", label="Description", max_length=255,
                  help="Often the customer's name; the table shows it as the name."),
        FieldSpec(key="email", label="Email", kind=FieldKind.EMAIL, max_length=255),
        FieldSpec(key="reference_id", label="Merchant customer id", max_length=20,
                  help="Your own id for this customer (at most 20 characters)."),
        FieldSpec(key="profile_type", label="Profile type", kind=FieldKind.CHOICE, default="regular",
                  choices=(Choice(value="regular", label="Regular"), Choice(value="guest", label="Guest"))),
        # The default payment profile's bill-to, shown read-only: it is changed where the card is.
        *(FieldSpec(key=key, label=label, kind=kind, editable=False, help="From the default payment profile.")
          for key, label, kind in (("bill_to_name", "Billing name", FieldKind.TEXT),
                                   ("bill_to_address", "Billing address", FieldKind.TEXT),
                                   ("bill_to_phone", "Billing phone", FieldKind.PHONE))),
    ),
    required_one_of=(("description", "email", "reference_id"),),
    columns=(
        ColumnSpec(key="name", label="Name", width=220),
        ColumnSpec(key="email", label="Email", width=230),
        ColumnSpec(key="reference_id", label="Merchant customer id", width=150),
        ColumnSpec(key="card_summary", label="Default card", width=150),
        ColumnSpec(key="id", label="Profile id", width=110),
    ),
    name_fields=("description", "bill_to_name", "email", "reference_id"),
    name_source="From the description, else the default payment profile's bill-to name",
    search_fields=("name", "email", "reference_id", "description", "bill_to_name"),
    server_exact=frozenset({SearchKey.EMAIL, SearchKey.REFERENCE_ID}),
    collections=(
        CollectionSpec(kind="payment_methods", label="Payment profiles",
                       columns=(ColumnSpec(key="masked", label="Card", width=180),
                                ColumnSpec(key="expiry", label="Expires", width=80),
                                ColumnSpec(key="holder_name", label="Bill to", width=180)),
                       can_delete=True, can_set_default=True, max_items=MAX_PAYMENT_PROFILES,
                       note="Cards are added at checkout or from a transaction; the console never takes "
                            "card numbers."),
        CollectionSpec(kind="shipping_addresses", label="Shipping addresses",
                       columns=(ColumnSpec(key="one_line", label="Address", width=380),),
                       fields=_SHIPPING_FIELDS, can_add=True, can_edit=True, can_delete=True, can_set_default=True,
                       max_items=MAX_SHIPPING_ADDRESSES, on_create=True, default_from_detail=True),
    ),
    create_from=CreateFromSpec(label="New from transaction…", prompt="Transaction id", pattern="[0-9]+",
                               pattern_message="A transaction id is digits only."),
    # The classic Merchant Interface's profile page (wave2-facts.md §2; needs a signed-in session).
    dashboard=DashboardLinks(customer={
        "production": "https://account.authorize.net/UI/themes/anet/CustomerProfile/ViewCustomerProfile.aspx"
                      "?ProfileID={id}",
        "sandbox": "https://sandbox.authorize.net/UI/themes/sandbox/CustomerProfile/ViewCustomerProfile.aspx"
                   "?ProfileID={id}"}),
)

# -- wire models (lenient) ------------------------------------------------------------------------


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _WireAddress(_Wire):
    customerAddressId: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    company: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    phoneNumber: str | None = None
    faxNumber: str | None = None
    email: str | None = None


class _WireCard(_Wire):
    cardNumber: str
    expirationDate: str | None = None
    cardType: str | None = None
    issuerNumber: str | None = None


class _WireBank(_Wire):
    accountNumber: str
    nameOnAccount: str | None = None
    bankName: str | None = None


class _WirePayment(_Wire):
    creditCard: _WireCard | None = None
    bankAccount: _WireBank | None = None


class _WirePaymentProfile(_Wire):
    customerPaymentProfileId: str
    customerType: str | None = None
    billTo: _WireAddress | None = None
    payment: _WirePayment | None = None
    defaultPaymentProfile: bool | None = None


class _WireProfile(_Wire):
    customerProfileId: str
    merchantCustomerId: str | None = None
    description: str | None = None
    email: str | None = None
    paymentProfiles: list[_WirePaymentProfile] = []
    shipToList: list[_WireAddress] = []
    profileType: str | None = None


def _listed(value: Any) -> Any:
    """A repeated element comes as an array, or as one object when there is one."""
    return [value] if isinstance(value, Mapping) else value


def _address(a: _WireAddress) -> Address:
    return Address(id=a.customerAddressId, first_name=a.firstName, last_name=a.lastName, company=a.company,
                   line1=a.address, city=a.city, state=a.state, postal_code=a.zip, country=a.country,
                   phone=a.phoneNumber, fax=a.faxNumber, email=a.email)


def with_default_shipping(customer: Customer, address_id: str) -> Customer:
    """`customer` with the shipping address `address_id` marked as the default (and no other)."""
    return replace(customer, shipping_addresses=tuple(replace(a, is_default=a.id == address_id)
                                                      for a in customer.shipping_addresses))


def _payment_method(p: _WirePaymentProfile) -> PaymentMethod:
    holder = " ".join(x for x in ((p.billTo.firstName, p.billTo.lastName) if p.billTo else ()) if x) or None
    card, bank = (p.payment.creditCard, p.payment.bankAccount) if p.payment else (None, None)
    if card is not None:
        month = year = None
        if card.expirationDate and re.fullmatch(r"\d{4}-\d{2}", card.expirationDate):
            year, month = int(card.expirationDate[:4]), int(card.expirationDate[5:])
        digits = card.cardNumber[-4:]
        issuer = card.issuerNumber if card.issuerNumber and re.fullmatch(r"\d{6}", card.issuerNumber) else None
        return PaymentMethod(id=p.customerPaymentProfileId, kind="card", brand=card.cardType,
                             last4=digits if digits.isdigit() else None, first6=issuer, exp_month=month,
                             exp_year=year, holder_name=holder, is_default=bool(p.defaultPaymentProfile))
    digits = bank.accountNumber[-4:] if bank else ""
    return PaymentMethod(id=p.customerPaymentProfileId, kind="bank" if bank else "other",
                         label=(bank.bankName or "Bank account") if bank else None,
                         last4=digits if digits.isdigit() else None, holder_name=holder or (bank.nameOnAccount
                                                                                             if bank else None),
                         is_default=bool(p.defaultPaymentProfile))


def customer_from_wire(profile: Any) -> Customer:
    """A domain customer from a `customerProfileMaskedType` object."""
    if isinstance(profile, Mapping):
        profile = {**profile, "paymentProfiles": _listed(profile.get("paymentProfiles") or []),
                   "shipToList": _listed(profile.get("shipToList") or [])}
    wire = read_model(_WireProfile, profile, provider=NAME, what="a customer profile", at="profile")
    methods = tuple(_payment_method(p) for p in wire.paymentProfiles)
    default = next((m for m in methods if m.is_default), None)
    default_wire = next((p for p in wire.paymentProfiles if p.defaultPaymentProfile), None)
    extra: dict[str, Any] = {}
    if wire.description:
        extra["description"] = wire.description
    if wire.profileType:
        extra["profile_type"] = wire.profileType
    if default is not None:
        extra["card_summary"] = default.masked()
    if default_wire is not None and default_wire.billTo is not None:
        name = " ".join(x for x in (default_wire.billTo.firstName, default_wire.billTo.lastName) if x)
        if name:
            extra["bill_to_name"] = name
        bill_to = _address(default_wire.billTo)
        if where := replace(bill_to, first_name=None, last_name=None).one_line():
            extra["bill_to_address"] = where
        if bill_to.phone:
            extra["bill_to_phone"] = bill_to.phone
    shipping = tuple(_address(a) for a in wire.shipToList)
    return Customer(id=wire.customerProfileId, email=wire.email, reference_id=wire.merchantCustomerId,
                    payment_methods=methods, shipping_addresses=shipping, extra=extra)


# -- requests: element order follows AnetApiSchema.xsd ---------------------------------------------

def _ordered(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The elements that have a value, in the order given (the schema's sequence order)."""
    return {name: value for name, value in pairs if value is not None and value != ""}


def _clean(value: Any) -> Any:
    return value.strip() or None if isinstance(value, str) else value


def address_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """A customerAddressType in schema order."""
    return _ordered([("firstName", _clean(values.get("first_name"))), ("lastName", _clean(values.get("last_name"))),
                     ("company", _clean(values.get("company"))), ("address", _clean(values.get("line1"))),
                     ("city", _clean(values.get("city"))), ("state", _clean(values.get("state"))),
                     ("zip", _clean(values.get("postal_code"))), ("country", _clean(values.get("country"))),
                     ("phoneNumber", _clean(values.get("phone"))), ("faxNumber", _clean(values.get("fax"))),
                     ("email", _clean(values.get("email")))])


def profile_values(customer: Customer | None, changes: CustomerChanges) -> dict[str, Any]:
    """merchantCustomerId, description and email as they should be after `changes`."""
    def value(key: str) -> Any:
        if changes.touches(key):
            return _clean(changes.get(key))
        return customer.value(key) if customer is not None else None

    return {"merchantCustomerId": value("reference_id"), "description": value("description"),
            "email": value("email"), "profileType": value("profile_type")}


# -- errors ---------------------------------------------------------------------------------------

_FIELD_WORDS = {"merchantCustomerId": "reference_id", "description": "description", "email": "email",
                "profileType": "profile_type"}
_RETRYABLE = {"E00001", "E00053", "E00104"}


def error_from_messages(code: str, text: str) -> e.ConsoleError:
    """The domain error for an Authorize.net message code and text."""
    # A login id or key of the wrong shape fails schema validation (E00003) before authentication.
    bad_credentials = code == "E00003" and any(w in text for w in (":transactionKey'", ":name'"))
    if code in ("E00005", "E00006", "E00007", "E00008") or bad_credentials:
        return e.AuthenticationError("Authorize.net refused the API Login ID or Transaction Key. Check them, and "
                                     "that they belong to this environment (sandbox or production).",
                                     provider=NAME, code=code)
    if code in ("E00040", "E00098"):
        return e.NotFoundError(text or "The record cannot be found.", provider=NAME, code=code)
    if code == "E00039":
        found = _DUPLICATE_ID.search(text)
        return e.DuplicateError(text, existing_id=found.group(1) if found else None, provider=NAME, code=code)
    if code in _RETRYABLE:
        return e.UnavailableError(f"Authorize.net is busy or failed ({code}). Try again shortly.", provider=NAME,
                                  code=code)
    if code in ("E00003", "E00013", "E00014", "E00015", "E00016", "E00041"):
        fields = {key: text for word, key in _FIELD_WORDS.items() if f"'{word}'" in text or f":{word}'" in text
                  or text.startswith(word)}
        if code == "E00041":
            fields = dict.fromkeys(("description", "email", "reference_id"), "One of these must have a value.")
        return e.InvalidInputError(text, field_errors=fields, provider=NAME, code=code)
    if code in ("E00042", "E00043"):
        return e.InvalidInputError(text, provider=NAME, code=code)
    if code in ("E00105", "E00106", "E00107"):
        return e.ConflictError(text, provider=NAME, code=code)
    return e.ConsoleError(f"Authorize.net refused the request ({code}): {text}", provider=NAME, code=code)


def map_error(reply: Reply) -> e.ConsoleError | None:
    """Errors live in `messages` even with HTTP 200; other statuses are transport trouble."""
    if reply.status == 429 or reply.status >= 500:
        return status_error(reply, NAME)
    messages = reply.body.get("messages") if isinstance(reply.body, Mapping) else None
    if not isinstance(messages, Mapping) or messages.get("resultCode") not in ("Ok", "Error"):
        return e.ProtocolError("Authorize.net's answer has no result code.", field="messages.resultCode",
                               provider=NAME)
    if messages["resultCode"] == "Ok":
        return None
    items = _listed(messages.get("message") or [])
    first = items[0] if isinstance(items, list) and items and isinstance(items[0], Mapping) else {}
    return error_from_messages(str(first.get("code") or "E00001"), str(first.get("text") or ""))


# -- the client -----------------------------------------------------------------------------------


class AuthorizeNetProvider(CustomerProvider):
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
        self.in_flight = 0
        self.peak_in_flight = 0

    async def call(self, operation: str, elements: list[tuple[str, Any]], *, retry: bool = False) -> Any:
        """One API call: `operation` with the common prefix and `elements` in schema order."""
        body = {operation: {"merchantAuthentication": self._auth, **_ordered(elements)}}
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            reply = await self.http.request("POST", "", json_body=body, retry=retry)
        finally:
            self.in_flight -= 1
        return reply.body

    async def test_connection(self) -> None:
        await self.call("authenticateTestRequest", [], retry=True)

    async def profile_ids(self) -> list[str]:
        body = await self.call("getCustomerProfileIdsRequest", [], retry=True)
        ids = _listed(body.get("ids") or []) if isinstance(body, Mapping) else None
        if isinstance(ids, Mapping) and "numericString" in ids:  # the XML-shaped wrapper, just in case
            ids = _listed(ids["numericString"])
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

    async def _listed(self, profile_id: str) -> Customer:
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
                    done.put_nowait((profile_id, await self._listed(profile_id)))
                except e.NotFoundError:
                    done.put_nowait((profile_id, None))  # deleted since the ids were listed
                except Exception as error:  # handed to the consumer, which must not wait forever
                    done.put_nowait((profile_id, error))

        tasks = [asyncio.create_task(fetch(i), name=f"anet-profile-{i}") for i in ids]
        failed: list[str] = []
        yielded = False
        try:
            remaining = len(ids)
            while remaining:
                batch = [await done.get()]
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
            # Each failed profile gets one more try on its own before it is reported.
            failures: list[e.ConsoleError] = []
            retried: list[Customer] = []
            for profile_id in failed:
                try:
                    retried.append(await self._listed(profile_id))
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
        profile = _ordered([("merchantCustomerId", values["merchantCustomerId"]),
                            ("description", values["description"]), ("email", values["email"]),
                            ("profileType", values["profileType"])])
        # No idempotency keys: sent once; the services read back a create whose answer was lost.
        body = await self.call("createCustomerProfileRequest", [("profile", profile)])
        # A new profile holds exactly what was sent, so no second request (which could fail) is needed.
        extra = {k: v for k, v in (("description", values["description"]),
                                   ("profile_type", values["profileType"] or "regular")) if v}
        return Customer(id=_created_id(body), email=values["email"], reference_id=values["merchantCustomerId"],
                        extra=extra)

    async def create_from(self, reference: str, *, idempotency_key: str) -> Customer:
        body = await self.call("createCustomerProfileFromTransactionRequest", [("transId", reference.strip())])
        new_id = _created_id(body)
        try:
            return await self.get(new_id)
        except e.ConsoleError as exc:
            # The profile exists; only reading it back failed. Saying "maybe applied" keeps a retry safe.
            raise e.UnavailableError(f"Profile {new_id} was created, but reading it back failed: {exc.message}",
                                     provider=NAME, maybe_applied=True) from exc

    async def update(self, customer: Customer, changes: CustomerChanges) -> Customer:
        values = profile_values(customer, changes)
        # The update replaces all three descriptive fields, so all are sent; the id comes after them.
        profile = _ordered([("merchantCustomerId", values["merchantCustomerId"]),
                            ("description", values["description"]), ("email", values["email"]),
                            ("customerProfileId", customer.id), ("profileType", values["profileType"])])
        await self.call("updateCustomerProfileRequest", [("profile", profile)], retry=True)
        return await self.get(customer.id)

    async def delete(self, customer: Customer) -> None:
        await self.call("deleteCustomerProfileRequest", [("customerProfileId", customer.id)], retry=True)

    # -- payment profiles and shipping addresses ----------------------------------------------

    async def _add_item(self, customer: Customer, kind: str, values: Mapping[str, Any]) -> Customer:
        await self.call("createCustomerShippingAddressRequest",
                        [("customerProfileId", customer.id), ("address", address_body(values))])
        return await self.get(customer.id)

    async def _update_item(self, customer: Customer, kind: str, item_id: str, values: Mapping[str, Any]) -> Customer:
        await self.call("updateCustomerShippingAddressRequest",
                        [("customerProfileId", customer.id),
                         ("address", {**address_body(values), "customerAddressId": item_id})], retry=True)
        return await self.get(customer.id)

    async def _delete_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        operation, element = {"shipping_addresses": ("deleteCustomerShippingAddressRequest", "customerAddressId"),
                              "payment_methods": ("deleteCustomerPaymentProfileRequest",
                                                  "customerPaymentProfileId")}[kind]
        with contextlib.suppress(e.NotFoundError):  # already gone, which is what was asked
            await self.call(operation, [("customerProfileId", customer.id), (element, item_id)], retry=True)
        return await self.get(customer.id)

    async def _set_default_item(self, customer: Customer, kind: str, item_id: str) -> Customer:
        if kind == "shipping_addresses":
            address = next((a for a in customer.shipping_addresses if a.id == item_id), None)
            if address is None:
                raise e.NotFoundError("That shipping address is no longer on the profile.", provider=NAME)
            values = {f: getattr(address, f) for f in ("first_name", "last_name", "company", "line1", "city",
                                                       "state", "postal_code", "country", "phone", "fax", "email")}
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
        resent_payment = ({"creditCard": _ordered([("cardNumber", card.get("cardNumber")),
                                                   ("expirationDate", card.get("expirationDate") or "XXXX")])}
                          if isinstance(card, Mapping) else None)
        bill_to = current.get("billTo")
        resent_bill_to = address_body(_bill_to_values(bill_to)) if isinstance(bill_to, Mapping) else None
        profile = _ordered([("customerType", current.get("customerType")), ("billTo", resent_bill_to),
                            ("payment", resent_payment), ("defaultPaymentProfile", True),
                            ("customerPaymentProfileId", item_id)])
        await self.call("updateCustomerPaymentProfileRequest",
                        [("customerProfileId", customer.id), ("paymentProfile", profile)], retry=True)
        return await self.get(customer.id)


def _created_id(body: Any) -> str:
    new_id = body.get("customerProfileId") if isinstance(body, Mapping) else None
    if not isinstance(new_id, str | int) or not str(new_id).isdigit():
        raise e.ProtocolError("Authorize.net did not say which profile it created.", field="customerProfileId",
                              provider=NAME)
    return str(new_id)


def _bill_to_values(bill_to: Mapping[str, Any]) -> dict[str, Any]:
    wire = read_model(_WireAddress, bill_to, provider=NAME, what="a bill-to address", at="paymentProfile.billTo")
    address = _address(wire)
    return {f: getattr(address, f) for f in ("first_name", "last_name", "company", "line1", "city", "state",
                                             "postal_code", "country", "phone", "fax", "email")}


def _base_url(environment: str, options: Mapping[str, Any]) -> str:
    return PRODUCTION_URL if environment == "production" else SANDBOX_URL


INFO = ProviderInfo(
    key="authorize-net",
    capabilities=CAPABILITIES,
    client=AuthorizeNetProvider,
    credentials=(CredentialField(key="login_id", label="API Login ID"),
                 CredentialField(key="transaction_key", label="Transaction Key",
                                 help="From Account → Settings → API Credentials & Keys in the Merchant Interface.")),
    base_url=_base_url,
    options=(OptionField(key="concurrency", label="Profiles fetched at once", default=str(DEFAULT_CONCURRENCY),
                         help="How many customer profiles are fetched in parallel while loading (1 to 32)."),),
)
