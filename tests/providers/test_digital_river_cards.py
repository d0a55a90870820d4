"""Adding a card to a Digital River customer: the emulator's card page (DigitalRiver.js's stand-in)
served on loopback, played by a browser without JavaScript, and the real client saving the source.

Every request the client sends and every answer it receives is checked against DR's OpenAPI file, and
none of them holds anything shaped like a card number.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from console.domain import errors as e
from console.domain.card_forms import CardFormCompletion, CardFormKind
from console.domain.card_numbers import contains_card_number
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.providers.base import ProviderConfig
from console.providers.digital_river import DigitalRiverProvider, cards
from console.providers.registry import provider
from console.sandbox.digital_river import DigitalRiverEmulator, card_page
from console.sandbox.server import EmulatorServer
from tests.sandbox.conftest import serving
from tests.support import card_browser
from tests.support.openapi import digital_river_spec

RETURN_PREFIX = "http://127.0.0.1:9/cb-3f9a/return"
RETURN = f"{RETURN_PREFIX}?state=s-77"
DECLINED = {**card_browser.TEST_CARD, "card_number": "4000000000003295"}  # DR: "a Source is not created"
_CUSTOMER = re.compile(r"^/customers/[^/]+$")
_SAVE = re.compile(r"^/customers/[^/]+/sources/[^/]+$")


class Wire:
    """What the console's client sent and received, each checked against the spec as it passes."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.checked = 0

    async def on_request(self, request: httpx.Request) -> None:
        self.texts.append(f"{request.method} {request.url}\n{request.headers}\n{request.content.decode()}")
        if _SAVE.match(request.url.path) and request.method == "POST":
            assert request.content == b""  # DR's save takes no body

    async def on_response(self, response: httpx.Response) -> None:
        await response.aread()
        self.texts.append(f"{response.status_code}\n{response.headers}\n{response.text}")
        path, method, spec = response.request.url.path, response.request.method, digital_river_spec()
        if response.status_code >= 400:
            spec.validate("Errors", response.json())
        elif _SAVE.match(path) and method == "POST":
            spec.validate("Source", response.json())
        elif _SAVE.match(path) and method == "DELETE":
            assert response.status_code == 204 and response.content == b""
        elif (_CUSTOMER.match(path) and method in ("GET", "POST")) or (path == "/customers" and method == "POST"):
            spec.validate("Customer", response.json())
        self.checked += 1


@pytest.fixture
def emulator() -> DigitalRiverEmulator:
    return DigitalRiverEmulator(seed=11, customers=40)


@pytest.fixture
def server(emulator: DigitalRiverEmulator) -> Iterator[EmulatorServer]:
    with serving(emulator) as running:
        yield running


@pytest.fixture
def wire() -> Wire:
    return Wire()


def _config(emulator: DigitalRiverEmulator, base_url: str) -> ProviderConfig:
    info = emulator.connection_info(base_url)
    return ProviderConfig(base_url=info["base_url"], credentials={"secret_key": info["secret_key"]},
                          options={"public_key": info["public_key"]})


@pytest.fixture
async def client(emulator: DigitalRiverEmulator, server: EmulatorServer,
                 wire: Wire) -> AsyncIterator[DigitalRiverProvider]:
    hooks: Any = {"request": [wire.on_request], "response": [wire.on_response]}
    async with httpx.AsyncClient(event_hooks=hooks) as http:
        yield DigitalRiverProvider(_config(emulator, server.base_url), http)


async def _new_customer(client: DigitalRiverProvider, key: str = "c1") -> Customer:
    return await client.create(CustomerChanges(values={
        "given_name": "Ada King Lovelace", "email": "ada@example.com", "address.line1": "12 St James's Square",
        "address.city": "London", "address.country": "GB"}), idempotency_key=key)


async def _fill_in(client: DigitalRiverProvider, server: EmulatorServer, customer: Customer,
                   card: dict[str, str] | None = None) -> tuple[card_browser.BrowserVisit, CardFormCompletion | None]:
    """The browser's part: the emulator's page filled in, and what it sent back to the console (if anything)."""
    form = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    with httpx.Client() as browser:
        visit = card_browser.play(browser, form, card, stop_at=RETURN_PREFIX)
    if visit.error:
        return visit, None
    location = httpx.URL(visit.final.headers["location"])
    assert location.params["state"] == "s-77"  # the console's own parameter comes back untouched
    return visit, CardFormCompletion(fields={k: v for k, v in location.params.items() if k != "state"})


async def _add_card(client: DigitalRiverProvider, server: EmulatorServer, customer: Customer,
                    card: dict[str, str] | None = None) -> tuple[card_browser.BrowserVisit, Customer | None]:
    visit, completion = await _fill_in(client, server, customer, card)
    if completion is None:
        return visit, None
    return visit, await client.attach_card(customer, completion, idempotency_key="card-1")


