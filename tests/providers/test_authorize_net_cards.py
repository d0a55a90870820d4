"""Authorize.net cards on file, end to end: the real client against the emulator served on loopback, the
browser played by tests/support/card_browser.py through Accept Customer's emulated addPayment page.

Every request the client sends is checked against AnetApiSchema.xsd (as the XML the server validates),
the same question asked in XML of a twin emulator is checked too, and no request or answer of the
client's carries anything shaped like a card number.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from console.domain import errors as e
from console.domain.card_forms import CardFormCompletion, CardFormKind
from console.domain.card_numbers import contains_card_number
from console.domain.customer import Customer
from console.providers.authorize_net import CAPABILITIES, AuthorizeNetProvider
from console.providers.authorize_net.expiring import ExpiringCards
from console.providers.base import ProviderConfig
from console.sandbox.authorize_net import AuthorizeNetEmulator
from console.sandbox.server import EmulatorServer
from tests.sandbox.conftest import serving
from tests.support import card_browser
from tests.support.anet_xml import json_to_xml, validate_xml

RETURN_PREFIX = "http://127.0.0.1:9/5f2c1e/"
RETURN = RETURN_PREFIX + "return?state=s7a7e"
DECLINE_ZIP = "46282"  # Authorize.net's testing guide: a general decline of a live authorization


class Watched(httpx.AsyncBaseTransport):
    """Forwards the client's requests over loopback, checking each against the schema and for card numbers.

    The loopback leg is a blocking call (the server answers from its own thread): asyncio sockets on
    the qasync test loop resolve names on Qt worker threads, which Qt warns about at teardown.
    """

    def __init__(self, twin: AuthorizeNetEmulator) -> None:
        self.inner = httpx.HTTPTransport()
        self.twin = twin
        self.operations: list[str] = []
        self.sent: list[dict[str, Any]] = []
        self.traffic: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        xml = json_to_xml(body)
        validate_xml(xml)
        self.operations.append(next(iter(body)))
        self.sent.append(body)
        as_xml = self.twin.handle(httpx.Request("POST", self.twin.base_url, content=xml.encode(),
                                                headers={"content-type": "text/xml"}))
        validate_xml(as_xml.content)
        response = self.inner.handle_request(request)
        content = response.read()
        response.close()
        self.traffic += [str(request.url), request.content.decode(), content.decode("utf-8-sig")]
        return httpx.Response(response.status_code, headers=response.headers, content=content)

    async def aclose(self) -> None:
        self.inner.close()


@pytest.fixture
def customers() -> int:
    return 12


@pytest.fixture
def emulator(customers: int) -> AuthorizeNetEmulator:
    return AuthorizeNetEmulator(seed=11, customers=customers)


@pytest.fixture
def server(emulator: AuthorizeNetEmulator) -> Iterator[EmulatorServer]:
    with serving(emulator) as running:
        yield running


@pytest.fixture
async def wired(emulator: AuthorizeNetEmulator, server: EmulatorServer) -> AsyncIterator[tuple[Any, Watched]]:
    watched = Watched(AuthorizeNetEmulator(seed=emulator.seed, customers=emulator.customer_count))
    info = emulator.connection_info(server.base_url)
    async with httpx.AsyncClient(transport=watched) as http:
        client = AuthorizeNetProvider(ProviderConfig(base_url=info["base_url"], credentials={
            "login_id": info["login_id"], "transaction_key": info["transaction_key"]}), http)
        yield client, watched


async def _someone(client: AuthorizeNetProvider, *, cards: int | None = None) -> Customer:
    for profile_id in await client.profile_ids():
        customer = await client.get(profile_id)
        if cards is None or len(customer.payment_methods) == cards:
            return customer
    raise AssertionError("no such profile in the demo data")


async def _play(form: Any, card: dict[str, str] | None = None) -> card_browser.BrowserVisit:
    # Blocking the loop is harmless here: the server answers from its own thread, and the client waits.
    with httpx.Client() as browser:
        return card_browser.play(browser, form, card, stop_at=RETURN_PREFIX)


async def test_a_card_typed_into_the_hosted_form_appears_masked_on_the_customer(
        wired: Any, server: EmulatorServer, emulator: AuthorizeNetEmulator) -> None:
    client, watched = wired
    customer = await _someone(client)
    form = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    assert form.kind is CardFormKind.SUBMIT
    assert (form.action, form.method, list(form.fields)) == (f"{server.base_url}/customer/addPayment", "POST",
                                                             ["token"])
    assert form.origins == (server.base_url,)
    (request,) = [b["getHostedProfilePageRequest"] for b in watched.sent if "getHostedProfilePageRequest" in b]
    settings = {s["settingName"]: s["settingValue"] for s in request["hostedProfileSettings"]["setting"]}
    assert request["customerProfileId"] == customer.id
    assert settings["hostedProfileReturnUrl"] == RETURN
    assert settings["hostedProfileValidationMode"] == "liveMode"

    visit = await _play(form, {**card_browser.TEST_CARD, "first_name": "Ada", "last_name": "Lovelace"})
    assert visit.error == ""
    assert visit.final.status_code == 303 and visit.final.headers["location"] == RETURN  # state kept
    completion = CardFormCompletion(fields={k: v for k, v in httpx.URL(visit.final.headers["location"]).params.items()
                                            if k != "state"})
    after = await client.attach_card(customer, completion, idempotency_key="card-1")

    (new,) = [m for m in after.payment_methods if m.id not in {c.id for c in customer.payment_methods}]
    assert (new.brand, new.last4, new.exp_month, new.exp_year, new.holder_name) == ("Visa", "1111", 12, 2030,
                                                                                    "Ada Lovelace")
    assert new.masked() == "Visa •••• 1111" and new.expiry() == "12/30"
    # The emulator kept the first 6 and last 4, the brand and the expiry: nothing else of the card.
    stored = next(p for p in (emulator.profile(customer.id) or {})["paymentProfiles"]
                  if p["customerPaymentProfileId"] == new.id)
    assert (stored["issuer"], stored["last4"], stored["cardType"], stored["expiration"]) == ("411111", "1111",
                                                                                            "Visa", "2030-12")
    assert not contains_card_number(json.dumps(stored))
    assert not contains_card_number(json.dumps([r.body.decode() for r in emulator.requests]))  # the log too
    assert not any(contains_card_number(text) for text in watched.traffic)
    assert "getHostedProfilePageRequest" in watched.operations


async def test_expiry_dates_are_read_unmasked(wired: Any) -> None:
    client, watched = wired
    customer = await _someone(client)
    assert customer.payment_methods and all(m.exp_month and m.exp_year for m in customer.payment_methods)
    assert all(b["getCustomerProfileRequest"]["unmaskExpirationDate"] is True
               for b in watched.sent if "getCustomerProfileRequest" in b)


async def test_a_declined_card_shows_the_gateways_message_and_attaches_nothing(
        wired: Any, server: EmulatorServer) -> None:
    client, watched = wired
    customer = await _someone(client)
    form = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    visit = await _play(form, {**card_browser.TEST_CARD, "zip": DECLINE_ZIP})
    assert visit.error == "This transaction has been declined."
    assert not visit.final.is_redirect
    with pytest.raises(e.ConsoleError, match="No new card"):
        await client.attach_card(customer, CardFormCompletion(), idempotency_key="card-2")
    assert (await client.get(customer.id)).payment_methods == customer.payment_methods
    assert not any(contains_card_number(text) for text in watched.traffic)


@pytest.mark.parametrize(("card", "message"), [
    ({"card_number": "4111111111111112"}, "The credit card number is invalid."),  # fails Luhn
    ({"exp_month": "01", "exp_year": "2020"}, "The credit card has expired."),
    ({"exp_month": "13"}, "The credit card expiration date is invalid."),
])
async def test_a_card_the_gateway_refuses_is_not_saved(wired: Any, server: EmulatorServer, card: dict[str, str],
                                                       message: str) -> None:
    client, _ = wired
    customer = await _someone(client)
    form = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    visit = await _play(form, {**card_browser.TEST_CARD, **card})
    assert visit.error == message
    assert (await client.get(customer.id)).payment_methods == customer.payment_methods


async def test_the_eleventh_card_is_refused_with_the_limits_message(
        wired: Any, server: EmulatorServer, emulator: AuthorizeNetEmulator) -> None:
    client, _ = wired
    customer = await _someone(client)
    numbers = ("4007000000027", "4012888818888", "5424000000000015", "2223000010309703", "2223000010309711",
               "370000000000002", "6011000000000012", "3088000000000017", "38000000000006", "4111111111111111")
    for number in numbers[: 10 - len(customer.payment_methods)]:
        form = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
        visit = await _play(form, {**card_browser.TEST_CARD, "card_number": number, "zip": "10003"})
        assert visit.error == "" and visit.final.is_redirect, number
    full = await client.get(customer.id)
    assert len(full.payment_methods) == 10
    # The client does not open a form for a full profile; one opened before it filled up is refused.
    with pytest.raises(e.InvalidInputError, match="already has 10"):
        await client.card_form(full, return_url=RETURN, form_origin=server.base_url)
    form = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    visit = await _play(form, {**card_browser.TEST_CARD, "card_number": "4000000000000002"})
    assert visit.error == "You cannot add more than 10 payment profiles."
    assert len((await client.get(customer.id)).payment_methods) == 10


async def test_a_token_opens_the_page_once_and_not_after_fifteen_minutes(
        wired: Any, server: EmulatorServer, emulator: AuthorizeNetEmulator) -> None:
    client, _ = wired
    customer = await _someone(client)
    used = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    assert (await _play(used)).final.is_redirect
    replayed = await _play(used)
    assert "expired or was already used" in replayed.error
    issued = emulator.now()
    emulator.now = lambda: issued  # type: ignore[method-assign]
    late = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    in_time = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    emulator.now = lambda: issued + timedelta(minutes=14, seconds=59)  # type: ignore[method-assign]
    other_card = {**card_browser.TEST_CARD, "card_number": "5424000000000015"}
    assert (await _play(in_time, other_card)).final.is_redirect
    emulator.now = lambda: issued + timedelta(minutes=15)  # type: ignore[method-assign]
    assert "expired or was already used" in (await _play(late, other_card)).error


@pytest.mark.parametrize(("environment", "host"), [("sandbox", "https://test.authorize.net"),
                                                   ("production", "https://accept.authorize.net")])
async def test_a_real_account_posts_the_token_to_its_environments_add_payment_page(environment: str,
                                                                                   host: str) -> None:
    emulator = AuthorizeNetEmulator(seed=2, customers=2)
    info = emulator.connection_info(emulator.base_url)
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        client = AuthorizeNetProvider(ProviderConfig(
            base_url=info["base_url"], environment=environment,  # type: ignore[arg-type]
            credentials={"login_id": info["login_id"], "transaction_key": info["transaction_key"]}), http)
        customer = await client.get((await client.profile_ids())[0])
        form = await client.card_form(customer, return_url=RETURN)
    assert (form.kind, form.action, form.method) == (CardFormKind.SUBMIT, f"{host}/customer/addPayment", "POST")
    assert list(form.fields) == ["token"] and form.fields["token"] and form.origins == (host,)


def test_authorize_net_declares_its_hosted_card_form() -> None:
    spec = CAPABILITIES.card_form
    assert spec is not None and spec.hosted and spec.has_default
    assert spec.required_options == () and spec.required_credentials == ()
    cards = next(c for c in CAPABILITIES.collections if c.kind == "payment_methods")
    assert "never sees" in cards.note and "added at checkout" not in cards.note


async def _expiring(client: AuthorizeNetProvider, **paging: Any) -> ExpiringCards:
    return await client.expiring_cards(2030, 11, **paging)


@pytest.mark.parametrize("customers", [150])  # enough demo cards for several in one month
async def test_cards_expiring_in_a_month_come_sorted_and_paged_with_their_profiles(
        wired: Any, emulator: AuthorizeNetEmulator) -> None:
    client, watched = wired
    wanted = sorted((int(p["customerPaymentProfileId"]), pid) for pid in (await client.profile_ids())
                    for p in (emulator.profile(pid) or {})["paymentProfiles"] if p["expiration"] == "2030-11")
    assert len(wanted) >= 5, "the demo data should have a few cards expiring in November 2030"
    everything = await _expiring(client)
    assert everything.total == len(wanted)
    assert [(int(c.card.id), c.customer_id) for c in everything.cards] == wanted
    assert all((c.card.exp_month, c.card.exp_year, c.card.kind) == (11, 2030, "card") and c.card.last4
               for c in everything.cards)
    first = await _expiring(client, limit=2, page=1)
    second = await _expiring(client, limit=2, page=2)
    assert (first.total, second.total) == (len(wanted), len(wanted))
    assert [int(c.card.id) for c in first.cards + second.cards] == [i for i, _ in wanted[:4]]
    newest = await _expiring(client, limit=2, descending=True)
    assert [int(c.card.id) for c in newest.cards] == [i for i, _ in reversed(wanted)][:2]
    beyond = await _expiring(client, limit=1000, page=2)
    assert (beyond.total, beyond.cards) == (len(wanted), [])
    assert (await client.expiring_cards(1999, 1)).total == 0
    (request, *_) = [b["getCustomerPaymentProfileListRequest"] for b in watched.sent
                     if "getCustomerPaymentProfileListRequest" in b]
    assert list(request) == ["merchantAuthentication", "searchType", "month", "sorting", "paging"]
    assert (request["searchType"], request["month"]) == ("cardsExpiringInMonth", "2030-11")
    assert not any(contains_card_number(text) for text in watched.traffic)


@pytest.mark.parametrize("paging", [{"limit": 0}, {"limit": 1001}, {"page": 0}])
async def test_a_page_outside_the_schemas_range_is_refused_before_sending(wired: Any, paging: dict[str, int]) -> None:
    client, watched = wired
    with pytest.raises(e.InvalidInputError):
        await _expiring(client, **paging)
    assert "getCustomerPaymentProfileListRequest" not in watched.operations
