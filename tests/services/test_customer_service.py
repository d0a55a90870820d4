"""CustomerService's safety nets, each outcome made to happen on purpose against a real emulator.

A write whose answer is lost is read back: landed means saved (with the provider's copy), not
landed means the error, and a change by someone else meanwhile means a stale-version error with
their copy. A create whose answer is lost is found, or reported, and never made twice. A field
the provider cannot clear is refused before anything is sent. One fault, on one chosen request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.providers.http import RetryPolicy
from console.sandbox.base import Emulator
from console.services.accounts import AccountSession, demo_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.secrets import MemorySecrets

SEEDED = 30
# One attempt per call: a single lost answer reaches the service, which must then read back.
ONE_ATTEMPT = RetryPolicy(attempts=1)
WRITES = {"POST", "PUT", "PATCH"}


class Wire(httpx.AsyncBaseTransport):
    """The emulator's transport, with one fault aimed at one request and something done before another."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.inner = emulator.transport()
        self._fault: tuple[str, bool] | None = None
        self._read_back: Callable[[], Awaitable[None]] | None = None
        self._wrote = False
        self.log: list[str] = []

    def lose_next_write(self, *, applied: bool) -> None:
        """The next POST/PUT/PATCH loses its answer, after being applied or not."""
        self._fault = ("timeout", applied)

    def before_read_back(self, action: Callable[[], Awaitable[None]]) -> None:
        """Run `action` just before the first GET that follows the next write (the service's read-back)."""
        self._read_back, self._wrote = action, False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request.method)
        if request.method in WRITES:
            self._wrote = True
            if self._fault is not None:
                kind, applied = self._fault
                self._fault = None
                self.emulator.fail_next(kind, applied_first=applied)
        elif request.method == "GET" and self._wrote and self._read_back is not None:
            action, self._read_back = self._read_back, None
            await action()
        return await self.inner.handle_async_request(request)


@dataclass
class Setup:
    session: AccountSession
    colleague: AccountSession   # another user of the same account, on their own client
    wire: Wire

    @property
    def service(self) -> Any:
        return self.session.service

    async def fresh(self, customer: Customer) -> Customer:
        return await self.colleague.provider.get(customer.id)


async def _setup(tmp_path: Path, key: str) -> Setup:
    demo = DemoSandbox(tmp_path / "demo", latency_ms=0, customers={key: SEEDED})
    account = next(a for a in demo_accounts(demo) if a.info.key == key)
    colleague = await open_session(account, secrets=MemorySecrets(), demo=demo)
    wire = Wire(demo.emulator(key))
    demo.transport = lambda _key: wire  # type: ignore[method-assign]
    session = await open_session(account, secrets=MemorySecrets(), demo=demo)
    session.provider.http.policy = ONE_ATTEMPT  # type: ignore[attr-defined]
    return Setup(session, colleague, wire)


@pytest.fixture
async def setups(tmp_path: Path) -> AsyncIterator[Callable[[str], Awaitable[Setup]]]:
    opened: list[Setup] = []

    async def make(key: str) -> Setup:
        setup = await _setup(tmp_path / key, key)
        opened.append(setup)
        return setup

    yield make
    for setup in opened:
        await setup.session.aclose()
        await setup.colleague.aclose()


# A versioned provider (Square) and an unversioned one (PayArc): the field edited, ours and theirs.
EDITS = {"square": ("company", "Ours Ltd", "Theirs Ltd"),
         "payarc": ("description", "Our description", "Their description")}


async def _some_customer(setup: Setup, field: str, *avoid: str) -> Customer:
    page = await anext(aiter(setup.session.provider.iter_pages()))
    return next(c for c in page.customers if c.value(field) not in avoid)


