"""Clover cards on file through the client: the hosted iframe per environment, the whole flow through the
emulator's card page served on loopback, Clover's decline test card, one-use tokens, the Ecommerce host,
and no card number on the wire."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import respx

from console.domain import errors as e
from console.domain.card_forms import CardFormCompletion, CardFormKind
from console.domain.customer import Customer
from console.domain.gc_pause import gc_paused
from console.providers.base import ProviderConfig
from console.providers.clover import CloverProvider
from console.providers.clover.cards import ecommerce_base_url
from console.sandbox.clover import CloverEmulator
from console.sandbox.clover.cards import DECLINE_MESSAGE
from console.sandbox.server import EmulatorServer
from tests.sandbox.conftest import serving
from tests.support import card_browser
from tests.support.card_traffic import Traffic

RETURN_PREFIX = "http://127.0.0.1:9/k3y/return"
RETURN = f"{RETURN_PREFIX}?state=st4te"
VISA = {**card_browser.TEST_CARD, "card_number": "4242 4242 4242 4242"}  # Clover's approving test card


@pytest.fixture
def served() -> Iterator[tuple[CloverEmulator, EmulatorServer]]:
    emulator = CloverEmulator(seed=4, customers=3)
    # No garbage collection while the server thread runs: it could free the Qt loop's objects off the Qt thread.
    with gc_paused(), serving(emulator) as server:
        yield emulator, server


@pytest.fixture
async def clover(served: tuple[CloverEmulator, EmulatorServer]) -> AsyncIterator[tuple[CloverProvider, Traffic]]:
    emulator, server = served
    info = emulator.connection_info(server.base_url)
    traffic = Traffic()
    async with httpx.AsyncClient(event_hooks=traffic.hooks) as http:
        config = ProviderConfig(base_url=info["base_url"],
                                credentials={k: info[k] for k in ("token", "ecommerce_private_key")},
                                options={k: info[k] for k in ("merchant_id", "ecommerce_public_key")})
        yield CloverProvider(config, http), traffic


def _completion(visit: card_browser.BrowserVisit) -> CardFormCompletion:
    location = visit.final.headers["location"]
    assert visit.final.status_code == 303 and location.startswith(RETURN_PREFIX), visit.final
    query = dict(parse_qsl(urlsplit(location).query))
    assert query.pop("state") == "st4te"
    return CardFormCompletion(fields=query)


async def _tokenize(client: CloverProvider, server: EmulatorServer, customer: Customer,
                    card: dict[str, str]) -> CardFormCompletion:
    form = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    assert form.kind is CardFormKind.SUBMIT
    with httpx.Client() as browser:
        completion = _completion(card_browser.play(browser, form, card, stop_at=RETURN_PREFIX))
    assert completion.fields["token"].startswith("clv_")
    return completion


async def test_a_card_typed_into_the_emulator_page_lands_on_the_customer(
        served: tuple[CloverEmulator, EmulatorServer], clover: tuple[CloverProvider, Traffic]) -> None:
    emulator, server = served
    client, traffic = clover
    customer = await client.get(next(iter(emulator._customers)))
    completion = await _tokenize(client, server, customer, {**VISA, "exp_month": "9", "exp_year": "2032"})
    after = await client.attach_card(customer, completion, idempotency_key=str(uuid.uuid4()))
    [new] = [card for card in after.payment_methods if card not in customer.payment_methods]
    assert (new.brand, new.last4, new.first6, new.exp_month, new.exp_year) == ("Visa", "4242", "424242", 9, 2032)
    assert new.masked() == "Visa •••• 4242"
    # Sent to the Ecommerce API as the customer's `source`, with the private key, as the seed document does.
    [put] = traffic.sent("PUT", f"/v1/customers/{customer.id}")
    assert put.request_json() == {"source": completion.fields["token"], "ecomind": "moto", "email": customer.email}
    assert put.response_json()["sources"]["data"][-1] == new.id
    traffic.assert_no_card_numbers()


async def test_clovers_decline_test_card_attaches_nothing_and_says_why(
        served: tuple[CloverEmulator, EmulatorServer], clover: tuple[CloverProvider, Traffic]) -> None:
    emulator, server = served
    client, traffic = clover
    customer = await client.get(next(iter(emulator._customers)))
    completion = await _tokenize(client, server, customer, {**VISA, "card_number": "4005 5717 0222 2222"})
    with pytest.raises(e.InvalidInputError) as refused:
        await client.attach_card(customer, completion, idempotency_key=str(uuid.uuid4()))
    assert refused.value.code == "card_declined" and DECLINE_MESSAGE in refused.value.message
    assert (await client.get(customer.id)).payment_methods == customer.payment_methods
    traffic.assert_no_card_numbers()


async def test_a_token_is_used_once(served: tuple[CloverEmulator, EmulatorServer],
                                    clover: tuple[CloverProvider, Traffic]) -> None:
    emulator, server = served
    client, _ = clover
    first, second = [await client.get(cid) for cid in list(emulator._customers)[:2]]
    completion = await _tokenize(client, server, first, VISA)
    await client.attach_card(first, completion, idempotency_key="k1")
    with pytest.raises(e.InvalidInputError, match="already used"):
        await client.attach_card(second, completion, idempotency_key="k2")
    assert (await client.get(second.id)).payment_methods == second.payment_methods


def _provider(environment: Any, base_url: str = "https://apisandbox.dev.clover.com", **options: str) -> CloverProvider:
    config = ProviderConfig(base_url=base_url, credentials={"token": "t", "ecommerce_private_key": "priv"},
                            environment=environment,
                            options={"merchant_id": "ABCDEFGHJKMNP", "ecommerce_public_key": "pub", **options})
    return CloverProvider(config, httpx.AsyncClient())


@pytest.mark.parametrize(("environment", "base_url", "sdk", "token_host"), [
    ("sandbox", "https://apisandbox.dev.clover.com", "https://checkout.sandbox.dev.clover.com/sdk.js",
     "https://token-sandbox.dev.clover.com"),
    ("production", "https://api.clover.com", "https://checkout.clover.com/sdk.js", "https://token.clover.com"),
])
async def test_a_real_account_gets_clovers_iframe_for_its_environment(environment: str, base_url: str, sdk: str,
                                                                      token_host: str) -> None:
    form = await _provider(environment, base_url).card_form(Customer(id="C1", given_name="Ada"), return_url=RETURN)
    assert form.kind is CardFormKind.SCRIPT and form.scripts == (sdk,)
    assert 'new Clover("pub", {merchantId: "ABCDEFGHJKMNP"})' in form.script
    assert "elements.create('CARD_NUMBER')" in form.script and "clover.createToken()" in form.script
    assert "completeCardForm({token: result.token})" in form.script
    assert token_host in form.origins and "Ada" in form.title


async def test_outside_north_america_the_ecommerce_api_is_not_there() -> None:
    with pytest.raises(e.NotSupportedError, match="US and Canada"):
        await _provider("production", "https://api.eu.clover.com", region="eu").card_form(
            Customer(id="C1"), return_url=RETURN)


async def test_missing_keys_are_explained_before_the_form_opens() -> None:
    config = ProviderConfig(base_url="https://apisandbox.dev.clover.com", credentials={"token": "t"},
                            options={"merchant_id": "ABCDEFGHJKMNP"})
    with pytest.raises(e.InvalidInputError) as missing:
        await CloverProvider(config, httpx.AsyncClient()).card_form(Customer(id="C1"), return_url=RETURN)
    assert sorted(missing.value.field_errors) == ["ecommerce_private_key", "ecommerce_public_key"]


def test_the_ecommerce_api_is_on_clovers_scl_hosts_or_the_same_origin() -> None:
    def base(url: str) -> str:
        return ecommerce_base_url(ProviderConfig(base_url=url, credentials={}))
    assert base("https://apisandbox.dev.clover.com") == "https://scl-sandbox.dev.clover.com"
    assert base("https://api.clover.com") == "https://scl.clover.com"
    assert base("http://127.0.0.1:8123/") == "http://127.0.0.1:8123"


@respx.mock
async def test_attach_goes_to_the_sandbox_ecommerce_host_with_the_private_key() -> None:
    put = respx.put("https://scl-sandbox.dev.clover.com/v1/customers/C1").mock(
        return_value=httpx.Response(200, json={"id": "C1", "object": "customer", "sources": {"data": ["S1"]}}))
    respx.get("https://apisandbox.dev.clover.com/v3/merchants/ABCDEFGHJKMNP/customers/C1").mock(
        return_value=httpx.Response(200, json={"id": "C1", "cards": {"elements": [
            {"id": "S1", "first6": "424242", "last4": "4242", "expirationDate": "0932", "cardType": "VISA"}]}}))
    customer = await _provider("sandbox").attach_card(Customer(id="C1"), CardFormCompletion(fields={"token": "clv_x"}),
                                                      idempotency_key="k")
    request = put.calls.last.request
    assert request.headers["authorization"] == "Bearer priv"
    assert json.loads(request.content) == {"source": "clv_x", "ecomind": "moto"}
    assert [c.last4 for c in customer.payment_methods] == ["4242"]
