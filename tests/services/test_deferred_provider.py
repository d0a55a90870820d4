"""A demo account's client and emulator are made when first needed, not when the account opens."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from console.providers.base import CustomerProvider
from console.providers.registry import provider
from console.services.accounts import demo_accounts, open_session
from console.services.deferred_provider import DeferredProvider
from console.services.demo import DemoSandbox
from console.services.secrets import MemorySecrets


async def test_a_demo_account_opens_without_its_emulator_and_loads_once_it_is_made(tmp_path: Path) -> None:
    demo = DemoSandbox(tmp_path / "demo", latency_ms=0, customers={"square": 30})
    account = next(a for a in demo_accounts(demo) if a.info.key == "square")
    session = await open_session(account, secrets=MemorySecrets(), demo=demo)
    try:
        # What the window asks for while it shows the local copy makes nothing.
        assert session.service.capabilities is provider("square").capabilities
        assert session.service.provider_name == "Square"
        assert demo._emulators == {}
        assert session.client is None   # nor its HTTP client (httpx is imported with it, not at start)
        made_on: list[str] = []
        make = session.service._deferred._make

        def recorded() -> CustomerProvider:
            made_on.append(threading.current_thread().name)
            return make()

        session.service._deferred._make = recorded
        progress = await session.service.load()   # the refresh makes it, off the event loop's thread
        assert made_on and made_on[0] != threading.current_thread().name
        assert progress.loaded == 30 and len(session.service.index) == 30
        assert set(demo._emulators) == {"square"}
        assert session.provider is session.provider   # made once
        client = session.client
        assert client is not None and client is session.provider.client and not client.is_closed
    finally:
        await session.aclose()
    assert client.is_closed   # closing the account closes the HTTP client its provider client made


async def test_a_demo_account_never_loaded_closes_without_making_anything(tmp_path: Path) -> None:
    demo = DemoSandbox(tmp_path / "demo", latency_ms=0, customers={"square": 3})
    account = next(a for a in demo_accounts(demo) if a.info.key == "square")
    session = await open_session(account, secrets=MemorySecrets(), demo=demo)
    await session.aclose()
    assert session.client is None and not session.service.provider_built and demo._emulators == {}


def test_a_deferred_provider_is_made_once_by_threads_asking_together() -> None:
    made: list[object] = []
    gate = threading.Event()

    def make() -> CustomerProvider:
        gate.wait(5)
        made.append(object())
        return made[-1]  # type: ignore[return-value]

    deferred = DeferredProvider(make)
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(deferred.get())) for _ in range(4)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(5)
    assert len(made) == 1 and got == made * 4 and deferred.built


async def test_a_failed_making_is_tried_again_when_next_asked() -> None:
    calls: list[int] = []

    def make() -> CustomerProvider:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("first try")
        return "client"  # type: ignore[return-value]

    deferred = DeferredProvider(make)
    with pytest.raises(ConnectionError, match="first try"):
        await deferred.ready()
    assert not deferred.built
    assert await deferred.ready() == "client" and len(calls) == 2
