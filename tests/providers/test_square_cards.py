"""Square cards on file through the client: the card form per environment, the whole flow through the
emulator's card page served on loopback, declines, idempotent retry, and no card number on the wire."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from console.domain import errors as e
from console.domain.capabilities import CollectionKind
from console.domain.card_forms import CardFormCompletion, CardFormKind
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.domain.gc_pause import gc_paused
from console.providers.base import ProviderConfig
from console.providers.square import SquareProvider
from console.sandbox.server import EmulatorServer
from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import serving
from tests.support import card_browser
from tests.support.card_traffic import Traffic
from tests.support.openapi import square_spec

RETURN_PREFIX = "http://127.0.0.1:9/k3y/return"
RETURN = f"{RETURN_PREFIX}?state=st4te"
OPTIONS = {"application_id": "sandbox-sq0idb-APP", "location_id": "LOC1"}
VISA = dict(card_browser.TEST_CARD)


@pytest.fixture
def served() -> Iterator[tuple[SquareEmulator, EmulatorServer]]:
    emulator = SquareEmulator(seed=11, customers=3)
    # No garbage collection while the server thread runs: it could free the Qt loop's objects off the Qt thread.
    with gc_paused(), serving(emulator) as server:
        yield emulator, server


@pytest.fixture
async def square(served: tuple[SquareEmulator, EmulatorServer]) -> AsyncIterator[tuple[SquareProvider, Traffic]]:
    emulator, server = served
    info = emulator.connection_info(server.base_url)
    traffic = Traffic()
    async with httpx.AsyncClient(event_hooks=traffic.hooks) as http:
        config = ProviderConfig(base_url=info["base_url"], credentials={"token": info["token"]},
                                options={k: info[k] for k in ("application_id", "location_id")})
        yield SquareProvider(config, http), traffic


def _completion(visit: card_browser.BrowserVisit) -> CardFormCompletion:
    location = visit.final.headers["location"]
    assert visit.final.status_code == 303 and location.startswith(RETURN_PREFIX), visit.final
    query = dict(parse_qsl(urlsplit(location).query))
    assert query.pop("state") == "st4te"  # the loopback page's own parameter comes back untouched
    return CardFormCompletion(fields=query)


async def _add_card(square: SquareProvider, server: EmulatorServer, customer: Customer,
                    card: dict[str, str]) -> tuple[CardFormCompletion, Customer]:
    form = await square.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    assert form.kind is CardFormKind.SUBMIT
    with httpx.Client() as browser:
        completion = _completion(card_browser.play(browser, form, card, stop_at=RETURN_PREFIX))
    assert completion.fields["source_id"].startswith("cnon:")
    return completion, await square.attach_card(customer, completion, idempotency_key=str(uuid.uuid4()))


async def test_a_card_typed_into_the_emulator_page_lands_on_the_customer(
        served: tuple[SquareEmulator, EmulatorServer], square: tuple[SquareProvider, Traffic]) -> None:
    emulator, server = served
    client, traffic = square
    customer = await client.get(emulator.customer_ids()[0])
    assert customer.payment_methods == ()
    _, after = await _add_card(client, server, customer, {**VISA, "exp_month": "7", "exp_year": "2031"})
    [card] = after.payment_methods
    assert (card.brand, card.last4, card.first6, card.exp_month, card.exp_year) == ("Visa", "1111", "411111", 7, 2031)
    assert card.id.startswith("ccof:") and card.masked() == "Visa •••• 1111"
    assert (await client.get(customer.id)).payment_methods == (card,)  # read back, not just returned
    # What the client sent and what came back is Square's documented shape.
    spec = square_spec()
    [create] = traffic.sent("POST", "/v2/cards")
    spec.validate("CreateCardRequest", create.request_json())
    spec.validate("CreateCardResponse", create.response_json())
    assert create.request_json()["card"] == {"customer_id": customer.id}
    for listing in traffic.sent("GET", "/v2/cards"):
        spec.validate("ListCardsResponse", listing.response_json())
    traffic.assert_no_card_numbers()


@pytest.mark.parametrize(("card", "code"), [
    ({**VISA, "card_number": "4000000000000002"}, "INVALID_CARD_DATA"),  # Square's "card declined" number
    ({**VISA, "cvv": "911"}, "INVALID_CARD_DATA"),                       # "Card CVV incorrect"
    ({**VISA, "postal_code": "99999"}, "INVALID_CARD_DATA"),             # "Card postal code incorrect"
    ({**VISA, "exp_month": "01", "exp_year": "2040"}, "INVALID_CARD_DATA"),  # "Card expiration date incorrect"
])
async def test_square_test_values_that_decline_attach_nothing_and_say_why(
        served: tuple[SquareEmulator, EmulatorServer], square: tuple[SquareProvider, Traffic],
        card: dict[str, str], code: str) -> None:
    emulator, server = served
    client, traffic = square
    customer = await client.get(emulator.customer_ids()[0])
    with pytest.raises(e.InvalidInputError) as refused:
        await _add_card(client, server, customer, card)
    assert refused.value.code == code and "Invalid card data" in refused.value.message
    assert emulator.cards_of(customer.id) == []
    traffic.assert_no_card_numbers()


async def test_a_card_the_page_refuses_is_shown_there_and_never_tokenized(
        served: tuple[SquareEmulator, EmulatorServer], square: tuple[SquareProvider, Traffic]) -> None:
    emulator, server = served
    client, _ = square
    customer = await client.get(emulator.customer_ids()[0])
    form = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
    with httpx.Client() as browser:
        visit = card_browser.play(browser, form, {**VISA, "card_number": "4111111111111112"}, stop_at=RETURN_PREFIX)
    assert visit.error == "Card number is not valid." and not visit.final.is_redirect
    assert emulator.requests[-1].body == b""  # what was typed is not in the emulator's request log


async def test_a_nonce_is_used_once(served: tuple[SquareEmulator, EmulatorServer],
                                    square: tuple[SquareProvider, Traffic]) -> None:
    emulator, server = served
    client, _ = square
    first, second = [await client.get(cid) for cid in emulator.customer_ids()[:2]]
    completion, _ = await _add_card(client, server, first, VISA)
    with pytest.raises(e.InvalidInputError) as refused:
        await client.attach_card(second, completion, idempotency_key=str(uuid.uuid4()))
    assert refused.value.code == "CARD_TOKEN_USED" and "Open the card form again" in refused.value.message
    assert emulator.cards_of(second.id) == []


async def test_create_card_lost_answer_is_retried_with_the_same_key_and_saves_one_card() -> None:
    emulator = SquareEmulator(seed=11, customers=2)
    with gc_paused(), serving(emulator) as server:
        info = emulator.connection_info(server.base_url)
        async with httpx.AsyncClient(transport=emulator.transport()) as http:
            client = SquareProvider(ProviderConfig(base_url=emulator.base_url, credentials={"token": info["token"]},
                                                   options={k: info[k] for k in OPTIONS}), http)

            async def no_wait(seconds: float) -> None:
                pass

            client.http._sleep = no_wait  # type: ignore[attr-defined]
            customer = await client.get(emulator.customer_ids()[0])
            form = await client.card_form(customer, return_url=RETURN, form_origin=server.base_url)
            with httpx.Client() as browser:
                completion = _completion(card_browser.play(browser, form, VISA, stop_at=RETURN_PREFIX))
            emulator.fail_next("drop", applied_first=True)  # the card is saved, the answer is lost
            after = await client.attach_card(customer, completion, idempotency_key="key-1")
    posts = [r for r in emulator.requests if (r.method, r.path) == ("POST", "/v2/cards")]
    assert len(posts) == 2 and posts[0].json() == posts[1].json()
    assert len(after.payment_methods) == 1 and len(emulator.cards_of(customer.id)) == 1


def _provider(environment: Any, options: dict[str, str]) -> SquareProvider:
    config = ProviderConfig(base_url="https://connect.squareupsandbox.com", credentials={"token": "t"},
                            environment=environment, options=options)
    return SquareProvider(config, httpx.AsyncClient())


async def test_a_real_sandbox_account_gets_the_web_payments_sdk_from_squares_sandbox_cdn() -> None:
    form = await _provider("sandbox", OPTIONS).card_form(Customer(id="C1", given_name="Ada"), return_url=RETURN)
    assert form.kind is CardFormKind.SCRIPT
    assert form.scripts == ("https://sandbox.web.squarecdn.com/v1/square.js",)
    assert 'Square.payments("sandbox-sq0idb-APP", "LOC1")' in form.script
    assert "card.attach('#card-form')" in form.script and "card.tokenize()" in form.script
    assert "completeCardForm({source_id: result.token})" in form.script
    assert "https://pci-connect.squareupsandbox.com" in form.origins and "Ada" in form.title


async def test_a_production_account_is_sent_to_the_dashboard_because_square_needs_https_there() -> None:
    with pytest.raises(e.NotSupportedError, match="HTTPS"):
        await _provider("production", OPTIONS).card_form(Customer(id="C1", given_name="Ada"), return_url=RETURN)
    # ...while the emulator's page (demo mode, tests) still works for it.
    form = await _provider("production", OPTIONS).card_form(Customer(id="C1"), return_url=RETURN,
                                                            form_origin="http://127.0.0.1:5")
    assert form.action == "http://127.0.0.1:5/web-payments-sdk/card"


async def test_missing_application_or_location_id_is_explained() -> None:
    with pytest.raises(e.InvalidInputError) as missing:
        await _provider("sandbox", {"application_id": "A"}).card_form(Customer(id="C1"), return_url=RETURN)
    assert list(missing.value.field_errors) == ["location_id"] and "Accounts" in missing.value.message


async def test_an_edit_keeps_the_cards_the_customer_had(
        served: tuple[SquareEmulator, EmulatorServer], square: tuple[SquareProvider, Traffic]) -> None:
    emulator, server = served
    client, _ = square
    customer = await client.get(emulator.customer_ids()[0])
    _, with_card = await _add_card(client, server, customer, VISA)
    edited = await client.update(with_card, CustomerChanges(values={"note": "Prefers email"}))
    assert edited.note == "Prefers email" and edited.payment_methods == with_card.payment_methods != ()


async def test_deleting_a_card_disables_it_at_square(
        served: tuple[SquareEmulator, EmulatorServer], square: tuple[SquareProvider, Traffic]) -> None:
    emulator, server = served
    client, traffic = square
    customer = await client.get(emulator.customer_ids()[0])
    _, with_card = await _add_card(client, server, customer, VISA)
    [card] = with_card.payment_methods
    after = await client.delete_item(with_card, CollectionKind.PAYMENT_METHODS, card.id)
    assert after.payment_methods == () and emulator.cards_of(customer.id) == []
    [disable] = traffic.sent("POST", f"/v2/cards/{card.id}/disable")
    square_spec().validate("DisableCardResponse", disable.response_json())
    # Asked again (a repeat after a lost answer), it is still done.
    assert (await client.delete_item(with_card, CollectionKind.PAYMENT_METHODS, card.id)).payment_methods == ()
