"""The CIM emulator's card calls at the wire: getHostedProfilePage and getCustomerPaymentProfileList in XML
(checked against AnetApiSchema.xsd) and JSON, and Accept Customer's addPayment page through the in-process
transport."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest

from console.domain.card_forms import CardFormKind, HostedCardForm
from console.domain.card_numbers import contains_card_number
from console.sandbox.authorize_net import AuthorizeNetEmulator
from tests.sandbox.error_shapes import BOM
from tests.support import card_browser
from tests.support.anet_xml import NS, json_to_xml, validate_xml

RETURN = "http://127.0.0.1:9/cb/return?state=xyz"


@pytest.fixture
def emulator() -> AuthorizeNetEmulator:
    return AuthorizeNetEmulator(seed=5, customers=120)


def _ask(emulator: AuthorizeNetEmulator, operation: str, elements: dict[str, Any], *, as_xml: bool) -> Any:
    """Send one request (validated against the schema when XML); the parsed answer (XML validated too)."""
    credentials = emulator.client_credentials()
    body = {operation: {"merchantAuthentication": {"name": credentials["login_id"],
                                                   "transactionKey": credentials["transaction_key"]}, **elements}}
    if as_xml:
        xml = json_to_xml(body)
        answer = emulator.handle(httpx.Request("POST", emulator.base_url, content=xml.encode(),
                                               headers={"content-type": "text/xml"}))
        assert answer.content.startswith(BOM)
        validate_xml(answer.content)
        return ET.fromstring(answer.content.removeprefix(BOM))
    answer = emulator.handle(httpx.Request("POST", emulator.base_url, json=body))
    return json.loads(answer.content.decode("utf-8-sig"))


def _code(root: ET.Element) -> str:
    return root.findtext(f"{{{NS}}}messages/{{{NS}}}message/{{{NS}}}code") or ""


def _month_with_cards(emulator: AuthorizeNetEmulator) -> tuple[str, list[tuple[int, str]]]:
    """The month most demo cards expire in, and those cards as (payment profile id, profile id) by id."""
    by_month: dict[str, list[tuple[int, str]]] = {}
    for profile_id, profile in emulator._customers.items():
        for payment in profile["paymentProfiles"]:
            by_month.setdefault(payment["expiration"], []).append((int(payment["customerPaymentProfileId"]),
                                                                    profile_id))
    month = max(by_month, key=lambda m: len(by_month[m]))
    return month, sorted(by_month[month])


def test_the_expiring_card_list_answers_in_schema_valid_xml_sorted_and_paged(emulator: AuthorizeNetEmulator) -> None:
    month, wanted = _month_with_cards(emulator)
    assert len(wanted) >= 5
    root = _ask(emulator, "getCustomerPaymentProfileListRequest",
                {"searchType": "cardsExpiringInMonth", "month": month,
                 "sorting": {"orderBy": "id", "orderDescending": True}, "paging": {"limit": 3, "offset": 2}},
                as_xml=True)
    assert _code(root) == "I00001"
    assert root.findtext(f"{{{NS}}}totalNumInResultSet") == str(len(wanted))
    items = root.findall(f"{{{NS}}}paymentProfiles/{{{NS}}}paymentProfile")
    newest_first = list(reversed(wanted))
    assert [(int(i.findtext(f"{{{NS}}}customerPaymentProfileId") or 0), i.findtext(f"{{{NS}}}customerProfileId"))
            for i in items] == newest_first[3:6]
    card = items[0].find(f"{{{NS}}}payment/{{{NS}}}creditCard")
    assert card is not None and card.findtext(f"{{{NS}}}cardNumber", "").startswith("XXXX")
    assert card.findtext(f"{{{NS}}}expirationDate") == "XXXX"


def test_the_expiring_card_list_in_json_has_int_ids_and_flat_items(emulator: AuthorizeNetEmulator) -> None:
    month, wanted = _month_with_cards(emulator)
    body = _ask(emulator, "getCustomerPaymentProfileListRequest",
                {"searchType": "cardsExpiringInMonth", "month": month}, as_xml=False)
    assert body["totalNumInResultSet"] == len(wanted)
    assert [(p["customerPaymentProfileId"], str(p["customerProfileId"])) for p in body["paymentProfiles"]] == wanted
    assert all(isinstance(p["customerProfileId"], int) and "billTo" in p for p in body["paymentProfiles"])
    none = _ask(emulator, "getCustomerPaymentProfileListRequest",
                {"searchType": "cardsExpiringInMonth", "month": "1999-01"}, as_xml=True)
    assert (_code(none), none.findtext(f"{{{NS}}}totalNumInResultSet")) == ("I00001", "0")
    assert none.find(f"{{{NS}}}paymentProfiles") is None


@pytest.mark.parametrize(("elements", "code"), [
    ({"searchType": "cardsExpiringSoon", "month": "2029-01"}, "E00003"),
    ({"month": "2029-01"}, "E00003"),
    ({"searchType": "cardsExpiringInMonth", "month": "2029-01", "paging": {"limit": 0, "offset": 1}}, "E00003"),
    ({"searchType": "cardsExpiringInMonth", "month": "2029-01", "paging": {"limit": 10}}, "E00003"),
    ({"searchType": "cardsExpiringInMonth", "month": "2029-01", "sorting": {"orderBy": "date",
                                                                           "orderDescending": False}}, "E00003"),
    ({"searchType": "cardsExpiringInMonth", "month": "01/2029"}, "E00013"),
])
def test_a_malformed_expiring_card_query_is_refused(emulator: AuthorizeNetEmulator, elements: dict[str, Any],
                                                    code: str) -> None:
    body = _ask(emulator, "getCustomerPaymentProfileListRequest", elements, as_xml=False)
    assert body["messages"]["resultCode"] == "Error"
    assert body["messages"]["message"][0]["code"] == code
    assert body["totalNumInResultSet"] == 0  # an xs:int the service's serializer always writes


def test_a_refused_expiring_card_query_still_answers_schema_valid_xml(emulator: AuthorizeNetEmulator) -> None:
    root = _ask(emulator, "getCustomerPaymentProfileListRequest",
                {"searchType": "cardsExpiringInMonth", "month": "2029"}, as_xml=True)
    assert (_code(root), root.findtext(f"{{{NS}}}totalNumInResultSet")) == ("E00013", "0")


def _settings(**values: str) -> dict[str, Any]:
    return {"setting": [{"settingName": k, "settingValue": v} for k, v in values.items()]}


def test_a_hosted_page_token_comes_in_schema_valid_xml_for_a_known_profile(emulator: AuthorizeNetEmulator) -> None:
    profile_id = next(iter(emulator._customers))
    root = _ask(emulator, "getHostedProfilePageRequest",
                {"customerProfileId": profile_id, "hostedProfileSettings": _settings(hostedProfileReturnUrl=RETURN)},
                as_xml=True)
    assert _code(root) == "I00001" and len(root.findtext(f"{{{NS}}}token") or "") > 32
    unknown = _ask(emulator, "getHostedProfilePageRequest", {"customerProfileId": "1"}, as_xml=False)
    assert unknown["messages"]["message"][0]["code"] == "E00040" and "token" not in unknown
    odd = _ask(emulator, "getHostedProfilePageRequest",
               {"customerProfileId": profile_id, "hostedProfileSettings": _settings(hostedPaymentReturnOptions="{}")},
               as_xml=False)
    assert odd["messages"]["message"][0]["code"] == "E00013"


def _form(emulator: AuthorizeNetEmulator, profile_id: str, **settings: str) -> HostedCardForm:
    """The hand-over form for a new token, as the client would build it for the in-process transport."""
    body = _ask(emulator, "getHostedProfilePageRequest",
                {"customerProfileId": profile_id,
                 "hostedProfileSettings": _settings(hostedProfileReturnUrl=RETURN, **settings)}, as_xml=False)
    return HostedCardForm(kind=CardFormKind.SUBMIT, title="t", fields={"token": body["token"]},
                          action=emulator.base_url.split("/xml/")[0] + "/customer/addPayment")


def test_the_add_payment_page_works_through_the_in_process_transport(emulator: AuthorizeNetEmulator) -> None:
    profile_id = next(iter(emulator._customers))
    before = len(emulator._customers[profile_id]["paymentProfiles"])
    with httpx.Client(transport=emulator.sync_transport()) as browser:
        opened = _form(emulator, profile_id)
        first = browser.post(opened.action, data=opened.fields)
        assert first.status_code == 200 and first.headers["content-type"].startswith("text/html")
        assert 'id="card-form"' in first.text and 'name="card_number"' in first.text
        visit = card_browser.play(browser, _form(emulator, profile_id),
                                  {**card_browser.TEST_CARD, "card_number": "4007000000027"}, stop_at=RETURN)
    assert visit.final.status_code == 303 and visit.final.headers["location"] == RETURN
    payments = emulator._customers[profile_id]["paymentProfiles"]
    assert len(payments) == before + 1
    assert {k: payments[-1][k] for k in ("issuer", "last4", "cardType", "expiration")} == {
        "issuer": "400700", "last4": "0027", "cardType": "Visa", "expiration": "2030-12"}
    # Neither the stored profile nor the request log keeps the number or the code.
    assert not contains_card_number(json.dumps(payments[-1]))
    logged = [r.body.decode() for r in emulator.requests if r.path == "/customer/addPayment"]
    assert logged and not any(contains_card_number(b) or "cvv=123" in b for b in logged)


@pytest.mark.parametrize(("settings", "card", "message"), [
    ({"hostedProfileCardCodeRequired": "true"}, {"cvv": ""}, "The card code is invalid."),
    ({"hostedProfileBillingAddressRequired": "true"}, {}, "First name is required."),
    # The sandbox's decline ZIP declines only a live validation; a test-mode check never reaches a processor.
    ({"hostedProfileValidationMode": "liveMode"}, {"zip": "46282"}, "This transaction has been declined."),
    ({"hostedProfileValidationMode": "testMode"}, {"zip": "46282"}, ""),
])
def test_the_page_applies_the_settings_the_token_was_given(emulator: AuthorizeNetEmulator, settings: dict[str, str],
                                                           card: dict[str, str], message: str) -> None:
    profile_id = next(iter(emulator._customers))
    with httpx.Client(transport=emulator.sync_transport()) as browser:
        visit = card_browser.play(browser, _form(emulator, profile_id, **settings),
                                  {**card_browser.TEST_CARD, "card_number": "4012888818888", **card}, stop_at=RETURN)
    assert visit.error == message
    assert visit.final.is_redirect == (not message)


@pytest.mark.parametrize(("number", "brand"), [
    ("4007000000027", "Visa"), ("5424000000000015", "MasterCard"), ("2223000010309703", "MasterCard"),
    ("370000000000002", "AmericanExpress"), ("6011000000000012", "Discover"), ("3088000000000017", "JCB"),
    ("38000000000006", "DinersClub")])
def test_a_saved_test_card_is_named_by_its_brand(emulator: AuthorizeNetEmulator, number: str, brand: str) -> None:
    profile_id = next(iter(emulator._customers))
    with httpx.Client(transport=emulator.sync_transport()) as browser:
        visit = card_browser.play(browser, _form(emulator, profile_id),
                                  {**card_browser.TEST_CARD, "card_number": number, "cvv": "1234"}, stop_at=RETURN)
    assert visit.final.is_redirect, visit.error
    saved = emulator._customers[profile_id]["paymentProfiles"][-1]
    assert (saved["cardType"], saved["last4"], saved["issuer"]) == (brand, number[-4:], number[:6])
