"""A Digital River demo account adds a card end to end: the account opens through the production
open_session path, which takes the public key the card form needs from the emulator's connection
info, and the emulator's card page, served on loopback, plays DigitalRiver.js."""

from __future__ import annotations

import httpx

from console.domain.card_forms import CardFormCompletion, CardFormKind
from tests.sandbox.conftest import serving
from tests.services.conftest import OpenDemo
from tests.support import card_browser

RETURN_PREFIX = "http://127.0.0.1:9/cb-demo/return"


async def test_a_demo_customer_gets_a_test_card(open_demo: OpenDemo) -> None:
    demo = await open_demo("digital-river")
    provider = demo.session.provider
    assert str(provider.config.options["public_key"]).startswith("pk_test_")
    customer = await provider.get(next(iter(demo.emulator._customers)))
    with serving(demo.emulator) as server:
        form = await provider.card_form(customer, return_url=f"{RETURN_PREFIX}?state=s", form_origin=server.base_url)
        assert form.kind is CardFormKind.SUBMIT
        with httpx.Client() as browser:
            visit = card_browser.play(browser, form, stop_at=RETURN_PREFIX)
    source_id = httpx.URL(visit.final.headers["location"]).params["source_id"]
    saved = await provider.attach_card(customer, CardFormCompletion(fields={"source_id": source_id}),
                                       idempotency_key="k")
    added = [c for c in saved.payment_methods if c.id == source_id]
    assert [(c.brand, c.last4, c.exp_month, c.exp_year) for c in added] == [("Visa", "1111", 12, 2030)]
    assert len(saved.payment_methods) == len(customer.payment_methods) + 1
