"""Which host names mean this computer: the rule both the base URL check and the emulator server use."""

from __future__ import annotations

import ipaddress


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1 (an IPv6 address with or without its brackets)."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
