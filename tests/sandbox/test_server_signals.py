"""A stop signal ends the server wherever it lands, even while a request's handler thread is being started."""

from __future__ import annotations

import signal
import socket

import pytest

from console.sandbox import server as server_module
from console.sandbox.server import EmulatorServer
from console.sandbox.square import SquareEmulator


class _SignalWhileStartingHandler(EmulatorServer):
    """Delivers the stop signal exactly where it once got lost: while the handler thread starts."""

    def process_request(self, request: socket.socket, client_address: object) -> None:
        request.close()
        server_module._stop(signal.SIGTERM, None)


def test_a_stop_signal_during_accept_is_not_swallowed() -> None:
    server = _SignalWhileStartingHandler(SquareEmulator(seed=1, customers=1), 0)
    try:
        # socketserver catches Exception around each accepted request and carries on serving.
        with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10), \
                pytest.raises(BaseException) as stopped:
            server._handle_request_noblock()
        assert type(stopped.value).__name__ == "_Stop"
    finally:
        server.server_close()
