"""Serving an emulator on loopback: HTTP details and faults in-process, then the real CLI as a subprocess."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import console.sandbox.server as server_module
from console.sandbox.server import EmulatorServer, build_parser, emulator_from_args
from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import HEADERS, serving

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served() -> Iterator[tuple[SquareEmulator, EmulatorServer]]:
    emu = SquareEmulator(seed=3, customers=12)
    with serving(emu) as server:
        yield emu, server


def test_serves_the_emulator_over_http(served: tuple[SquareEmulator, EmulatorServer]) -> None:
    emu, server = served
    assert server.base_url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=server.base_url, headers=HEADERS) as client:
        page = client.get("/v2/customers", params={"limit": 5})
        assert page.status_code == 200 and page.http_version == "HTTP/1.1"
        assert int(page.headers["content-length"]) == len(page.content)
        assert len(page.json()["customers"]) == 5
        made = client.post("/v2/customers", json={"given_name": "Over HTTP"})
        assert made.status_code == 200 and emu.customer(made.json()["customer"]["id"]) is not None
        missing = client.get("/v2/customers/NOPE")
        assert missing.status_code == 404 and missing.reason_phrase == "Not Found"
        assert client.get("/v2/customers", headers={"Authorization": ""}).status_code == 401
        # A chunked request body (no Content-Length) is read as well.
        chunked = client.post("/v2/customers", content=iter([b'{"given_name":', b' "Chunked"}']))
        assert chunked.status_code == 200 and chunked.json()["customer"]["given_name"] == "Chunked"
    assert emu.requests[-1].json() == {"given_name": "Chunked"}


class WatchedEvent(threading.Event):
    """A threading.Event that tells when someone starts waiting on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.waiting.set()
        return super().wait(timeout)


def test_a_timeout_fault_holds_the_answer_back_until_the_server_stops(
        served: tuple[SquareEmulator, EmulatorServer]) -> None:
    emu, server = served
    server.stopping = stopping = WatchedEvent()
    emu.fail_next("timeout")
    head = "".join(f"{k}: {v}\r\n" for k, v in HEADERS.items())
    with socket.create_connection(server.server_address[:2]) as sock:
        sock.sendall(f"GET /v2/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode())
        assert stopping.waiting.wait(10), "the handler never started holding the answer back"
        sock.setblocking(False)
        with pytest.raises(BlockingIOError):  # it holds the request and has sent nothing
            sock.recv(1)
        stopping.set()  # what stopping the server does
        sock.setblocking(True)
        sock.settimeout(10)  # a safety net for a hang, not a margin: the close is already due
        assert sock.recv(1) == b"", "the connection closed with an answer after all"
    assert emu.stats().faults == {"timeout": 1}


def test_http_faults(served: tuple[SquareEmulator, EmulatorServer]) -> None:
    emu, server = served
    before = len(emu.customer_ids())
    with httpx.Client(base_url=server.base_url, headers=HEADERS) as client:
        emu.fail_next("429")
        limited = client.get("/v2/customers")
        assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
        emu.fail_next("drop", applied_first=True)
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/v2/customers", json={"given_name": "Dropped"})
        assert len(emu.customer_ids()) == before + 1
        whole = client.get("/v2/customers").content
        emu.fail_next("truncated")
        cut = client.get("/v2/customers")
        assert cut.content == whole[: len(whole) // 2] and int(cut.headers["content-length"]) == len(cut.content)
        assert client.get("/v2/customers").content == whole  # and then it works normally


def test_a_stop_signal_during_a_request_still_stops_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT/SIGTERM can land while the main thread takes in a request; the server must stop anyway."""
    server = EmulatorServer(SquareEmulator(customers=1), 0)
    monkeypatch.setattr(server, "process_request", lambda request, address: server_module._stop(signal.SIGINT, None))

    def knock() -> None:
        with contextlib.suppress(httpx.HTTPError), httpx.Client(base_url=server.base_url) as client:
            client.get("/v2/customers")
        server.shutdown()  # ends serve_forever if the stop was swallowed, so the test fails instead of hanging

    knocker = threading.Thread(target=knock)
    knocker.start()
    try:
        with pytest.raises(server_module._Stop):
            server.serve_forever()
    finally:
        knocker.join(10)
        server.server_close()


def test_arguments_become_an_emulator(tmp_path: Path) -> None:
    args = build_parser().parse_args(["serve", "square", "--seed", "4", "--customers", "7", "--token", "tok",
                                      "--credential", "extra=1", "--fault-rate", "0.2", "--faults", "429,drop",
                                      "--latency-ms", "15", "--store", str(tmp_path / "s.json")])
    emu = emulator_from_args(args)
    assert isinstance(emu, SquareEmulator)
    assert (emu.seed, len(emu.customer_ids()), emu.latency_ms) == (4, 7, 15.0)
    assert emu.credentials == {"token": "tok", "extra": "1"}
    assert emu.faults.config.rate == 0.2 and emu.faults.config.kinds == ("429", "drop")
    emu.flush()
    assert (tmp_path / "s.json").exists()
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "square", "--faults", "429,teapot"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "nonesuch"])


# -- the real command -----------------------------------------------------------------------------


def start(*args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "console.sandbox", "serve", "square", "--port", "0", *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    if not first:
        proc.wait(10)
        raise AssertionError(f"server printed nothing; stderr:\n{proc.stderr.read() if proc.stderr else ''}")
    return proc, json.loads(first)


def stop(proc: subprocess.Popen[str], sig: int) -> str:
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    return stderr


def test_cli_prints_connection_info_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    store = tmp_path / "square.json"
    proc, info = start("--customers", "25", "--token", "secret-token", "--store", str(store))
    try:
        assert info == {"provider": "square", "base_url": info["base_url"], "token": "secret-token",
                    "application_id": info["application_id"], "location_id": info["location_id"]}
        assert info["base_url"].startswith("http://127.0.0.1:")
        headers = {"Authorization": f"Bearer {info['token']}", "Square-Version": "2025-08-20"}
        with httpx.Client(base_url=info["base_url"], headers=headers) as client:
            body = client.get("/v2/customers", params={"count": "true"}).json()
            assert body["count"] == 25 and len(body["customers"]) == 25
            made = client.post("/v2/customers", json={"given_name": "Saved on exit"}).json()["customer"]
            wrong = client.get("/v2/customers", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401 and wrong.json()["errors"][0]["code"] == "UNAUTHORIZED"
    finally:
        stop(proc, signal.SIGTERM)
    saved = json.loads(store.read_text(encoding="utf-8"))
    assert made["id"] in {c["id"] for c in saved["state"]["customers"]}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT cannot be sent to a child process on Windows")
def test_cli_injects_faults_and_exits_quietly_on_sigint() -> None:
    proc, info = start("--customers", "3", "--fault-rate", "1", "--faults", "503", "--fault-seed", "5")
    try:
        assert info["token"].startswith("EAAA-demo-")
        with httpx.Client(base_url=info["base_url"], headers={"Authorization": f"Bearer {info['token']}"}) as client:
            response = client.get("/v2/customers")
            assert response.status_code == 503
            assert response.json()["errors"][0]["code"] == "SERVICE_UNAVAILABLE"
    finally:
        stop(proc, signal.SIGINT)
