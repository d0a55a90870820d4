"""The Square emulator's cards on file: documented sandbox nonces, its own one-time nonces, CreateCard and the
deprecated CreateCustomerCard, idempotency, ListCards/DisableCard, all checked against Square's OpenAPI."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from console.sandbox.square import SquareEmulator
from console.sandbox.square.cards import CARD_PAGE
from tests.sandbox.conftest import failed, ok
from tests.support.card_browser import TEST_CARD
from tests.support.openapi import OpenApiSpec

RETURN = "http://127.0.0.1:9/p/return?state=s"


def _customer(emu: SquareEmulator) -> str:
    return emu.customer_ids()[0]


def _create(client: httpx.Client, customer_id: str, source: str, key: str = "k-1") -> httpx.Response:
    return client.post("/v2/cards", json={"idempotency_key": key, "source_id": source,
                                          "card": {"customer_id": customer_id}})


def _nonce(emu: SquareEmulator, card: dict[str, str] | None = None) -> str:
    """A nonce from the emulator's card page, as the browser would get it."""
    info = emu.connection_info(emu.base_url)
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as browser:
        fields = {"application_id": info["application_id"], "location_id": info["location_id"], "return_url": RETURN}
        page = browser.post(CARD_PAGE, data=fields)
        assert page.status_code == 200 and 'id="card-form"' in page.text
        done = browser.post(CARD_PAGE, data={**fields, **(card or TEST_CARD)})
    assert done.status_code == 303, done.text
    query = dict(parse_qsl(urlsplit(done.headers["location"]).query))
    assert query["state"] == "s"
    return query["source_id"]


def test_create_card_with_squares_ok_nonce(emu: SquareEmulator, client: httpx.Client, spec: OpenApiSpec) -> None:
    customer_id = _customer(emu)
    body = ok(_create(client, customer_id, "cnon:card-nonce-ok"), spec, "CreateCardResponse")
    card = body["card"]
    assert (card["customer_id"], card["card_brand"], card["last_4"], card["enabled"]) == (
        customer_id, "VISA", "1111", True)
    # Square's documented test nonce is a fixed value, so it may be used again.
    ok(_create(client, customer_id, "cnon:card-nonce-ok", key="k-2"), spec, "CreateCardResponse")
    listed = ok(client.get("/v2/cards", params={"customer_id": customer_id}), spec, "ListCardsResponse")
    assert len(listed["cards"]) == 2
    assert ok(client.get(f"/v2/cards/{card['id']}"), spec, "RetrieveCardResponse")["card"] == card


@pytest.mark.parametrize("nonce", ["cnon:card-nonce-declined", "cnon:card-nonce-rejected-cvv",
                                   "cnon:card-nonce-rejected-postalcode", "cnon:card-nonce-rejected-expiration"])
def test_create_card_refuses_squares_decline_nonces_with_one_general_error(
        emu: SquareEmulator, client: httpx.Client, nonce: str) -> None:
    error = failed(_create(client, _customer(emu), nonce), 400, "INVALID_CARD_DATA", "source_id")
    assert error["detail"] == "Invalid card data."
    assert emu.cards_of(_customer(emu)) == []


def test_an_already_used_nonce(emu: SquareEmulator, client: httpx.Client) -> None:
    error = failed(_create(client, _customer(emu), "cnon:card-nonce-already-used"), 400, "CARD_TOKEN_USED",
                   "source_id")
    assert error["detail"] == "Card nonce already used; please request new nonce."


def test_the_card_page_nonce_is_bound_to_the_masked_card_and_used_once(
        emu: SquareEmulator, client: httpx.Client, spec: OpenApiSpec) -> None:
    nonce = _nonce(emu, {**TEST_CARD, "card_number": "5105 1051 0510 5100", "exp_month": "3", "exp_year": "29"})
    card = ok(_create(client, _customer(emu), nonce), spec, "CreateCardResponse")["card"]
    assert (card["card_brand"], card["last_4"], card["bin"], card["exp_month"], card["exp_year"]) == (
        "MASTERCARD", "5100", "510510", 3, 2029)
    failed(_create(client, emu.customer_ids()[1], nonce, key="k-2"), 400, "CARD_TOKEN_USED", "source_id")
    # Nothing of the number but its first six and last four is kept anywhere in the emulator's state.
    assert "5105105105105100" not in str(emu._dump_state())


def test_same_key_same_request_returns_the_first_card_and_saves_one(
        emu: SquareEmulator, client: httpx.Client, spec: OpenApiSpec) -> None:
    nonce = _nonce(emu)
    first = ok(_create(client, _customer(emu), nonce, key="retry-me"), spec, "CreateCardResponse")
    again = ok(_create(client, _customer(emu), nonce, key="retry-me"), spec, "CreateCardResponse")
    assert first == again and len(emu.cards_of(_customer(emu))) == 1
    failed(_create(client, emu.customer_ids()[1], nonce, key="retry-me"), 400, "IDEMPOTENCY_KEY_REUSED")


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"source_id": "cnon:card-nonce-ok", "card": {"customer_id": "X"}}, "MISSING_REQUIRED_PARAMETER",
     "idempotency_key"),
    ({"idempotency_key": "k", "card": {"customer_id": "X"}}, "MISSING_REQUIRED_PARAMETER", "source_id"),
    ({"idempotency_key": "k", "source_id": "cnon:card-nonce-ok"}, "MISSING_REQUIRED_PARAMETER", "card"),
    ({"idempotency_key": "k", "source_id": "cnon:card-nonce-ok", "card": {}}, "MISSING_REQUIRED_PARAMETER",
     "card.customer_id"),
    ({"idempotency_key": "k" * 46, "source_id": "cnon:card-nonce-ok", "card": {"customer_id": "X"}},
     "VALUE_TOO_LONG", "idempotency_key"),
    ({"idempotency_key": "k", "source_id": "cnon:card-nonce-ok", "card": {"customer_id": "X", "number": "1"}},
     "UNKNOWN_BODY_PARAMETER", "card.number"),
])
def test_create_card_validates_the_request(client: httpx.Client, body: dict[str, Any], code: str,
                                           field: str) -> None:
    failed(client.post("/v2/cards", json=body), 400, code, field)


