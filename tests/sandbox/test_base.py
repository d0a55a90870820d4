"""The shared emulator base: request log, persistence, reset, determinism, registry and layering."""

from __future__ import annotations

import ast
import asyncio
import gc
import json
import re
import threading
from pathlib import Path

import httpx
import pytest

import console.sandbox
from console.domain.gc_pause import gc_paused
from console.sandbox.base import Emulator
from console.sandbox.registry import EMULATORS, emulator_class, emulator_keys
from console.sandbox.square import SquareEmulator
from console.sandbox.store import StateStore
from tests.sandbox.conftest import HEADERS

SANDBOX = Path(console.sandbox.__file__).parent


def client_for(emu: Emulator) -> httpx.Client:
    return httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url, headers=HEADERS)


# -- request log ----------------------------------------------------------------------------------


def test_requests_are_recorded_without_the_authorization_header(emu: SquareEmulator, client: httpx.Client) -> None:
    assert emu.requests == [] and emu.request_count == 0
    client.get("/v2/customers", params={"limit": 2, "sort_order": "DESC"})
    client.post("/v2/customers", json={"given_name": "Logged"})
    get, post = emu.requests
    assert (get.method, get.path, dict(get.params)) == ("GET", "/v2/customers", {"limit": "2", "sort_order": "DESC"})
    assert "authorization" not in get.headers and get.headers["square-version"] == "2025-08-20"
    assert post.method == "POST" and post.json() == {"given_name": "Logged"}
    assert get.body == b"" and get.json() is None
    assert emu.request_count == 2 and emu.stats().requests == 2
    emu.clear_log()
    assert emu.requests == [] and emu.request_count == 0


def test_the_log_keeps_only_recent_requests(emu: SquareEmulator, client: httpx.Client) -> None:
    for i in range(620):
        client.get(f"/v2/customers/ID{i}")
    assert emu.request_count == 620
    assert Emulator.request_log_size <= len(emu.requests) <= Emulator.request_log_size + 50
    assert emu.requests[-1].path == "/v2/customers/ID619"


def test_handle_is_pure_emulation_without_faults(emu: SquareEmulator) -> None:
    emu.fail_next("500")
    request = httpx.Request("GET", f"{emu.base_url}/v2/customers", headers=HEADERS)
    assert emu.handle(request).status_code == 200  # handle() ignores the fault plan...
    assert emu.faults.pending() == 1  # ...which is still waiting for the next transport request


def test_a_bug_in_a_handler_becomes_a_500(emu: SquareEmulator, client: httpx.Client,
                                          monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object) -> dict:
        raise RuntimeError("boom")

    monkeypatch.setattr(emu, "_list_customers", broken)
    emu.__dict__.pop("_route_table", None)  # rebuild routes with the patched handler
    response = client.get("/v2/customers")
    assert response.status_code == 500 and response.json()["errors"][0]["code"] == "INTERNAL_SERVER_ERROR"
    assert "boom" in caplog.text


def test_concurrent_requests_are_safe(emu: SquareEmulator) -> None:
    def work(n: int) -> None:
        with client_for(emu) as c:
            for i in range(20):
                assert c.post("/v2/customers", json={"given_name": f"T{n}-{i}"}).status_code == 200

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    # No collection inside the workers: it could free Qt objects earlier tests left, off the GUI thread.
    gc.collect()
    with gc_paused():
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    with client_for(emu) as c:
        listed = c.get("/v2/customers", params={"count": "true", "limit": 1}).json()["count"]
    assert listed == len(emu.customer_ids()) == 60 + 80


# -- determinism ----------------------------------------------------------------------------------


def test_same_seed_same_data_other_seed_other_data() -> None:
    def first_page(seed: int) -> list[dict]:
        with client_for(SquareEmulator(seed=seed, customers=40)) as c:
            return c.get("/v2/customers").json()["customers"]

    assert first_page(11) == first_page(11)
    assert first_page(11) != first_page(12)


def test_api_created_ids_are_deterministic_too() -> None:
    def new_id() -> str:
        with client_for(SquareEmulator(seed=4, customers=2)) as c:
            return c.post("/v2/customers", json={"given_name": "Same"}).json()["customer"]["id"]

    assert new_id() == new_id()


