"""The provider conformance suite (DESIGN.md): the same scenarios against every provider.

Each provider runs with its own emulator through the production demo path (`open_session`),
and through `CustomerService`, since stale-edit detection is the service's job for providers
without versions. A provider joins by having a client, an emulator and a `CASES` entry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from console.domain import errors as e
from console.domain.capabilities import SearchKey
from console.domain.changes import CustomerChanges
from console.providers.http import RetryPolicy
from console.providers.registry import providers
from console.sandbox.registry import emulator_keys
from console.services.accounts import Account, AccountSession, demo_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.secrets import MemorySecrets
from console.services.settings import AccountSettings

SEEDED = 230


@dataclass(frozen=True)
class Case:
    """What a valid new customer, an edit and a refused edit look like at one provider."""

    create: dict[str, Any]
    update: dict[str, Any]
    invalid: dict[str, Any]          # values the provider refuses ...
    invalid_field: str               # ... and the field its error names
    lookup: tuple[SearchKey, str] | None = None   # a server lookup that finds the created customer
    extra_checks: dict[str, Any] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "square": Case(
        create={"given_name": "Conformance", "family_name": "Tester", "email": "conformance@example.com",
                "phone": "+1 206-555-0100", "address.city": "Seattle", "reference_id": "CONF-1"},
        update={"company": "Conformance Ltd", "note": "updated"},
        invalid={"email": "not-an-email"},
        invalid_field="email",
        lookup=(SearchKey.EMAIL, "conformance@example.com"),
    ),
    "authorize-net": Case(
        create={"description": "Conformance Tester", "email": "conformance@example.com", "reference_id": "CONF-1"},
        update={"description": "Conformance Tester Updated", "profile_type": "guest"},
        invalid={"reference_id": "X" * 21},
        invalid_field="reference_id",
        lookup=(SearchKey.REFERENCE_ID, "CONF-1"),
    ),
    "clover": Case(
        create={"given_name": "Conformance", "family_name": "Tester", "email": "conformance@example.com",
                "phone": "2065550100", "company": "Conformance Ltd"},
        update={"note": "updated by conformance", "family_name": "Testerson"},
        invalid={"given_name": "x" * 65},
        invalid_field="given_name",
        lookup=(SearchKey.EMAIL, "conformance@example.com"),
    ),
    "payarc": Case(
        create={"given_name": "Conformance Tester", "email": "conformance@example.com", "phone": "2065550100",
                "address.city": "Seattle", "description": "Conformance customer"},
        update={"description": "Updated by conformance", "send_email_address": "billing@example.com"},
        invalid={"given_name": "O'Brien"},
        invalid_field="given_name",
    ),
    "digital-river": Case(
        create={"given_name": "Conformance Tester", "email": "conformance@example.com", "phone": "+1 952-555-0100",
                "address.city": "Minnetonka", "address.country": "US", "type": "individual", "locale": "en_US"},
        update={"company": "Conformance Ltd", "metadata": {"crmId": "C-1"}},
        invalid={"address.country": "United States"},
        invalid_field="address.country",
        lookup=(SearchKey.EMAIL, "conformance@example.com"),
    ),
}

KEYS = [info.key for info in providers() if info.key in set(emulator_keys())]


def test_every_provider_with_an_emulator_has_a_case() -> None:
    assert KEYS, "no provider has both a client and an emulator"
    assert set(KEYS) <= set(CASES), f"add conformance cases for {sorted(set(KEYS) - set(CASES))}"


_DEMOS: dict[int, DemoSandbox] = {}


@pytest.fixture(params=KEYS)
async def session(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AccountSession]:
    key = request.param
    demo = DemoSandbox(tmp_path / "demo", latency_ms=0, customers={key: SEEDED})
    account = next(a for a in demo_accounts(demo) if a.info.key == key)
    opened = await open_session(account, secrets=MemorySecrets(), demo=demo)
    # Scenarios inject faults; waiting through real backoff would only slow the suite down.
    opened.provider.http.policy = RetryPolicy(  # type: ignore[attr-defined]
        attempts=3, base_delay=0.001, max_delay=0.002, max_retry_after=0.002)
    _DEMOS[id(opened)] = demo
    yield opened
    del _DEMOS[id(opened)]
    await opened.aclose()


def _case(session: AccountSession) -> Case:
    return CASES[session.account.info.key]


def _emulator(session: AccountSession) -> Any:
    return _DEMOS[id(session)].emulator(session.account.info.key)


async def test_connection_works(session: AccountSession) -> None:
    emulator = _emulator(session)
    # From now on the emulator takes only the session's own credentials, so passing means they were sent.
    emulator.credentials = emulator.client_credentials()
    before = emulator.request_count
    await session.provider.test_connection()
    assert emulator.request_count > before, "test_connection answered without asking the provider"


async def test_pages_through_everything_exactly_once(session: AccountSession) -> None:
    progress = await session.service.load()
    ids = [c.id for c in session.service.index]
    assert progress.done
    assert len(ids) == len(set(ids)) == SEEDED
    assert progress.loaded == SEEDED


async def test_create_read_back_update_delete(session: AccountSession) -> None:
    case = _case(session)
    service = session.service
    created = await service.create(CustomerChanges(values=case.create), idempotency_key="conf-create-1")
    for key, value in case.create.items():
        assert created.value(key) == value, key
    fetched = await session.provider.get(created.id)
    assert fetched.id == created.id
    for key, value in case.create.items():
        assert fetched.value(key) == value, key

    updated = await service.update(fetched, CustomerChanges(values=case.update))
    for key, value in case.update.items():
        assert updated.value(key) == value, key
    assert (await session.provider.get(created.id)).value(next(iter(case.update))) == next(
        iter(case.update.values()))

    result = await service.delete_many([updated])
    assert list(result.succeeded) == [created.id]
    with pytest.raises(e.NotFoundError):
        await session.provider.get(created.id)


async def test_server_lookup_finds_a_customer(session: AccountSession) -> None:
    case = _case(session)
    if not session.service.capabilities.server_exact:
        with pytest.raises(e.NotSupportedError):
            await session.service.lookup(SearchKey.EMAIL, "someone@example.com")
        return
    assert case.lookup is not None, "a provider with server lookups needs a lookup case"
    assert case.lookup[0] in session.service.capabilities.server_exact
    created = await session.service.create(CustomerChanges(values=case.create), idempotency_key="conf-lookup")
    key, value = case.lookup
    found = await session.service.lookup(key, value)
    assert created.id in [c.id for c in found]


async def test_stale_update_is_detected(session: AccountSession) -> None:
    service = session.service
    await service.load()
    original = next(iter(service.index))
    case = _case(session)
    # Someone else edits the customer first ...
    await session.provider.update(original, CustomerChanges(values=case.update))
    # ... so an edit made from the copy read before theirs must not silently win.
    with pytest.raises(e.StaleVersionError) as stale:
        await service.update(original, CustomerChanges(values=case.update | {
            next(iter(case.update)): "A different value"}))
    assert stale.value.current is not None
    assert stale.value.current.value(next(iter(case.update))) == next(iter(case.update.values()))


async def test_not_found(session: AccountSession) -> None:
    with pytest.raises(e.NotFoundError):
        await session.provider.get("NOSUCHCUSTOMER0000000000")


async def test_invalid_input_names_the_field(session: AccountSession) -> None:
    case = _case(session)
    with pytest.raises(e.InvalidInputError) as err:
        await session.provider.create(CustomerChanges(values=case.create | case.invalid),
                                      idempotency_key="conf-invalid")
    assert case.invalid_field in err.value.field_errors


async def test_rate_limit_is_waited_out(session: AccountSession) -> None:
    _emulator(session).fail_next("429", count=2)
    page = await anext(aiter(session.provider.iter_pages()))
    assert page.customers


async def test_server_error_on_a_read_is_retried(session: AccountSession) -> None:
    await session.service.load()
    some = next(iter(session.service.index))
    _emulator(session).fail_next("503", count=1)
    _emulator(session).fail_next("500", count=1)
    assert (await session.provider.get(some.id)).id == some.id


async def test_persistent_server_error_is_reported_as_unavailable(session: AccountSession) -> None:
    _emulator(session).fail_next("502", count=3)
    with pytest.raises(e.UnavailableError):
        await anext(aiter(session.provider.iter_pages()))


async def test_lost_answer_to_a_create_does_not_duplicate(session: AccountSession) -> None:
    case = _case(session)
    emulator = _emulator(session)
    emulator.fail_next("timeout", count=1, applied_first=True)
    try:
        created = await session.service.create(CustomerChanges(values=case.create), idempotency_key="conf-lost")
    except e.UnavailableError:
        # Providers without idempotency must say the outcome is unknown rather than guess.
        created = None
    await session.service.load()
    matches = [c for c in session.service.index
               if all(c.value(key) == value for key, value in case.create.items())]
    assert len(matches) == 1
    if created is not None:
        assert matches[0].id == created.id


async def test_wrong_credentials_are_an_authentication_error(session: AccountSession) -> None:
    key = session.account.info.key
    emulator = _emulator(session)
    good = emulator.connection_info(emulator.base_url)
    emulator.credentials = {k: v for k, v in good.items() if k not in ("provider", "base_url")}
    wrong = {k: "wrong-" + v for k, v in emulator.credentials.items()}
    account = session.account
    real = Account(id="conf", info=account.info, name="Wrong", environment="sandbox",
                   settings=AccountSettings(id="conf", provider=key, name="Wrong", base_url=emulator.base_url,
                                            options={k: v for k, v in good.items()
                                                     if k in {o.key for o in account.info.options}}))
    opened = await open_session(real, secrets=MemorySecrets(), demo=_DEMOS[id(session)],
                                transport=emulator.transport(), credentials=wrong)
    try:
        with pytest.raises(e.AuthenticationError):
            await opened.provider.test_connection()
    finally:
        await opened.aclose()
