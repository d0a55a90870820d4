"""Digital River's emulator makes card sources as DigitalRiver.js's API does (the public key, the card
as typed) and saves them to customers, answering in the shapes of DR's OpenAPI file; it keeps only
the last four digits, the brand and the expiry, and logs neither the number nor the security code."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from console.domain.card_numbers import contains_card_number
from console.sandbox.digital_river import DigitalRiverEmulator
from tests.support.openapi import digital_river_spec

OWNER = {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "address": {"country": "GB"}}


@pytest.fixture
def emulator() -> DigitalRiverEmulator:
    return DigitalRiverEmulator(seed=4, customers=6)


def _http(emulator: DigitalRiverEmulator, key: str) -> httpx.Client:
    return httpx.Client(transport=emulator.sync_transport(), base_url=emulator.base_url,
                        headers={"Authorization": f"Bearer {key}"})


def _create(emulator: DigitalRiverEmulator, number: str, *, key: str | None = None, **extra: Any) -> httpx.Response:
    public_key = key or emulator.connection_info(emulator.base_url)["public_key"]
    card = {"number": number, "expirationMonth": 7, "expirationYear": 2031, "cvv": "737", **extra}
    with _http(emulator, public_key) as http:
        return http.post("/sources", json={"type": "creditCard", "owner": OWNER, "creditCard": card})


def test_a_card_source_is_made_with_the_public_key_and_holds_no_card_number(emulator: DigitalRiverEmulator) -> None:
    made = _create(emulator, "5454 5454 5454 5454")
    assert made.status_code == 201
    source = made.json()
    digital_river_spec().validate("Source", source)
    assert source["creditCard"] == {"brand": "MasterCard", "lastFourDigits": "5454", "expirationMonth": 7,
                                    "expirationYear": 2031}
    assert (source["state"], source["reusable"], source["liveMode"]) == ("chargeable", False, False)
    assert source["clientSecret"].startswith(source["id"] + "_")
    snapshot = json.dumps(emulator._snapshot())
    assert "5454545454545454" not in snapshot and "737" not in json.dumps(source)
    assert not [r for r in emulator.requests if contains_card_number(r.body.decode())]
    secret = emulator.connection_info(emulator.base_url)["secret_key"]
    with _http(emulator, secret) as http:
        read = http.get(f"/sources/{source['id']}")
    assert read.status_code == 200 and read.json() == source


@pytest.mark.parametrize(("number", "status", "code"), [
    ("4000000000003295", 400, "source_failed"),          # DR's test card: "A Source is not created"
    ("4000000000003600", 201, None),                     # its charge fails later, the source is made
    ("4111111111111112", 400, "invalid_card_number"),
    ("4111 1111 1111", 400, "incomplete_card_number"),
])
def test_drs_test_cards_and_typing_errors(emulator: DigitalRiverEmulator, number: str, status: int,
                                           code: str | None) -> None:
    answer = _create(emulator, number)
    assert answer.status_code == status
    if code is not None:
        digital_river_spec().validate("Errors", answer.json())
        assert answer.json()["errors"][0]["code"] == code


def test_only_a_public_key_makes_card_sources_and_an_owner_needs_a_country(emulator: DigitalRiverEmulator) -> None:
    secret = emulator.connection_info(emulator.base_url)["secret_key"]
    assert _create(emulator, "4444222233331111", key=secret).status_code == 403
    assert _create(emulator, "4444222233331111", key="pk_").status_code == 401
    with _http(emulator, emulator.connection_info(emulator.base_url)["public_key"]) as http:
        nowhere = http.post("/sources", json={"type": "creditCard", "owner": {"firstName": "A"},
                                              "creditCard": {"number": "4444222233331111", "expirationMonth": 7,
                                                             "expirationYear": 2031, "cvv": "123"}})
        on_customers = http.get("/customers")
    assert (nowhere.status_code, nowhere.json()["errors"][0]["parameter"]) == (400, "owner.address.country")
    assert on_customers.status_code == 401  # the public key reaches nothing else


def test_saving_follows_drs_rules(emulator: DigitalRiverEmulator) -> None:
    source_id = _create(emulator, "4444222233331111").json()["id"]
    first, second = list(emulator._customers)[:2]
    emulator._customers[first] = {**emulator._customers[first], "sources": []}
    emulator._customers[first].pop("defaultSourceId", None)
    secret = emulator.connection_info(emulator.base_url)["secret_key"]
    spec = digital_river_spec()
    with _http(emulator, secret) as http:
        saved = http.post(f"/customers/{first}/sources/{source_id}")
        spec.validate("Source", saved.json())
        assert (saved.json()["reusable"], saved.json()["customerId"]) == (True, first)
        customer = http.get(f"/customers/{first}").json()
        spec.validate("Customer", customer)
        assert customer["defaultSourceId"] == source_id  # the first saved becomes the default
        in_use = http.post(f"/customers/{second}/sources/{source_id}")
        assert (in_use.status_code, in_use.json()["errors"][0]["code"]) == (409, "source_in_use")
        assert http.post(f"/customers/nobody/sources/{source_id}").status_code == 404
        assert http.delete(f"/customers/{first}/sources/{source_id}").status_code == 204
        again = http.post(f"/customers/{first}/sources/{source_id}")
        assert again.json() == {"type": "conflict", "errors": [{
            "code": "source_not_chargeable", "message": f"Source '{source_id}' is not chargeable.",
            "parameter": "sourceId"}]}
        unknown = http.post(f"/customers/{first}/sources/0b9a7c52-0000-4000-8000-000000000000")
        assert (unknown.status_code, unknown.json()["errors"][0]["code"]) == (404, "source_not_found")
        for answer in (in_use, again, unknown):
            spec.validate("Errors", answer.json())


def test_sources_survive_a_restart(tmp_path: Any) -> None:
    path = tmp_path / "dr.json"
    emulator = DigitalRiverEmulator(seed=4, customers=3, store_path=path)
    source_id = _create(emulator, "4444222233331111").json()["id"]
    emulator.flush()
    again = DigitalRiverEmulator(seed=4, customers=3, store_path=path)
    secret = again.connection_info(again.base_url)["secret_key"]
    with _http(again, secret) as http:
        assert http.get(f"/sources/{source_id}").json()["creditCard"]["lastFourDigits"] == "1111"