async def test_a_test_card_typed_into_the_emulators_page_is_saved_masked_and_becomes_the_default(
        client: DigitalRiverProvider, server: EmulatorServer, emulator: DigitalRiverEmulator, wire: Wire) -> None:
    customer = await _new_customer(client)
    assert customer.payment_methods == ()
    visit, saved = await _add_card(client, server, customer)
    assert saved is not None and visit.final.status_code == 303
    (card,) = saved.payment_methods
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("Visa", "1111", 12, 2030)
    assert card.is_default  # DR: the first source saved to a customer becomes its default
    assert card.holder_name == "Ada King Lovelace"
    assert wire.checked >= 3
    # Nothing the console sent or received looks like a card number; neither the emulator's log nor its state.
    assert not [text for text in wire.texts if contains_card_number(text)]
    assert not [r for r in emulator.requests if contains_card_number(r.body.decode())]
    assert not contains_card_number(json.dumps(emulator.customer(customer.id)))


async def test_a_replacement_card_is_made_the_default_and_the_old_one_removed(
        client: DigitalRiverProvider, server: EmulatorServer) -> None:
    customer = await _new_customer(client)
    _, first = await _add_card(client, server, customer)
    mastercard = {**card_browser.TEST_CARD, "card_number": "5466160000000008", "exp_month": "3", "exp_year": "2031"}
    _, second = await _add_card(client, server, customer, mastercard)
    assert first is not None and second is not None
    new = next(c for c in second.payment_methods if c.last4 == "0008")
    assert (new.brand, new.exp_month, new.exp_year, new.is_default) == ("MasterCard", 3, 2031, False)
    # What the console offers after adding: "make it the default", through the existing collection call.
    chosen = await client.set_default_item(second, "payment_methods", new.id)
    assert [c.last4 for c in chosen.payment_methods if c.is_default] == ["0008"]
    (old,) = [c for c in chosen.payment_methods if c.last4 == "1111"]
    left = await client.delete_item(chosen, "payment_methods", old.id)
    assert [(c.last4, c.is_default) for c in left.payment_methods] == [("0008", True)]
    assert (await client.delete_item(left, "payment_methods", old.id)).payment_methods == left.payment_methods


@pytest.mark.parametrize(("card", "message"), [
    (DECLINED, "Your card was declined."),
    ({**card_browser.TEST_CARD, "card_number": "4111111111111112"}, "Your card number is invalid."),
    ({**card_browser.TEST_CARD, "exp_year": "2020"}, "Your card's expiration year is in the past."),
    ({**card_browser.TEST_CARD, "exp_month": "13"}, "Your card's expiration month is invalid."),
    ({**card_browser.TEST_CARD, "cvv": "12"}, "Your card's security code is invalid."),
])
async def test_a_refused_card_shows_digital_rivers_message_and_saves_nothing(
        client: DigitalRiverProvider, server: EmulatorServer, emulator: DigitalRiverEmulator,
        card: dict[str, str], message: str) -> None:
    customer = await _new_customer(client)
    before = emulator.stats().requests
    visit, saved = await _add_card(client, server, customer, card)
    assert saved is None and visit.error == message
    assert "4000000000003295" not in visit.final.text and "4111111111111112" not in visit.final.text
    assert (await client.get(customer.id)).payment_methods == ()
    assert emulator.stats().requests - before == 3  # hand-over, refused card, the read above: nothing saved


async def test_saving_the_same_source_twice_is_harmless(client: DigitalRiverProvider, server: EmulatorServer) -> None:
    customer = await _new_customer(client)
    _, completion = await _fill_in(client, server, customer)
    assert completion is not None
    await client.attach_card(customer, completion, idempotency_key="a")
    again = await client.attach_card(customer, completion, idempotency_key="a")
    assert len(again.payment_methods) == 1


async def test_a_source_that_cannot_be_saved_is_refused_with_digital_rivers_message(
        client: DigitalRiverProvider, server: EmulatorServer) -> None:
    ada, bob = await _new_customer(client, "c1"), await _new_customer(client, "c2")
    _, completion = await _fill_in(client, server, ada)
    assert completion is not None and set(completion.fields) == {"source_id"}
    source_id = completion.fields["source_id"]
    await client.attach_card(ada, completion, idempotency_key="a")
    with pytest.raises(e.ConflictError, match="attached to a different customer") as in_use:
        await client.attach_card(bob, completion, idempotency_key="b")
    assert not isinstance(in_use.value, e.DuplicateError) and in_use.value.code == "source_in_use"
    # Detached, DR cancels the source: it cannot be saved again, to anyone.
    await client.http.request("DELETE", f"/customers/{ada.id}/sources/{source_id}")
    with pytest.raises(e.ConflictError, match=f"Source '{source_id}' is not chargeable"):
        await client.attach_card(ada, completion, idempotency_key="c")
    with pytest.raises(e.NotFoundError, match="not found"):
        await client.attach_card(Customer(id="nobody-here"), completion, idempotency_key="d")
    with pytest.raises(e.NotFoundError, match="Source '0b9a7c52-0000-4000-8000-000000000000' not found"):
        await client.attach_card(bob, CardFormCompletion(fields={"source_id": "0b9a7c52-0000-4000-8000-000000000000"}),
                                 idempotency_key="e")
    assert (await client.get(bob.id)).payment_methods == ()


