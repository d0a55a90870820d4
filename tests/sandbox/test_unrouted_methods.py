"""A method no route of an emulator takes (TRACE, CONNECT, an invented one) is 405 in the provider's own shape."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests.sandbox.conftest import serving
from tests.sandbox.error_shapes import PROVIDERS, assert_provider_error, auth_headers, customer_path, new_emulator

METHODS = ["TRACE", "CONNECT", "BREW"]


def _allowed(response: httpx.Response) -> set[str]:
    return {m.strip() for m in response.headers["allow"].split(",")}


@pytest.mark.parametrize("key", PROVIDERS)
def test_in_process_unrouted_methods_are_405(key: str) -> None:
    emulator = new_emulator(key)
    with httpx.Client(transport=emulator.sync_transport(), base_url="https://emulator.invalid") as client:
        for method in METHODS:
            # With or without credentials, on the API's path or elsewhere: the front end refuses first.
            for path, headers in ((customer_path(emulator), auth_headers(emulator)), ("/elsewhere", {})):
                answer = client.request(method, path, headers=headers)
                assert_provider_error(key, answer, 405)
                assert "POST" in _allowed(answer) and method not in _allowed(answer)
    assert emulator.stats().requests == 0  # refused in front: no route, store or fault saw them


@pytest.mark.parametrize("key", PROVIDERS)
def test_served_unrouted_methods_are_405_not_an_html_501(key: str) -> None:
    emulator = new_emulator(key)
    with serving(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        for method in METHODS:
            answer = client.request(method, customer_path(emulator), headers=auth_headers(emulator))
            assert_provider_error(key, answer, 405)
        # The connection is still usable, and a routed method is still served.
        routed = client.post(customer_path(emulator), headers=auth_headers(emulator), content=b"{}")
        assert routed.status_code != 405


@pytest.mark.parametrize("key", PROVIDERS)
def test_served_connect_to_an_authority_is_405(key: str) -> None:
    emulator = new_emulator(key)
    with serving(emulator) as server:
        port = server.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"CONNECT example.com:443 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            head = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 405 "), head[:200]
