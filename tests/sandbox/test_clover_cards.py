"""The Clover emulator's cards on file: the token endpoint (public key), the hosted page, and the Ecommerce
customer call (private key) that saves a one-use `clv_` token, which Platform v3 then shows under `cards`."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from console.sandbox.clover import CloverEmulator
from console.sandbox.clover.cards import CARD_PAGE, DECLINE_MESSAGE
from tests.support.card_browser import TEST_CARD

CARD = {"number": "4242424242424242", "exp_month": "12", "exp_year": "2030", "cvv": "123", "brand": "VISA"}


@pytest.fixture
def emu() -> CloverEmulator:
    return CloverEmulator(seed=2, customers=4)


@pytest.fixture
def http(emu: CloverEmulator) -> Any:
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url) as client:
        yield client


def _token(emu: CloverEmulator, http: httpx.Client, card: dict[str, str] = CARD) -> httpx.Response:
    return http.post("/v1/tokens", json={"card": card}, headers={"apikey": emu.public_key})


def _save(emu: CloverEmulator, http: httpx.Client, customer_id: str, token: str,
          key: str | None = None) -> httpx.Response:
    private = key or emu.client_credentials()["ecommerce_private_key"]
    return http.put(f"/v1/customers/{customer_id}", json={"source": token, "ecomind": "moto"},
                    headers={"authorization": f"Bearer {private}"})


def _v3_cards(emu: CloverEmulator, http: httpx.Client, customer_id: str) -> list[dict[str, Any]]:
    info = emu.connection_info(emu.base_url)
    reply = http.get(f"/v3/merchants/{info['merchant_id']}/customers/{customer_id}", params={"expand": "cards"},
                     headers={"authorization": f"Bearer {info['token']}"})
    assert reply.status_code == 200, reply.text
    return list(reply.json()["cards"]["elements"])


def test_a_token_saved_on_a_customer_shows_in_its_cards(emu: CloverEmulator, http: httpx.Client) -> None:
    customer_id = next(iter(emu._customers))
    before = _v3_cards(emu, http, customer_id)
    token = _token(emu, http).json()
    assert token["id"].startswith("clv_") and token["object"] == "token"
    assert token["card"] == {"exp_month": "12", "exp_year": "2030", "first6": "424242", "last4": "4242",
                             "brand": "VISA"}
    saved = _save(emu, http, customer_id, token["id"])
    assert saved.status_code == 200, saved.text
    answer = saved.json()
    assert answer["object"] == "customer" and answer["id"] == customer_id
    new = _v3_cards(emu, http, customer_id)[-1]
    assert answer["sources"]["data"][-1] == new["id"] and len(_v3_cards(emu, http, customer_id)) == len(before) + 1
    assert (new["first6"], new["last4"], new["expirationDate"], new["cardType"]) == ("424242", "4242", "1230", "VISA")
    assert "token" not in new  # Clover's multi-pay token never leaves in a customer view
    # Neither the number nor the CVV is kept: not in the state, not in the request log.
    assert "4242424242424242" not in str(emu._dump_state())
    assert [r.body for r in emu.requests if r.path == "/v1/tokens"] == [b""]


def test_a_token_is_used_once(emu: CloverEmulator, http: httpx.Client) -> None:
    first, second = list(emu._customers)[:2]
    token = _token(emu, http).json()["id"]
    assert _save(emu, http, first, token).status_code == 200
    again = _save(emu, http, second, token)
    assert again.status_code == 400 and again.json()["error"]["param"] == "source"


@pytest.mark.parametrize("number", ["4005571702222222", "4005578003333335"])
def test_clovers_decline_test_cards_are_declined_when_saved(emu: CloverEmulator, http: httpx.Client,
                                                             number: str) -> None:
    customer_id = next(iter(emu._customers))
    before = _v3_cards(emu, http, customer_id)
    token = _token(emu, http, {**CARD, "number": number}).json()["id"]
    declined = _save(emu, http, customer_id, token)
    assert declined.status_code == 402
    assert declined.json()["error"] == {"type": "card_error", "code": "card_declined",
                                             "message": DECLINE_MESSAGE, "param": "source",
                                             "decline_code": "issuer_declined"}
    assert _v3_cards(emu, http, customer_id) == before


@pytest.mark.parametrize(("card", "code", "param"), [
    ({**CARD, "number": "4242424242424241"}, "invalid_number", "card.number"),
    ({**CARD, "exp_month": "13"}, "invalid_expiry_month", "card.exp_month"),
    ({**CARD, "cvv": "12"}, "invalid_cvc", "card.cvv"),
])
def test_the_token_endpoint_checks_the_card(emu: CloverEmulator, http: httpx.Client, card: dict[str, str], code: str,
                                            param: str) -> None:
    refused = _token(emu, http, card)
    assert refused.status_code == 400
    assert (refused.json()["error"]["code"], refused.json()["error"]["param"]) == (code, param)


def test_keys_are_checked(emu: CloverEmulator, http: httpx.Client) -> None:
    wrong = http.post("/v1/tokens", json={"card": CARD}, headers={"apikey": "someone-else"})
    assert wrong.status_code == 401 and wrong.json()["error"]["type"] == "authentication_error"
    fixed = CloverEmulator(seed=2, customers=1, credentials={"token": "t", "ecommerce_private_key": "right"})
    with httpx.Client(transport=fixed.sync_transport(), base_url=fixed.base_url) as client:
        token = _token(fixed, client).json()["id"]
        assert _save(fixed, client, next(iter(fixed._customers)), token, key="wrong").status_code == 401
        assert _save(fixed, client, next(iter(fixed._customers)), token, key="right").status_code == 200


def test_a_saved_card_can_be_revoked(emu: CloverEmulator, http: httpx.Client) -> None:
    customer_id = next(iter(emu._customers))
    source = _save(emu, http, customer_id, _token(emu, http).json()["id"]).json()["sources"]["data"][-1]
    headers = {"authorization": f"Bearer {emu.client_credentials()['ecommerce_private_key']}"}
    revoked = http.delete(f"/v1/customers/{customer_id}/sources/{source}", headers=headers)
    assert revoked.json() == {"deleted": True, "id": source, "object": "deletedcard"}
    assert source not in [c["id"] for c in _v3_cards(emu, http, customer_id)]


def test_the_hosted_page_tokenizes_and_returns_the_token(emu: CloverEmulator, http: httpx.Client) -> None:
    fields = {"apikey": emu.public_key, "merchant_id": emu.merchant_id, "return_url": "http://127.0.0.1:9/r?state=s"}
    assert 'id="card-form"' in http.post(CARD_PAGE, data=fields).text
    refused = http.post(CARD_PAGE, data={**fields, **TEST_CARD, "cvv": "1"})
    assert refused.status_code == 422 and "CVV is not valid." in refused.text
    done = http.post(CARD_PAGE, data={**fields, **TEST_CARD})
    query = dict(parse_qsl(urlsplit(done.headers["location"]).query))
    assert done.status_code == 303 and query["state"] == "s" and query["token"].startswith("clv_")
    wrong = http.post(CARD_PAGE, data={**fields, "apikey": "other"})
    assert wrong.status_code == 401 and "card-form" not in wrong.text
