"""The loopback server answers only requests addressed to loopback names (no DNS rebinding from a browser),
and never reads a request body past the emulator's limit."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from console.sandbox.request_guards import is_loopback_authority
from console.sandbox.server import EmulatorServer
from console.sandbox.square import SquareEmulator
from tests.sandbox.conftest import HEADERS, serving
from tests.sandbox.error_shapes import PROVIDERS, assert_provider_error, auth_headers, customer_path, new_emulator

LIMIT = 4096


@pytest.fixture
def served() -> Iterator[tuple[SquareEmulator, EmulatorServer]]:
    emulator = SquareEmulator(seed=3, customers=5)
    emulator.max_body_bytes = LIMIT
    with serving(emulator) as server:
        yield emulator, server


def _exchange(server: EmulatorServer, data: bytes) -> bytes:
    """Send raw bytes, then read until the server closes; a socket timeout guards against a hang."""
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def _host(server: EmulatorServer, host: str) -> str:
    return host.format(port=server.server_address[1])


# -- Host -------------------------------------------------------------------------------------------

LOOPBACK = ["localhost", "LocalHost", "localhost:{port}", "127.0.0.1", "127.0.0.1:{port}", "127.45.6.7:8080",
            "[::1]", "[::1]:{port}", "[0:0:0:0:0:0:0:1]:{port}"]
ELSEWHERE = ["attacker.example", "attacker.example:{port}", "127.0.0.1.attacker.example", "localhost.attacker.example",
             "sub.localhost", "0.0.0.0", "10.0.0.1", "192.168.1.10:{port}", "[::2]", "[::ffff:127.0.0.1]",
             "localhost:", "localhost:http", "user@localhost", "127.1", "[::1", "::1"]


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_names_are_served(served: tuple[SquareEmulator, EmulatorServer], host: str) -> None:
    _, server = served
    with httpx.Client(base_url=server.base_url, headers=HEADERS) as client:
        answer = client.get("/v2/customers", headers={"Host": _host(server, host)})
    assert answer.status_code == 200 and len(answer.json()["customers"]) == 5


@pytest.mark.parametrize("host", ELSEWHERE)
def test_other_names_are_refused_with_403(served: tuple[SquareEmulator, EmulatorServer], host: str) -> None:
    emulator, server = served
    with httpx.Client(base_url=server.base_url, headers=HEADERS) as client:
        answer = client.get("/v2/customers", headers={"Host": _host(server, host)})
    assert_provider_error("square", answer, 403)
    assert emulator.stats().requests == 0


def test_the_host_rule_itself() -> None:
    assert all(is_loopback_authority(h.format(port=8080)) for h in LOOPBACK)
    assert not any(is_loopback_authority(h.format(port=8080)) for h in ELSEWHERE)
    assert not is_loopback_authority(None) and not is_loopback_authority("")


@pytest.mark.parametrize("key", PROVIDERS)
def test_a_rebound_name_cannot_write(key: str) -> None:
    """What a page on attacker.example, its name rebound to 127.0.0.1, would send: refused, nothing stored."""
    emulator = new_emulator(key)
    with serving(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        port = server.server_address[1]
        answer = client.post(customer_path(emulator), content=b'{"email": "x@example.com"}',
                             headers={**auth_headers(emulator), "Host": f"attacker.example:{port}",
                                      "Content-Type": "application/json"})
        assert_provider_error(key, answer, 403)
        assert answer.headers["connection"] == "close"
    assert emulator.stats().requests == 0  # no route ran: nothing was read or stored


@pytest.mark.parametrize("head", [
    b"GET /v2/customers HTTP/1.1\r\n",  # no Host at all
    b"GET /v2/customers HTTP/1.1\r\nHost: localhost\r\nHost: attacker.example\r\n",  # two, disagreeing
    b"GET http://attacker.example/v2/customers HTTP/1.1\r\nHost: localhost\r\n",  # absolute-form wins over Host
], ids=["missing", "twice", "absolute-form"])
def test_missing_doubled_or_overridden_host_is_refused(served: tuple[SquareEmulator, EmulatorServer],
                                                       head: bytes) -> None:
    _, server = served
    answer = _exchange(server, head + b"Authorization: Bearer test-token\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403 "), answer[:200]
    assert b'"FORBIDDEN"' in answer


def test_absolute_form_addressed_to_loopback_is_served(served: tuple[SquareEmulator, EmulatorServer]) -> None:
    _, server = served
    port = server.server_address[1]
    answer = _exchange(server, f"GET http://localhost:{port}/v2/customers?limit=2 HTTP/1.1\r\nHost: localhost\r\n"
                               "Authorization: Bearer test-token\r\nConnection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]


# -- body size --------------------------------------------------------------------------------------


def _create_body(size: int) -> bytes:
    """A Square create body of exactly `size` bytes (padded with JSON whitespace)."""
    body = b'{"given_name": "At the limit"}'
    return body[:-1] + b" " * (size - len(body)) + b"}"


def test_a_body_at_the_limit_is_served_and_one_byte_more_is_413(served: tuple[SquareEmulator, EmulatorServer]) -> None:
    emulator, server = served
    with httpx.Client(base_url=server.base_url, headers=HEADERS) as client:
        at_limit = client.post("/v2/customers", content=_create_body(LIMIT))
        assert at_limit.status_code == 200, at_limit.text
        chunked = client.post("/v2/customers", content=iter([_create_body(LIMIT)[:100], _create_body(LIMIT)[100:]]))
        assert chunked.status_code == 200, chunked.text
        served_before = emulator.stats().requests
        over = client.post("/v2/customers", content=_create_body(LIMIT + 1))
        assert_provider_error("square", over, 413)
        assert over.headers["connection"] == "close"
        chunked_over = client.post("/v2/customers", content=iter([_create_body(LIMIT + 1)]))
        assert_provider_error("square", chunked_over, 413)
    assert emulator.stats().requests == served_before


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(
        served: tuple[SquareEmulator, EmulatorServer]) -> None:
    _, server = served
    # A terabyte announced and nothing sent: reading it first would wait forever.
    answer = _exchange(server, b"POST /v2/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
                               b"Content-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b'"REQUEST_ENTITY_TOO_LARGE"' in answer


@pytest.mark.parametrize("host", ["localhost", "attacker.example"])
def test_a_refused_request_gets_no_100_continue(served: tuple[SquareEmulator, EmulatorServer], host: str) -> None:
    _, server = served
    size = LIMIT + 1 if host == "localhost" else 10
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as sock:
        sock.sendall(b"POST /v2/customers HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer test-token\r\n"
                     b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % (host.encode(), size))
        first = sock.recv(65536)
    assert first.startswith(b"HTTP/1.1 413 " if host == "localhost" else b"HTTP/1.1 403 "), first[:100]


def test_an_acceptable_request_still_gets_100_continue(served: tuple[SquareEmulator, EmulatorServer]) -> None:
    _, server = served
    body = _create_body(100)
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as sock:
        sock.sendall(b"POST /v2/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
                     b"Expect: 100-continue\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body))
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 ")
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:100]


def test_a_chunked_body_is_refused_once_it_grows_past_the_limit(served: tuple[SquareEmulator, EmulatorServer]) -> None:
    _, server = served
    chunk = b"%x\r\n%s\r\n" % (LIMIT // 2 + 1, b" " * (LIMIT // 2 + 1))
    # Two chunks pass the limit; the body never ends, so waiting for its end would wait forever.
    answer = _exchange(server, b"POST /v2/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
                               b"Transfer-Encoding: chunked\r\n\r\n" + chunk + chunk)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]


_FRAMINGS = {"negative": b"Content-Length: -1", "not-a-number": b"Content-Length: 12abc",
             "superscript-two": b"Content-Length: \xb2", "conflicting": b"Content-Length: 3\r\nContent-Length: 4",
             "bad-chunk-size": b"Transfer-Encoding: chunked\r\n\r\nzz"}


@pytest.mark.parametrize("framing", list(_FRAMINGS.values()), ids=list(_FRAMINGS))
def test_unreadable_framing_is_400(served: tuple[SquareEmulator, EmulatorServer], framing: bytes) -> None:
    emulator, server = served
    answer = _exchange(server, b"POST /v2/customers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer test-token\r\n"
                               + framing + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b'"BAD_REQUEST"' in answer and emulator.stats().requests == 0


@pytest.mark.parametrize("target", [b"/v2/customers?q=\x7f", b"/v2/\x01customers"])
def test_an_unreadable_target_is_400(served: tuple[SquareEmulator, EmulatorServer], target: bytes) -> None:
    _, server = served
    answer = _exchange(server, b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b'"BAD_REQUEST"' in answer


@pytest.mark.parametrize("key", PROVIDERS)
def test_every_emulator_refuses_too_large_bodies_in_its_own_shape(key: str) -> None:
    emulator = new_emulator(key)
    emulator.max_body_bytes = LIMIT
    content = b" " * (LIMIT + 1)
    headers = {**auth_headers(emulator), "Content-Type": "application/json"}
    with serving(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        served = client.post(customer_path(emulator), content=content, headers=headers)
    with httpx.Client(transport=emulator.sync_transport(), base_url="https://emulator.invalid") as client:
        in_process = client.post(customer_path(emulator), content=content, headers=headers)
    for answer in (served, in_process):
        assert_provider_error(key, answer, 413)
    assert emulator.stats().requests == 0
