"""Add card: the one-time loopback page, the provider's hosted form in the browser, then the attach.

The card number is typed only into the provider's page (or, in demo mode, the emulator's copy of
it, served on loopback while the form is open); the console receives a token or a bare completion
and attaches the card through the provider's API, on the service's one write path.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit

from console.domain import errors as e
from console.domain.card_forms import CardFormSpec
from console.domain.customer import Customer, PaymentMethod
from console.domain.hosts import is_loopback_host
from console.services.accounts import AccountSession
from console.services.card_form_server import TIME_LIMIT_SECONDS, CardFormServer
from console.services.demo import DemoSandbox

log = logging.getLogger(__name__)


def card_form_spec(session: AccountSession) -> CardFormSpec | None:
    """How the account's provider takes new cards, or None where the console cannot add one."""
    return session.service.capabilities.card_form


def card_form_problem(session: AccountSession) -> str | None:
    """Why Add card cannot open the provider's form for this account, or None when it can."""
    spec = card_form_spec(session)
    name = session.service.provider_name
    if spec is None:
        return f"{name} cards cannot be added from the console."
    if not spec.hosted:
        return spec.note or f"{name} offers no card form the console can open."
    if session.account.read_only:
        return "This account is set to read-only."
    if session.account.is_demo:
        return None
    options = session.provider.config.options
    credentials = session.provider.config.credentials
    missing = [key for key in spec.required_options if not options.get(key)]
    missing += [key for key in spec.required_credentials if not credentials.get(key)]
    if missing:
        labels = _labels(session, missing)
        return (f"Adding a card needs the {labels} of this {name} account. "
                "Enter it in File → Accounts….")
    return None


def _labels(session: AccountSession, keys: list[str]) -> str:
    info = session.account.info
    known = {f.key: f.label for f in info.options} | {f.key: f.label for f in info.credentials}
    names = [known.get(key, key.replace("_", " ")) for key in keys]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def new_cards(before: Customer, after: Customer) -> list[PaymentMethod]:
    """The cards `after` has that `before` did not (by id)."""
    known = {m.id for m in before.payment_methods}
    return [m for m in after.payment_methods if m.id not in known]


class CardCapture:
    """One run of Add card for one customer; `cancel()` (or the time limit) ends it with nothing attached."""

    def __init__(self, session: AccountSession, customer: Customer, *, demo: DemoSandbox,
                 time_limit: float = TIME_LIMIT_SECONDS) -> None:
        self.session = session
        self.customer = customer
        self.demo = demo
        self.server = CardFormServer(time_limit=time_limit, provider=session.service.provider_name)

    async def run(self, open_page: Callable[[str], object]) -> Customer:
        """Open the form in the browser (`open_page` gets the loopback URL), wait, attach; the updated customer."""
        if problem := card_form_problem(self.session):
            raise e.NotSupportedError(problem, provider=self.session.service.provider_name)
        service = self.session.service
        # Production confirmation (and read-only) are settled before anyone types a card.
        await service.ready_to_write()
        try:
            async with self._form_origin() as origin:
                await self.server.start()
                form = await self.session.provider.card_form(self.customer, return_url=self.server.return_url,
                                                             form_origin=origin)
                self.server.show(form)
                open_page(self.server.page_url)
                completion = await self.server.completion()
        finally:
            await self.server.close()
        log.info("card form completed for %s; attaching (%s)", self.customer.id, ", ".join(completion.fields) or
                 "no token: saved by the provider")
        updated = await service.attach_card(self.customer, completion)
        added = new_cards(self.customer, updated)
        log.info("card attached: %s", ", ".join(m.masked() for m in added) or "no new card listed")
        return updated

    async def cancel(self) -> None:
        await self.server.close()

    @contextlib.asynccontextmanager
    async def _form_origin(self) -> AsyncIterator[str | None]:
        """Where the provider's form is: the emulator's address (demo, or a loopback override), else the provider's."""
        session = self.session
        if session.account.is_demo:
            async with self.demo.served(session.account.info.key) as origin:
                yield origin
            return
        base = session.provider.config.base_url
        host = urlsplit(base).hostname or ""
        yield base.rstrip("/") if is_loopback_host(host) else None
