"""Add card end to end for every provider with a hosted form: the loopback page, the emulator's copy of
the provider's form in a (played) browser, the attach, and the masked card on the customer."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
import pytest

from console.domain import errors as e
from console.domain.card_numbers import find_card_numbers
from console.domain.customer import Customer
from console.providers.registry import providers
from console.services.card_capture import CardCapture, card_form_problem, new_cards
from console.services.card_form_server import CardFormClosed
from console.services.write_confirmation import WriteConfirmations
from tests.services.conftest import Demo, OpenDemo
from tests.support import card_browser
from tests.support.card_traffic import texts_of

HOSTED = [info.key for info in providers() if info.capabilities.card_form is not None
          and info.capabilities.card_form.hosted]
NOT_HOSTED = [info.key for info in providers() if info.capabilities.card_form is not None
              and not info.capabilities.card_form.hosted]


async def a_customer(demo: Demo) -> Customer:
    await demo.service.load()
    index = demo.service.index
    return await demo.service.fetch(index.at(index.alive()[0]).id)


class PlayedBrowser:
    """What `open_page` gets: plays the browser in a thread, as a person would in theirs."""

    def __init__(self, card: dict[str, str] | None = None) -> None:
        self.card = card
        self.visit: asyncio.Future[card_browser.BrowserVisit] | None = None
        self.url = ""

    def __call__(self, url: str) -> None:
        self.url = url

        def play() -> card_browser.BrowserVisit:
            with httpx.Client(timeout=10) as client:
                return card_browser.play(client, url, self.card)

        self.visit = asyncio.ensure_future(asyncio.to_thread(play))

    async def finished(self) -> card_browser.BrowserVisit:
        assert self.visit is not None, "the page was never opened"
        return await self.visit


def loopback_traffic(visit: card_browser.BrowserVisit, page_url: str) -> list[str]:
    origin = urlsplit(page_url).netloc
    return [text for r in visit.responses if urlsplit(str(r.request.url)).netloc == origin
            for text in (str(r.request.url), r.request.content.decode(errors="replace"), r.text)]


@pytest.mark.parametrize("provider", HOSTED)
async def test_a_test_card_typed_into_the_providers_form_appears_masked_on_the_customer(
        open_demo: OpenDemo, provider: str) -> None:
    demo = await open_demo(provider)
    customer = await a_customer(demo)
    browser = PlayedBrowser()
    capture = CardCapture(demo.session, customer, demo=demo.sandbox)
    updated = await capture.run(browser)
    visit = await browser.finished()
    added = new_cards(customer, updated)
    assert len(added) == 1, f"{provider}: {updated.payment_methods}"
    assert added[0].last4 == "1111" and (added[0].exp_month, added[0].exp_year) == (12, 2030)
    assert "finished" in visit.final.text
    assert not capture.server.is_open
    # The number went only to the (emulated) provider: not through the console's API traffic, nor
    # through the loopback page.
    seen = [text for body in demo.wire.traffic + loopback_traffic(visit, browser.url) for text in texts_of(body)]
    assert [find_card_numbers(t) for t in seen if find_card_numbers(t)] == []
    assert (await demo.service.fetch(customer.id)).payment_methods == updated.payment_methods


@pytest.mark.parametrize("provider", HOSTED)
async def test_cancel_leaves_nothing_attached_and_the_page_closed(open_demo: OpenDemo, provider: str) -> None:
    demo = await open_demo(provider)
    customer = await a_customer(demo)
    capture = CardCapture(demo.session, customer, demo=demo.sandbox)
    opened: list[str] = []
    cancelling: list[asyncio.Future[None]] = []

    def open_page(url: str) -> None:
        opened.append(url)
        cancelling.append(asyncio.ensure_future(capture.cancel()))

    with pytest.raises(CardFormClosed, match="cancelled"):
        await capture.run(open_page)
    assert opened and not capture.server.is_open
    assert (await demo.service.fetch(customer.id)).payment_methods == customer.payment_methods


async def test_the_time_limit_leaves_nothing_attached(open_demo: OpenDemo) -> None:
    demo = await open_demo(HOSTED[0])
    customer = await a_customer(demo)
    capture = CardCapture(demo.session, customer, demo=demo.sandbox, time_limit=0.2)
    with pytest.raises(CardFormClosed, match="not completed within"):
        await capture.run(lambda _url: None)
    assert (await demo.service.fetch(customer.id)).payment_methods == customer.payment_methods


async def test_a_forged_return_leaves_nothing_attached(open_demo: OpenDemo) -> None:
    demo = await open_demo(HOSTED[0])
    customer = await a_customer(demo)
    capture = CardCapture(demo.session, customer, demo=demo.sandbox)
    answers: list[int] = []
    sending: list[asyncio.Future[None]] = []

    def forge(_url: str) -> None:
        forged = capture.server.return_url.split("state=")[0] + "state=guessed&token=tok_x"

        async def send() -> None:
            async with httpx.AsyncClient() as client:
                answers.append((await client.get(forged)).status_code)

        sending.append(asyncio.ensure_future(send()))

    with pytest.raises(CardFormClosed, match="wrong security value"):
        await capture.run(forge)
    await asyncio.gather(*sending)
    assert answers == [400]
    assert (await demo.service.fetch(customer.id)).payment_methods == customer.payment_methods


async def test_a_production_account_asks_before_the_browser_opens(open_demo: OpenDemo) -> None:
    demo = await open_demo(HOSTED[0], confirmations=WriteConfirmations())
    customer = await a_customer(demo)
    asked: list[bool] = []

    async def decline() -> bool:
        asked.append(True)
        return False

    demo.service.confirm_first_write = decline
    opened: list[str] = []
    with pytest.raises(e.CancelledByUserError):
        await CardCapture(demo.session, customer, demo=demo.sandbox).run(opened.append)
    assert asked == [True] and opened == []


@pytest.mark.parametrize("provider", NOT_HOSTED)
async def test_a_provider_without_a_hosted_form_says_why(open_demo: OpenDemo, provider: str) -> None:
    demo = await open_demo(provider)
    problem = card_form_problem(demo.session)
    assert problem and "dashboard" in problem.lower()
    with pytest.raises(e.NotSupportedError):
        await CardCapture(demo.session, await a_customer(demo), demo=demo.sandbox).run(lambda _u: None)
