"""PayArc has no hosted card form or browser tokenizer, so Add card opens PayArc's dashboard and says why;
the client refuses a card form rather than pretending to offer one."""

from __future__ import annotations

import httpx
import pytest

from console.domain import errors as e
from console.domain.card_forms import CardFormCompletion
from console.domain.customer import Customer
from console.providers.base import ProviderConfig
from console.providers.payarc import CAPABILITIES, PayArcProvider


def test_the_declaration_sends_staff_to_the_dashboard_and_says_why() -> None:
    spec = CAPABILITIES.card_form
    assert spec is not None and not spec.hosted
    assert "card number" in spec.note and "dashboard" in spec.note  # why, and what to do instead
    assert len(spec.note) < 300 and spec.note.count(". ") <= 2
    assert spec.required_options == () and spec.required_credentials == ()
    assert {"production", "sandbox"} <= set(CAPABILITIES.dashboard.home)


async def test_the_client_refuses_a_card_form_and_sends_nothing() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing should be sent: {request.url}")

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        client = PayArcProvider(ProviderConfig(base_url="https://testapi.payarc.net/v1", credentials={"token": "t"}),
                                http)
        someone = Customer(id="KPxMADVnxMV4nNjp", given_name="Ada")
        with pytest.raises(e.NotSupportedError, match="PayArc"):
            await client.card_form(someone, return_url="http://127.0.0.1:9/x/return?state=s")
        with pytest.raises(e.NotSupportedError, match="PayArc"):
            await client.card_form(someone, return_url="http://127.0.0.1:9/x/return?state=s",
                                   form_origin="http://127.0.0.1:8")
        with pytest.raises(e.NotSupportedError, match="PayArc"):
            await client.attach_card(someone, CardFormCompletion(fields={"token_id": "x"}), idempotency_key="k")
