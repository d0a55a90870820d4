"""PayArc client at the wire, against the PayArc emulator: bodies, paging, ids, timestamps, errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.validation import check_value
from console.providers.base import ProviderConfig
from console.providers.payarc import CAPABILITIES, PayArcProvider, customer_from_wire
from console.sandbox.payarc import PayArcEmulator
from console.sandbox.payarc.emulator import check_fields
from tests.support.boundaries import email_of_length, length_bounds

NEW = {"given_name": "Grace Hopper", "email": "grace@example.com", "phone": "2025550143",
       "description": "Navy customer", "address.city": "Arlington", "address.postal_code": "22201-1234"}


@pytest.fixture
def emulator() -> PayArcEmulator:
    return PayArcEmulator(seed=3, customers=230)


async def _client(emulator: PayArcEmulator, encoding: str = "form") -> AsyncIterator[PayArcProvider]:
    info = emulator.connection_info(emulator.base_url)
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        yield PayArcProvider(ProviderConfig(base_url=info["base_url"], credentials={"token": info["token"]},
                                            options={"body_encoding": encoding}), http)


@pytest.fixture
async def payarc(emulator: PayArcEmulator) -> AsyncIterator[PayArcProvider]:
    async for client in _client(emulator):
        yield client


@pytest.mark.parametrize("encoding", ["form", "json"])
async def test_create_and_update_in_either_body_encoding(emulator: PayArcEmulator, encoding: str) -> None:
    async for payarc in _client(emulator, encoding):
        created = await payarc.create(CustomerChanges(values=NEW), idempotency_key="unused")
        sent = emulator.requests[-1]
        expected_type = "application/x-www-form-urlencoded" if encoding == "form" else "application/json"
        assert sent.headers["content-type"].startswith(expected_type)
        fields = dict(parse_qsl(sent.body.decode())) if encoding == "form" else json.loads(sent.body)
        assert fields == {"name": "Grace Hopper", "email": "grace@example.com", "phone": "2025550143",
                          "description": "Navy customer", "city": "Arlington", "zip": "22201-1234"}
        assert sent.headers["accept"] == "application/json"
        assert created.given_name == "Grace Hopper" and created.value("address.postal_code") == "22201-1234"
        updated = await payarc.update(created, CustomerChanges(values={"cc_email_address": "books@example.com"}))
        patch = emulator.requests[-1]
        assert patch.method == "PATCH" and patch.path.endswith(f"/customers/{created.id}")
        assert updated.value("cc_email_address") == "books@example.com"
        assert emulator.customer(created.id)["cc_email_address"] == "books@example.com"  # type: ignore[index]


async def test_pages_to_the_end(payarc: PayArcProvider, emulator: PayArcEmulator) -> None:
    pages = [page async for page in payarc.iter_pages()]
    assert [len(p.customers) for p in pages] == [100, 100, 30]
    assert pages[0].total == 230
    assert [r.params["page"] for r in emulator.requests] == ["1", "2", "3"]
    ids = [c.id for p in pages for c in p.customers]
    assert len(set(ids)) == 230


async def test_errors_map_to_fields_and_statuses(payarc: PayArcProvider) -> None:
    with pytest.raises(e.InvalidInputError) as invalid:
        await payarc.create(CustomerChanges(values={"given_name": "Anne-Marie", "phone": "+1 202 555"}),
                            idempotency_key="k")
    assert set(invalid.value.field_errors) == {"given_name", "phone"}
    assert "letters and spaces" in invalid.value.field_errors["given_name"]
    with pytest.raises(e.NotFoundError):
        await payarc.get("NoSuchCustomer00")
    created = await payarc.create(CustomerChanges(values=NEW), idempotency_key="k2")
    await payarc.delete(created)
    with pytest.raises(e.NotFoundError):
        await payarc.delete(created)


async def test_wrong_token_and_put_are_refused(emulator: PayArcEmulator) -> None:
    async with httpx.AsyncClient(transport=emulator.transport()) as http:
        base = emulator.connection_info(emulator.base_url)["base_url"]
        wrong = PayArcProvider(ProviderConfig(base_url=base, credentials={"token": "nope"}), http)
        emulator.credentials = {"token": "the-right-one"}
        with pytest.raises(e.AuthenticationError):
            await wrong.test_connection()
        put = await http.put(f"{base}/customers/x", headers={"Authorization": "Bearer the-right-one"})
        assert put.status_code == 405


def test_reads_the_id_and_both_timestamp_forms() -> None:
    current = customer_from_wire({"customer_id": "KPxMADVnxMV4nNjp", "name": "John Smith", "created_at": 1700000000,
                                  "description": None, "zip": 10469, "phone": 541754301,
                                  "card": {"data": [{"id": "c1", "brand": "V", "first6digit": 411111,
                                                     "last4digit": "1111", "exp_month": "4", "exp_year": "2029",
                                                     "is_default": 1}]}})
    assert current.id == "KPxMADVnxMV4nNjp"
    assert current.created_at == datetime.fromtimestamp(1700000000, UTC)
    assert current.value("address.postal_code") == "10469" and current.phone == "541754301"
    (card,) = current.payment_methods
    assert (card.masked(), card.expiry(), card.is_default, card.first6) == ("Visa •••• 1111", "04/29", True, "411111")
    older = customer_from_wire({"id": "MKNDnpVNAnVA4jxP", "real_id": 110, "created_at": "2018-11-27 07:36:58"})
    assert older.id == "MKNDnpVNAnVA4jxP"
    assert older.created_at == datetime(2018, 11, 27, 7, 36, 58, tzinfo=UTC)
    with pytest.raises(e.ProtocolError) as unreadable:
        customer_from_wire({"name": "No Id"})
    assert unreadable.value.field == "data.customer_id"


# -- the dialog's rules and the server's rules agree ----------------------------------------------

_WIRE = {"given_name": "name", "description": "description", "address.line1": "address_1", "address.city": "city",
         "address.state": "state", "address.postal_code": "zip", "address.country": "country", "phone": "phone"}
T = TypeVar("T")
_TEXT = st.text(alphabet=st.sampled_from("abcXYZ '-.09éØ+()"), max_size=60)


_BOUNDS = [b for b in length_bounds() if b.provider == "payarc" and b.collection is None]


def _at_every_bound(keys: set[str]) -> Callable[[T], T]:
    """@example at min−1, min, max and max+1 of each field's rule: random text rarely lands there."""
    def decorate(test: T) -> T:
        for bound in _BOUNDS:
            if bound.spec.key in keys:
                test = example(bound.spec.key, bound.value())(test)
        return test
    return decorate


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(_WIRE)), _TEXT)
@_at_every_bound(set(_WIRE))
def test_what_the_dialog_accepts_payarc_accepts_and_vice_versa(key: str, text: str) -> None:
    value = text.strip()
    if not value:
        return
    client_ok = check_value(CAPABILITIES.field(key), value) is None
    server_ok = not check_fields({_WIRE[key]: value})
    assert client_ok == server_ok, (key, value)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["email", "send_email_address", "cc_email_address"]),
       st.emails().filter(lambda m: len(m) <= 60))
@_at_every_bound({"email", "send_email_address", "cc_email_address"})
@example("send_email_address", email_of_length(5))
def test_emails_the_dialog_accepts_payarc_accepts(key: str, email: str) -> None:
    if check_value(CAPABILITIES.field(key), email) is None:
        assert not check_fields({key: email})
    elif len(email) > CAPABILITIES.field(key).max_length:  # type: ignore[operator]
        assert key in check_fields({key: email})


@given(st.text(alphabet=st.sampled_from("0123456789 +-()."), min_size=1, max_size=20))
@example("1")
@example("12")
@example("12345678901")
@example("123456789012")
@example("+1 541 754 3010")
def test_a_phone_typed_with_punctuation_is_offered_as_digits(text: str) -> None:
    problem = check_value(CAPABILITIES.field("phone"), text)
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.isdigit() and 2 <= len(text) <= 11:
        assert problem is None
        return
    assert problem is not None
    if problem.suggestion is not None:
        assert problem.suggestion == digits and not check_fields({"phone": digits})