@pytest.mark.parametrize("fields", [{}, {"source_id": ""}, {"source_id": "../customers/x"}])
async def test_a_completion_without_a_source_id_sends_nothing(fields: dict[str, str]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing should be sent: {request.url}")

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        client = DigitalRiverProvider(ProviderConfig(base_url="https://api.digitalriver.com",
                                                     credentials={"secret_key": "sk_test_x"}), http)
        with pytest.raises(e.InvalidInputError, match="did not return a payment source"):
            await client.attach_card(Customer(id="c1"), CardFormCompletion(fields=fields), idempotency_key="k")


# -- the real account's page (DigitalRiver.js cannot run in tests: check what it is given) ---------------

async def _script_form(public_key: str, secret_key: str = "sk_test_s", customer: Customer | None = None) -> Any:
    async with httpx.AsyncClient() as http:
        client = DigitalRiverProvider(ProviderConfig(base_url="https://api.digitalriver.com",
                                                     credentials={"secret_key": secret_key},
                                                     options={"public_key": public_key}), http)
        return await client.card_form(customer or Customer(id="c1", given_name="Ada Lovelace"), return_url=RETURN)


async def test_a_real_account_gets_digitalriver_js_with_its_public_key() -> None:
    form = await _script_form("pk_test_abc123")
    assert form.kind is CardFormKind.SCRIPT
    assert form.scripts == ("https://js.digitalriverws.com/v1/DigitalRiver.js",)
    assert set(form.origins) >= {"https://js.digitalriverws.com", "https://api.digitalriver.com"}
    assert 'new DigitalRiver("pk_test_abc123")' in form.script
    for element in ("'cardnumber'", "'cardexpiration'", "'cardcvv'", "getElementById('card-form')",
                    "createSource(number", "type: 'creditCard'", "completeCardForm({source_id: result.source.id})"):
        assert element in form.script
    assert RETURN not in form.script  # the loopback page posts the completion itself
    live = await _script_form("pk_live", secret_key="sk_live")
    assert 'new DigitalRiver("pk_live")' in live.script


async def test_the_customers_details_cannot_break_out_of_the_script() -> None:
    sly = Customer(id="c1", given_name="Eve </script><script>alert(1)</script>", email="e@x.test")
    form = await _script_form("pk_test_abc", customer=sly)
    assert "</script>" not in form.script and "<script>" not in form.script
    assert "\\u003c/script\\u003e" in form.script


@pytest.mark.parametrize(("public_key", "secret_key", "message"), [
    ("", "sk_test_s", "Enter the account's public key"),
    ("sk_test_oops", "sk_test_s", "starts with pk_"),
    ("pk_test_abc", "sk_live_s", "public key is a test key but the secret key is a live key"),
    ("pk_abc", "sk_test_s", "public key is a live key but the secret key is a test key"),
])
async def test_a_missing_or_mismatched_public_key_is_explained(public_key: str, secret_key: str,
                                                                message: str) -> None:
    with pytest.raises(e.InvalidInputError, match=message) as refused:
        await _script_form(public_key, secret_key)
    assert "public_key" in refused.value.field_errors


def test_the_demo_account_is_given_the_public_key_the_card_form_needs() -> None:
    info = provider("digital-river")
    spec = info.capabilities.card_form
    assert spec is not None and spec.hosted and spec.has_default
    assert set(spec.required_options) == {"public_key"} <= {o.key for o in info.options}
    # Demo accounts take their options from the emulator's connection info, by key.
    connection = DigitalRiverEmulator(seed=1, customers=1).connection_info("http://127.0.0.1:1")
    assert connection["public_key"].startswith("pk_test_")


async def test_the_submit_form_is_what_the_emulators_page_reads(client: DigitalRiverProvider,
                                                                server: EmulatorServer) -> None:
    form = await client.card_form(Customer(id="c1", given_name="Ada Lovelace", email="ada@example.com"),
                                  return_url=RETURN, form_origin=server.base_url + "/")
    assert form.kind is CardFormKind.SUBMIT and cards.EMULATOR_PAGE == card_page.PAGE
    assert form.action == server.base_url + card_page.PAGE
    assert set(form.fields) == {"public_key", "return_url", *card_page.OWNER_FIELDS}
    assert (form.fields["first_name"], form.fields["last_name"], form.fields["return_url"]) == ("Ada", "Lovelace",
                                                                                                RETURN)