def test_seed_data_shape() -> None:
    emu = SquareEmulator(seed=2)
    ids = emu.customer_ids()
    assert len(ids) == 1000
    customers = [emu.customer(cid) or {} for cid in ids]
    versions = {c["version"] for c in customers}
    assert versions == {0, 1, 2, 3, 4, 5}
    sources = {c["creation_source"] for c in customers}
    assert {"THIRD_PARTY", "DIRECTORY", "ONLINE_STORE", "APPOINTMENTS", "IMPORT"} <= sources
    company_only = [c for c in customers if c.get("company_name") and not c.get("given_name")
                    and not c.get("family_name")]
    email_only = [c for c in customers if set(c) & {"given_name", "family_name", "company_name", "phone_number"}
                  == set() and c.get("email_address")]
    assert company_only and email_only
    in_groups = sum(bool(c.get("group_ids")) for c in customers) / len(customers)
    assert 0.25 < in_groups < 0.35
    assert all(re.fullmatch(r"[A-Z0-9]{26}", c["id"]) for c in customers)


# -- persistence ----------------------------------------------------------------------------------


def test_state_round_trips_through_the_store(tmp_path: Path) -> None:
    path = tmp_path / "demo" / "square.json"
    emu = SquareEmulator(seed=5, customers=30, store_path=path)
    emu.flush()
    assert json.loads(path.read_text(encoding="utf-8"))["provider"] == "square"
    with client_for(emu) as c:
        made = c.post("/v2/customers", json={"given_name": "Kept", "idempotency_key": "keep"}).json()["customer"]
        edited_id = emu.customer_ids()[0]
        c.put(f"/v2/customers/{edited_id}", json={"note": "edited"})
        group = c.post("/v2/customers/groups", json={"group": {"name": "Saved"}}).json()["group"]
    emu.flush()
    assert [p.name for p in path.parent.iterdir()] == ["square.json"]  # no temp files left behind

    again = SquareEmulator(seed=999, customers=5, store_path=path)  # the file wins over seed and size
    assert again.customer(made["id"]) == made
    assert (again.customer(edited_id) or {})["note"] == "edited"
    assert len(again.customer_ids()) == 31
    with client_for(again) as c:
        assert c.get(f"/v2/customers/groups/{group['id']}").json()["group"] == group
        replay = c.post("/v2/customers", json={"given_name": "Kept", "idempotency_key": "keep"})
        assert replay.json()["customer"]["id"] == made["id"]  # idempotency survives a restart
        newer = c.post("/v2/customers", json={"given_name": "After restart"}).json()["customer"]
        assert newer["id"] not in {made["id"], edited_id}


def test_reset_reseeds_and_saves(tmp_path: Path) -> None:
    path = tmp_path / "square.json"
    pristine = SquareEmulator(seed=5, customers=20)
    emu = SquareEmulator(seed=5, customers=20, store_path=path)
    with client_for(emu) as c:
        made = c.post("/v2/customers", json={"given_name": "Gone soon"}).json()["customer"]
        c.delete(f"/v2/customers/{emu.customer_ids()[0]}")
    emu.reset()
    assert emu.customer(made["id"]) is None
    assert sorted(emu.customer_ids()) == sorted(pristine.customer_ids())
    emu.flush()
    reloaded = SquareEmulator(seed=5, customers=20, store_path=path)
    assert sorted(reloaded.customer_ids()) == sorted(pristine.customer_ids())


def test_saving_happens_off_the_request_thread_and_coalesces_while_answers_wait_for_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "square.json"
    emu = SquareEmulator(seed=5, customers=10, store_path=path)
    emu.flush()
    store = emu._store
    assert store is not None
    writes_before, requested_before = store.writes, store.requested
    release = threading.Event()
    started = threading.Event()
    real_write = StateStore._write

    def slow_write(self: StateStore, data: dict) -> None:
        if self is store:   # an earlier test's emulator may still be saving after its pause
            started.set()
            assert release.wait(10), "test never released the writer"
        real_write(self, data)

    monkeypatch.setattr(StateStore, "_write", slow_write)
    answers: list[int] = []

    def post(name: str) -> None:
        with client_for(emu) as c:
            answers.append(c.post("/v2/customers", json={"given_name": name}).status_code)

    first = threading.Thread(target=post, args=("One",))
    first.start()
    assert started.wait(10)  # the writer is busy with the first save...
    more = [threading.Thread(target=post, args=(f"More {i}",)) for i in range(5)]
    for thread in more:
        thread.start()
    # ...and the others' changes are made meanwhile (answered once saved), their saves piling up into one.
    deadline = threading.Event()
    for _ in range(1000):
        if store.requested - requested_before == 6 or deadline.wait(0.01):
            break
    assert store.requested - requested_before == 6 and answers == []
    release.set()
    for thread in [first, *more]:
        thread.join(10)
    assert answers == [200] * 6
    assert store.writes - writes_before == 2
    assert len(json.loads(path.read_text(encoding="utf-8"))["state"]["customers"]) >= 16


