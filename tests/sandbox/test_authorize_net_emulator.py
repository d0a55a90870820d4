"""The CIM emulator on its own: both formats, the byte-order mark, limits, duplicates, masking, unknown ids."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from console.sandbox.authorize_net import AuthorizeNetEmulator
from tests.support.anet_xml import json_to_xml, validate_xml


@pytest.fixture
def emulator() -> AuthorizeNetEmulator:
    return AuthorizeNetEmulator(seed=2, customers=5)


def _call(emulator: AuthorizeNetEmulator, operation: str, **elements: Any) -> dict[str, Any]:
    info = emulator.connection_info(emulator.base_url)
    body = {operation: {"merchantAuthentication": {"name": info["login_id"],
                                                   "transactionKey": info["transaction_key"]}, **elements}}
    answer = emulator.handle(httpx.Request("POST", info["base_url"], json=body))
    assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
    return json.loads(answer.content.decode("utf-8-sig"))


def _code(answer: dict[str, Any]) -> str:
    return answer["messages"]["message"][0]["code"]


def _card(number: str, zip_code: str = "10003") -> dict[str, Any]:
    return {"billTo": {"firstName": "Ada", "lastName": "Lovelace", "address": "12 Main St", "zip": zip_code},
            "payment": {"creditCard": {"cardNumber": number, "expirationDate": "2030-12"}}}


def test_xml_is_answered_in_xml_and_json_in_json(emulator: AuthorizeNetEmulator) -> None:
    info = emulator.connection_info(emulator.base_url)
    auth = {"merchantAuthentication": {"name": info["login_id"], "transactionKey": info["transaction_key"]}}
    xml = json_to_xml({"getCustomerProfileIdsRequest": auth})
    answer = emulator.handle(httpx.Request("POST", info["base_url"], content=xml.encode(),
                                           headers={"content-type": "text/xml"}))
    assert answer.headers["content-type"].startswith("application/xml")
    assert answer.content.startswith(b"\xef\xbb\xbf<?xml")
    validate_xml(answer.content)
    as_json = _call(emulator, "getCustomerProfileIdsRequest")
    assert list(as_json) == ["ids", "messages"] and len(as_json["ids"]) == 5


def test_errors_are_http_200_with_result_code_error(emulator: AuthorizeNetEmulator) -> None:
    missing = _call(emulator, "getCustomerProfileRequest", customerProfileId="1")
    assert missing["messages"]["resultCode"] == "Error" and _code(missing) == "E00040"
    info = emulator.connection_info(emulator.base_url)
    emulator.credentials = {"login_id": info["login_id"], "transaction_key": info["transaction_key"]}
    wrong = emulator.handle(httpx.Request("POST", info["base_url"], json={"authenticateTestRequest": {
        "merchantAuthentication": {"name": "nobody", "transactionKey": "0123456789abcdef"}}}))
    assert _code(json.loads(wrong.content.decode("utf-8-sig"))) == "E00007"
    too_long = _call(emulator, "createCustomerProfileRequest", profile={"merchantCustomerId": "X" * 21})
    assert _code(too_long) == "E00003" and "MaxLength" in too_long["messages"]["message"][0]["text"]
    empty = _call(emulator, "createCustomerProfileRequest", profile={})
    assert _code(empty) == "E00041"


def test_cards_are_masked_and_limited_to_ten(emulator: AuthorizeNetEmulator) -> None:
    made = _call(emulator, "createCustomerProfileRequest", profile={"email": "ada@example.com"})
    pid = made["customerProfileId"]
    numbers = [f"41111111111{n:05d}" for n in range(11)]
    answers = [_call(emulator, "createCustomerPaymentProfileRequest", customerProfileId=pid,
                     paymentProfile=_card(number)) for number in numbers]
    assert [a["messages"]["resultCode"] for a in answers[:10]] == ["Ok"] * 10
    assert _code(answers[10]) == "E00042"
    again = _call(emulator, "createCustomerPaymentProfileRequest", customerProfileId=pid,
                  paymentProfile=_card(numbers[0]))
    assert _code(again) == "E00039" and again["customerPaymentProfileId"] == answers[0]["customerPaymentProfileId"]
    profile = _call(emulator, "getCustomerProfileRequest", customerProfileId=pid)["profile"]
    cards = [p["payment"]["creditCard"] for p in profile["paymentProfiles"]]
    assert all(c["cardNumber"].startswith("XXXX") and len(c["cardNumber"]) == 8 for c in cards)
    assert all(c["expirationDate"] == "XXXX" for c in cards)
    assert not any(n in json.dumps(profile) for n in numbers)


def test_shipping_addresses_are_limited_to_a_hundred(emulator: AuthorizeNetEmulator) -> None:
    pid = _call(emulator, "createCustomerProfileRequest", profile={"email": "ship@example.com"})["customerProfileId"]
    codes = [_code(_call(emulator, "createCustomerShippingAddressRequest", customerProfileId=pid,
                         address={"firstName": "A", "address": f"{n} Main St", "zip": "10003"}))
             for n in range(101)]
    assert codes[:100] == ["I00001"] * 100 and codes[100] == "E00043"
    duplicate = _call(emulator, "createCustomerShippingAddressRequest", customerProfileId=pid,
                      address={"firstName": "A", "address": "1 Main St", "zip": "10003"})
    assert _code(duplicate) == "E00039"


def test_duplicate_profile_text_carries_the_id(emulator: AuthorizeNetEmulator) -> None:
    values = {"merchantCustomerId": "M-1", "description": "Ada", "email": "ada@example.com"}
    first = _call(emulator, "createCustomerProfileRequest", profile=values)
    second = _call(emulator, "createCustomerProfileRequest", profile=values)
    assert _code(second) == "E00039" and "customerProfileId" not in second
    assert second["messages"]["message"][0]["text"] == (
        f"A duplicate record with ID {first['customerProfileId']} already exists.")


def test_demo_data_has_payment_and_shipping_profiles() -> None:
    emulator = AuthorizeNetEmulator(seed=1)
    ids = _call(emulator, "getCustomerProfileIdsRequest")["ids"]
    assert len(ids) >= 500
    profiles = [emulator.profile(i) for i in ids[:100]]
    assert all(p and p["paymentProfiles"] for p in profiles)
    assert sum(1 for p in profiles if p and p["shipToList"]) > 30