# -- updates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(EDITS))
async def test_an_update_that_landed_but_lost_its_answer_is_saved(setups: Any, key: str) -> None:
    setup = await setups(key)
    field, ours, theirs = EDITS[key]
    original = await _some_customer(setup, field, ours, theirs)
    setup.wire.lose_next_write(applied=True)
    setup.wire.log.clear()
    saved = await setup.service.update(original, CustomerChanges(values={field: ours}))
    provider_copy = await setup.fresh(original)
    assert saved.value(field) == ours == provider_copy.value(field)
    assert saved.version == provider_copy.version   # the provider's copy, not ours made up
    assert setup.wire.log[-1] == "GET"               # it was read back, not assumed
    assert setup.service.index.get(original.id).value(field) == ours


@pytest.mark.parametrize("key", sorted(EDITS))
async def test_an_update_that_did_not_land_is_an_error_not_saved(setups: Any, key: str) -> None:
    setup = await setups(key)
    field, ours, theirs = EDITS[key]
    original = await _some_customer(setup, field, ours, theirs)
    setup.wire.lose_next_write(applied=False)
    with pytest.raises(e.UnavailableError) as raised:
        await setup.service.update(original, CustomerChanges(values={field: ours}))
    assert raised.value.retryable                    # the dialog says: press Save again
    assert (await setup.fresh(original)).value(field) == original.value(field)
    # Pressing Save again sends it this time.
    saved = await setup.service.update(original, CustomerChanges(values={field: ours}))
    assert (await setup.fresh(original)).value(field) == ours == saved.value(field)


@pytest.mark.parametrize("landed", [True, False], ids=["ours-landed-first", "ours-never-landed"])
@pytest.mark.parametrize("key", sorted(EDITS))
async def test_an_update_changed_by_someone_else_meanwhile_is_stale(setups: Any, key: str, landed: bool) -> None:
    setup = await setups(key)
    field, ours, theirs = EDITS[key]
    original = await _some_customer(setup, field, ours, theirs)

    async def colleague_saves() -> None:
        latest = await setup.colleague.provider.get(original.id)
        await setup.colleague.provider.update(latest, CustomerChanges(values={field: theirs}))

    setup.wire.lose_next_write(applied=landed)
    setup.wire.before_read_back(colleague_saves)
    with pytest.raises(e.StaleVersionError) as raised:
        await setup.service.update(original, CustomerChanges(values={field: ours}))
    current = raised.value.current
    assert current is not None and current.value(field) == theirs
    assert (await setup.fresh(original)).value(field) == theirs   # theirs is kept, not overwritten
    assert setup.service.index.get(original.id).value(field) == theirs


async def test_square_retry_refused_as_stale_finds_our_landed_update(setups: Any) -> None:
    """With retries on, the retried PUT carries the old version; the read-back shows it was ours."""
    setup = await setups("square")
    setup.session.provider.http.policy = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)
    field, ours, theirs = EDITS["square"]
    original = await _some_customer(setup, field, ours, theirs)
    setup.wire.lose_next_write(applied=True)
    saved = await setup.service.update(original, CustomerChanges(values={field: ours}))
    assert saved.value(field) == ours == (await setup.fresh(original)).value(field)
    assert setup.wire.log.count("PUT") == 2


async def test_saving_again_after_an_unknown_outcome_is_not_blamed_on_someone_else(setups: Any) -> None:
    """Unversioned: ours landed but even the read-back failed; Save again finds our own value, no conflict."""
    setup = await setups("payarc")
    field, ours, theirs = EDITS["payarc"]
    original = await _some_customer(setup, field, ours, theirs)
    setup.wire.lose_next_write(applied=True)

    async def read_back_fails() -> None:
        setup.wire.emulator.fail_next("503")

    setup.wire.before_read_back(read_back_fails)
    with pytest.raises(e.UnavailableError):
        await setup.service.update(original, CustomerChanges(values={field: ours}))
    saved = await setup.service.update(original, CustomerChanges(values={field: ours}))
    assert saved.value(field) == ours


# -- creates --------------------------------------------------------------------------------------

# Providers without idempotency keys, where the service itself must read a lost create back:
# PayArc by listing every page, Clover by its server-side email lookup.
CREATES = {
    "payarc": {"given_name": "Lost Answer", "email": "lost.answer@example.com", "description": "Lost answer test"},
    "clover": {"given_name": "Lost", "family_name": "Answer", "email": "lost.answer@example.com"},
}