def test_an_unreadable_store_is_moved_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "square.json"
    path.write_text("{ this is not json", encoding="utf-8")
    emu = SquareEmulator(seed=5, customers=8, store_path=path)
    emu.flush()
    assert len(emu.customer_ids()) == 8
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("square.json.unreadable-")]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "{ this is not json"
    assert "could not load" in caplog.text
    wrong_provider = tmp_path / "other.json"
    wrong_provider.write_text(json.dumps({"format": 1, "provider": "clover", "state": {}}), encoding="utf-8")
    assert len(SquareEmulator(customers=3, store_path=wrong_provider).customer_ids()) == 3


def test_flush_reports_a_failed_save(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    emu = SquareEmulator(customers=2, store_path=blocker / "square.json")
    with pytest.raises(OSError, match="could not save"):
        emu.flush()


def test_flush_without_a_store_is_a_no_op(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    emu = SquareEmulator(customers=2)
    with client_for(emu) as client:
        client.post("/v2/customers", json={"given_name": "Unsaved"})
    emu.flush(timeout=0)  # nothing to wait for: it returns at once instead of timing out
    assert list(tmp_path.iterdir()) == [], "an emulator without a store wrote a file"
    assert len(emu.customer_ids()) == 3  # and what it holds in memory is untouched


# -- registry and layering ------------------------------------------------------------------------


def test_registry() -> None:
    assert "square" in emulator_keys()
    assert EMULATORS["square"] == "console.sandbox.square:SquareEmulator"
    assert emulator_class("square") is SquareEmulator
    with pytest.raises(KeyError, match="square"):
        emulator_class("stripe")


def test_every_emulator_has_a_provider_key_and_a_base_url() -> None:
    for key in emulator_keys():
        cls = emulator_class(key)
        emu = cls(customers=1)
        assert cls.provider == key
        # Authorize.net has one endpoint, so its base URL is that endpoint.
        path = "/xml/v1/request.api" if key == "authorize-net" else ""
        assert emu.base_url == f"https://{key}.emulator.invalid{path}"


BANNED = ("console.providers", "console.services", "console.ui", "console.app", "PySide6", "qasync")


@pytest.mark.parametrize("path", sorted(SANDBOX.rglob("*.py")), ids=lambda p: str(p.relative_to(SANDBOX)))
def test_sandbox_imports_only_the_domain_layer(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.startswith(BANNED)]


async def test_a_write_is_answered_only_once_its_change_is_saved(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """As at a provider, an answer means the change is durable: an app killed after it finds it there."""
    path = tmp_path / "square.json"
    emu = SquareEmulator(seed=5, customers=3, store_path=path)
    emu.flush()
    release = threading.Event()
    real_write = StateStore._write

    def held_write(self: StateStore, data: dict) -> None:
        if self is emu._store:
            assert release.wait(10), "test never released the writer"
        real_write(self, data)

    monkeypatch.setattr(StateStore, "_write", held_write)
    async with httpx.AsyncClient(transport=emu.transport(), base_url=emu.base_url,
                                 headers=HEADERS) as client:
        answered = asyncio.ensure_future(client.post("/v2/customers", json={"given_name": "Durable"}))
        read = await client.get("/v2/customers")   # a read is not held back by the write's save
        assert read.status_code == 200
        assert not answered.done()
        release.set()
        made = (await answered).json()["customer"]
    saved = json.loads(path.read_text(encoding="utf-8"))["state"]["customers"]
    assert made["id"] in json.dumps(saved)   # on disk before its answer, with no flush
