"""Fixtures for the emulator tests: a small seeded Square emulator and a client wired to it."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from console.domain.gc_pause import gc_paused
from console.sandbox.base import Emulator
from console.sandbox.server import EmulatorServer
from console.sandbox.square import SquareEmulator
from tests.support.openapi import OpenApiSpec, square_spec

TOKEN = "test-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Square-Version": "2025-08-20"}


@contextlib.contextmanager
def serving(emulator: Emulator) -> Iterator[EmulatorServer]:
    """`emulator` served on a loopback port from a thread, for as long as the block runs.

    The serving thread allocates; a garbage collection it set off could free Qt objects left by
    earlier tests (the qasync loop's) off the GUI thread and crash the process later. So collect
    here, on the test's thread, and pause the collector while the server runs, as the app does.
    """
    server = EmulatorServer(emulator, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    gc.collect()
    with gc_paused():
        thread.start()
        try:
            yield server
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)


@pytest.fixture
def emu() -> SquareEmulator:
    return SquareEmulator(seed=7, customers=60)


@pytest.fixture
def client(emu: SquareEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url, headers=HEADERS) as c:
        yield c


@pytest.fixture(scope="session")
def spec() -> OpenApiSpec:
    return square_spec()


def ok(response: httpx.Response, spec: OpenApiSpec, schema: str) -> Any:
    """The JSON body of a 200 response, after checking it against the official schema."""
    assert response.status_code == 200, response.text
    body = response.json()
    spec.validate(schema, body)
    return body


def failed(response: httpx.Response, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The first error of a failed response, after checking status, code and (when given) field."""
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    for item in errors:
        if item["code"] != "VERSION_MISMATCH":  # Square sends it, but its spec's ErrorCode enum lacks it
            square_spec().validate("Error", item)
    assert errors[0]["code"] == code, errors
    if field is not None:
        assert errors[0].get("field") == field, errors
    return errors[0]