async def _all(setup: Setup, values: dict[str, Any]) -> list[Customer]:
    found: list[Customer] = []
    async for page in setup.colleague.provider.iter_pages():
        found.extend(c for c in page.customers if c.value("email") == values["email"])
    return found


@pytest.mark.parametrize("key", sorted(CREATES))
async def test_a_create_that_landed_but_lost_its_answer_is_found(setups: Any, key: str) -> None:
    setup = await setups(key)
    values = CREATES[key]
    setup.wire.lose_next_write(applied=True)
    created = await setup.service.create(CustomerChanges(values=values), idempotency_key="k1")
    (only,) = await _all(setup, values)
    assert created.id == only.id
    assert setup.wire.log.count("POST") == 1


@pytest.mark.parametrize("key", sorted(CREATES))
async def test_a_create_that_did_not_land_is_an_error_and_is_made_on_the_next_try(setups: Any, key: str) -> None:
    setup = await setups(key)
    values = CREATES[key]
    await setup.service.load()   # what the window had loaded: a look-alike made earlier is among it
    twin = await setup.colleague.service.create(CustomerChanges(values=values), idempotency_key="theirs")
    setup.service.index.upsert([twin])
    setup.wire.lose_next_write(applied=False)
    with pytest.raises(e.UnavailableError):
        await setup.service.create(CustomerChanges(values=values), idempotency_key="k1")
    assert [c.id for c in await _all(setup, values)] == [twin.id]
    created = await setup.service.create(CustomerChanges(values=values), idempotency_key="k1")
    assert created.id != twin.id
    assert sorted(c.id for c in await _all(setup, values)) == sorted([twin.id, created.id])


@pytest.mark.parametrize("key", sorted(CREATES))
async def test_a_create_whose_read_back_failed_is_found_by_the_next_try(setups: Any, key: str) -> None:
    setup = await setups(key)
    values = CREATES[key]
    setup.wire.lose_next_write(applied=True)

    async def read_back_fails() -> None:
        setup.wire.emulator.fail_next("503")

    setup.wire.before_read_back(read_back_fails)
    with pytest.raises(e.UnavailableError):
        await setup.service.create(CustomerChanges(values=values), idempotency_key="k1")
    setup.wire.log.clear()
    created = await setup.service.create(CustomerChanges(values=values), idempotency_key="k1")
    (only,) = await _all(setup, values)
    assert created.id == only.id
    assert "POST" not in setup.wire.log     # found, not made a second time


# -- fields a provider cannot clear ---------------------------------------------------------------


async def test_clearing_a_payarc_field_is_refused_and_nothing_is_sent(setups: Any) -> None:
    setup = await setups("payarc")
    original = await _some_customer(setup, "email", "")
    assert original.value("email")
    setup.wire.log.clear()
    with pytest.raises(e.InvalidInputError) as raised:
        await setup.service.update(original, CustomerChanges(cleared=frozenset({"email"})))
    assert raised.value.field_errors.keys() == {"email"}
    assert "PayArc cannot clear" in raised.value.field_errors["email"]
    assert "Email" in raised.value.message
    assert setup.wire.log == []
    assert (await setup.fresh(original)).value("email") == original.value("email")


async def test_clearing_with_a_blank_value_is_refused_too(setups: Any) -> None:
    setup = await setups("payarc")
    original = await _some_customer(setup, "phone", "")
    with pytest.raises(e.InvalidInputError) as raised:
        await setup.service.update(original, CustomerChanges(values={"phone": "", "description": "Still sent"}))
    assert set(raised.value.field_errors) == {"phone"}
    assert (await setup.fresh(original)).value("description") == original.value("description")


async def test_clearable_fields_elsewhere_are_still_cleared(setups: Any) -> None:
    setup = await setups("square")
    original = await _some_customer(setup, "company", "")
    saved = await setup.service.update(original, CustomerChanges(cleared=frozenset({"company"})))
    assert not saved.value("company")
    assert not (await setup.fresh(original)).value("company")