def test_create_card_for_an_unknown_customer(client: httpx.Client) -> None:
    failed(_create(client, "NOBODY", "cnon:card-nonce-ok"), 404, "NOT_FOUND")


def test_the_deprecated_customer_card_endpoint(emu: SquareEmulator, client: httpx.Client, spec: OpenApiSpec) -> None:
    customer_id = _customer(emu)
    nonce = _nonce(emu)
    request = {"card_nonce": nonce, "cardholder_name": "Ada Lovelace"}
    spec.validate("CreateCustomerCardRequest", request)
    first = ok(client.post(f"/v2/customers/{customer_id}/cards", json=request), spec, "CreateCustomerCardResponse")
    assert first["card"]["last_4"] == "1111" and first["card"]["cardholder_name"] == "Ada Lovelace"
    # Documented as idempotent by nonce: the same nonce gives the same card, not a second one.
    again = ok(client.post(f"/v2/customers/{customer_id}/cards", json=request), spec, "CreateCustomerCardResponse")
    assert again == first and len(emu.cards_of(customer_id)) == 1
    assert ok(client.delete(f"/v2/customers/{customer_id}/cards/{first['card']['id']}"), spec,
              "DeleteCustomerCardResponse") == {}
    assert emu.cards_of(customer_id) == []


@pytest.mark.parametrize(("nonce", "code"), [
    ("cnon:card-nonce-declined", "GENERIC_DECLINE"), ("cnon:card-nonce-rejected-cvv", "CVV_FAILURE"),
    ("cnon:card-nonce-rejected-postalcode", "ADDRESS_VERIFICATION_FAILURE"),
    ("cnon:card-nonce-rejected-expiration", "INVALID_EXPIRATION"),
])
def test_the_deprecated_endpoint_names_the_decline(emu: SquareEmulator, client: httpx.Client, nonce: str,
                                                   code: str) -> None:
    error = failed(client.post(f"/v2/customers/{_customer(emu)}/cards", json={"card_nonce": nonce}), 400, code)
    assert error["category"] == "PAYMENT_METHOD_ERROR" and error["detail"] == f"Authorization error: '{code}'"


def test_disable_hides_the_card_from_the_default_listing(
        emu: SquareEmulator, client: httpx.Client, spec: OpenApiSpec) -> None:
    card = ok(_create(client, _customer(emu), "cnon:card-nonce-ok"), spec, "CreateCardResponse")["card"]
    disabled = ok(client.post(f"/v2/cards/{card['id']}/disable"), spec, "DisableCardResponse")["card"]
    assert disabled["enabled"] is False
    assert ok(client.post(f"/v2/cards/{card['id']}/disable"), spec, "DisableCardResponse")["card"] == disabled
    assert ok(client.get("/v2/cards", params={"customer_id": _customer(emu)}), spec, "ListCardsResponse") == {}
    everything = client.get("/v2/cards", params={"customer_id": _customer(emu), "include_disabled": "true"})
    assert [c["id"] for c in ok(everything, spec, "ListCardsResponse")["cards"]] == [card["id"]]


def test_the_card_page_checks_the_sdk_settings_and_the_card(emu: SquareEmulator) -> None:
    info = emu.connection_info(emu.base_url)
    fields = {"application_id": info["application_id"], "location_id": info["location_id"], "return_url": RETURN}
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as browser:
        wrong_app = browser.post(CARD_PAGE, data={**fields, "application_id": "sandbox-sq0idb-other"})
        assert wrong_app.status_code == 400 and "InvalidApplicationIdError" in wrong_app.text
        expired = browser.post(CARD_PAGE, data={**fields, **TEST_CARD, "exp_year": "2001"})
        assert expired.status_code == 422 and "Expiration date is not valid." in expired.text
        # The page needs no access token: the browser has none.
        assert browser.get(CARD_PAGE, params=fields).status_code == 200


def test_cards_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "square.json"
    emu = SquareEmulator(seed=5, customers=3, store_path=path)
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url,
                      headers={"Authorization": "Bearer t"}) as client:
        card = _create(client, emu.customer_ids()[0], "cnon:card-nonce-ok").json()["card"]
    emu.flush()
    again = SquareEmulator(seed=5, customers=3, store_path=path)
    assert again.cards_of(card["customer_id"]) == [card]


def test_a_card_in_a_get_is_neither_taken_nor_logged(emu: SquareEmulator) -> None:
    info = emu.connection_info(emu.base_url)
    fields = {"application_id": info["application_id"], "location_id": info["location_id"], "return_url": RETURN}
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as browser:
        page = browser.get(CARD_PAGE, params={**fields, **TEST_CARD})
    assert page.status_code == 200 and 'id="card-form"' in page.text and emu._nonces == {}
    assert emu.requests[-1].params == {} and emu.requests[-1].body == b""
